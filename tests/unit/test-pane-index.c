/* The annotations' place index (pane_annot_index): the reader finds the
 * annotation under a cell, the notes starting on a row and the next one
 * for ]n by it, so it must answer exactly what a pass over every
 * annotation would, overlaps and all. */
#include "config.h"

#include "gloss/pane.h"
#include "gloss/store.h"
#include "../tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned long rng = 12345;

static size_t
rnd(size_t n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (size_t)(rng >> 33) % n;
}

/* What pane_annot_at answered before the index: a pass over all. */
static size_t
innermost_by_pass(const struct pane_shared *sh, size_t off)
{
	size_t best = (size_t)-1;
	for (size_t i = 0; i < sh->nannots; i++) {
		const struct pane_annot *an = &sh->annots[i];
		if (!an->placed || off < an->start || off >= an->end || (sh->hide_others && !an->mine))
			continue;
		if (best == (size_t)-1 ||
		    an->end - an->start < sh->annots[best].end - sh->annots[best].start)
			best = i;
	}
	return best;
}

struct seen {
	size_t *got;
	size_t n;
};

static bool
collect(const struct pane_shared *sh, size_t i, void *ctx)
{
	(void)sh;
	struct seen *s = ctx;
	s->got[s->n++] = i;
	return false;
}

static int
by_start(const void *x, const void *y)
{
	const struct pane_annot *p = x, *q = y;
	return p->start < q->start ? -1 : p->start > q->start;
}

/* n annotations on a text of `len` bytes, some long (a whole section), a
 * few not placed; checks every offset. */
static void
check(size_t n, size_t len, bool hide_others)
{
	struct store_annotation sa = { 0 };
	struct pane_annot *annots = xcalloc(n ? n : 1, sizeof *annots);
	for (size_t i = 0; i < n; i++) {
		size_t start = rnd(len), span = rnd(8) == 0 ? rnd(len) : 1 + rnd(20);
		annots[i].a = &sa;
		annots[i].placed = rnd(10) != 0;
		annots[i].start = start;
		annots[i].end = start + span > len ? len : start + span;
		annots[i].mine = rnd(3) != 0;
	}
	qsort(annots, n, sizeof *annots, by_start);
	struct pane_shared sh = { 0 };
	sh.annots = annots;
	sh.nannots = n;
	sh.hide_others = hide_others;
	pane_annot_index_build(&sh.annot_index, annots, n);
	size_t wrong_at = 0, wrong_range = 0, wrong_bound = 0;
	struct seen s = { xcalloc(n + 1, sizeof *s.got), 0 };
	for (size_t off = 0; off <= len; off++) {
		if (pane_annot_at(&sh, off) != innermost_by_pass(&sh, off))
			wrong_at++;
		/* [off, off + 7): every placed one overlapping, by start. */
		s.n = 0;
		pane_annot_overlapping(&sh, off, off + 7, collect, &s);
		size_t k = 0;
		bool same = true;
		for (size_t i = 0; i < n; i++)
			if (annots[i].placed && annots[i].start < off + 7 && off < annots[i].end)
				same = same && k < s.n && s.got[k++] == i;
		if (!same || k != s.n)
			wrong_range++;
		size_t lb = pane_annot_lower_bound(&sh, off);
		if ((lb < sh.annot_index.n && annots[sh.annot_index.order[lb]].start < off) ||
		    (lb > 0 && annots[sh.annot_index.order[lb - 1]].start >= off))
			wrong_bound++;
	}
	is_int((long)wrong_at, 0, "%zu annotations%s: the innermost at every offset is the one a pass finds",
	       n, hide_others ? ", others hidden" : "");
	is_int((long)wrong_range, 0, "%zu annotations: every one overlapping a range is found, in text order", n);
	is_int((long)wrong_bound, 0, "%zu annotations: the first starting at an offset is found", n);
	free(s.got);
	pane_annot_index_free(&sh.annot_index);
	free(annots);
}

int
main(void)
{
	check(0, 50, false);
	check(1, 50, false);
	for (size_t n = 2; n <= 40; n++)
		check(n, 120, n % 3 == 0);
	check(1000, 3000, false);
	check(5000, 20000, true);
	return tap_done();
}
