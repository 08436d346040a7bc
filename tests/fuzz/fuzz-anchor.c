/* fuzz-anchor: random text pairs and ranges.  A selection made on one
 * text (anchor_make) and placed again (anchor_resolve) on the same text
 * must be EXACT where it was; placed on another text, or a selector made
 * by hand (as import and the store give them: any quote, any context, any
 * position, NULL sides) is placed inside that text, with its quote there
 * when EXACT or MOVED, or is an ORPHAN that keeps its old position.
 *
 * The input: 4 bytes of range, then text A, text B, a quote, a prefix
 * and a suffix, separated by 0xFF bytes (texts are normalised first, as
 * doc makes them: anchor works on valid NFC UTF-8). */
#include "config.h"

#include "fuzz.h"
#include "gloss/anchor.h"

static char *
normalised(const char *s, size_t n, size_t *len)
{
	struct buf b = BUF_INIT;
	u8_normalize_text(&b, s, n, NULL);
	buf_reserve(&b, 0);
	return buf_steal(&b, len);
}

/* The code points [start, end) of text as a new string. */
static char *
cp_slice(struct anchor_text *at, size_t start, size_t end)
{
	size_t len;
	const char *text = anchor_text_bytes(at, &len);
	size_t a = anchor_text_cp_to_byte(at, start), b = anchor_text_cp_to_byte(at, end);
	FUZZ_CHECK(a <= b && b <= len);
	return xstrndup(text + a, b - a);
}

static void
check_result(struct anchor_text *at, const struct anchor_selector *sel,
	     const struct anchor_result *r)
{
	size_t cps = anchor_text_length_cp(at);
	FUZZ_CHECK(r->state >= ANCHOR_EXACT && r->state <= ANCHOR_ORPHAN);
	FUZZ_CHECK(r->score >= 0.0 && r->score <= 1.0 + 1e-9);
	if (r->state == ANCHOR_ORPHAN) {
		FUZZ_CHECK(r->start == sel->start && r->end == sel->end);
		return;
	}
	FUZZ_CHECK(r->start <= r->end && r->end <= cps);
	if (r->state == ANCHOR_EXACT || r->state == ANCHOR_MOVED) {
		char *there = cp_slice(at, r->start, r->end);
		FUZZ_CHECK(strcmp(there, sel->exact ? sel->exact : "") == 0);
		free(there);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	unsigned r0 = fuzz_byte(&in), r1 = fuzz_byte(&in), r2 = fuzz_byte(&in);
	unsigned flags = fuzz_byte(&in);
	size_t na, nb, nq, np, ns;
	const char *pa = fuzz_piece(&in, &na);
	const char *pb = fuzz_piece(&in, &nb);
	const char *pq = fuzz_piece(&in, &nq);
	const char *pp = fuzz_piece(&in, &np);
	const char *ps = fuzz_piece(&in, &ns);

	size_t la, lb;
	char *a = normalised(pa, na, &la);
	char *b = normalised(pb, nb, &lb);
	struct anchor_text *ta = anchor_text_new(a, la);
	struct anchor_text *tb = anchor_text_new(b, lb);
	size_t cpa = anchor_text_length_cp(ta), cpb = anchor_text_length_cp(tb);
	FUZZ_CHECK(cpa == u8_count_cp(a, la) && cpb == u8_count_cp(b, lb));
	for (size_t cp = 0; cp <= cpb; cp++)
		FUZZ_CHECK(anchor_text_byte_to_cp(tb, anchor_text_cp_to_byte(tb, cp)) == cp);

	/* A selection on A. */
	size_t start = (r0 << 8 | r1) % (cpa + 1);
	size_t end = start + r2 % (cpa - start + 1);
	if (flags & 1) {
		/* Backwards or past the end: refused, nothing allocated. */
		struct anchor_selector bad;
		struct gl_error err;
		FUZZ_CHECK(anchor_make(a, la, end + 1, start, &bad, &err) == GL_USAGE);
		FUZZ_CHECK(anchor_make(a, la, start, cpa + 1, &bad, &err) == GL_USAGE);
		FUZZ_CHECK(bad.exact == NULL && bad.prefix == NULL && bad.suffix == NULL);
	}
	struct anchor_selector sel;
	struct gl_error err;
	struct anchor_result r;
	if (anchor_make_in(ta, start, end, &sel, &err) != GL_OK) {
		/* Only a range that holds a NUL (a --binary document) is refused. */
		FUZZ_CHECK(sel.exact == NULL);
		FUZZ_CHECK(memchr(a, '\0', la) != NULL);
	} else {
		/* Widened to clusters; a point inside a cluster moves to its
		 * start (anchor.h). */
		if (start == end)
			FUZZ_CHECK(sel.start == sel.end && sel.start <= start);
		else
			FUZZ_CHECK(sel.start <= start && sel.end >= end && sel.start <= sel.end);
		FUZZ_CHECK(sel.end <= cpa);
		FUZZ_CHECK(sel.exact != NULL);
		FUZZ_CHECK(sel.prefix || memchr(a, '\0', la));
		FUZZ_CHECK(sel.suffix || memchr(a, '\0', la));
		char *exact = cp_slice(ta, sel.start, sel.end);
		FUZZ_CHECK(strcmp(exact, sel.exact) == 0);
		free(exact);
		FUZZ_CHECK(!sel.prefix ||
			   u8_count_cp(sel.prefix, strlen(sel.prefix)) <= ANCHOR_CONTEXT_CP);
		FUZZ_CHECK(!sel.suffix ||
			   u8_count_cp(sel.suffix, strlen(sel.suffix)) <= ANCHOR_CONTEXT_CP);

		/* On its own text: exactly where it was. */
		anchor_resolve_in(ta, &sel, &r);
		FUZZ_CHECK(r.state == ANCHOR_EXACT);
		FUZZ_CHECK(r.start == sel.start && r.end == sel.end);
		/* On another text: inside it, or an orphan. */
		anchor_resolve_in(tb, &sel, &r);
		check_result(tb, &sel, &r);
		/* The one-call form agrees. */
		struct anchor_result r2b;
		anchor_resolve(b, lb, &sel, &r2b);
		FUZZ_CHECK(r2b.state == r.state && r2b.start == r.start && r2b.end == r.end);
		anchor_selector_free(&sel);
	}

	/* A selector made by hand: any strings, any position. */
	size_t lq, lp, ls;
	struct anchor_selector hand;
	memset(&hand, 0, sizeof hand);
	hand.exact = (flags & 2) ? NULL : normalised(pq, nq, &lq);
	hand.prefix = (flags & 4) ? NULL : normalised(pp, np, &lp);
	hand.suffix = (flags & 8) ? NULL : normalised(ps, ns, &ls);
	hand.start = (flags & 16) ? (size_t)r0 * 1000 : start;
	hand.end = (flags & 32) ? hand.start + r2 : hand.start + (flags >> 6);
	anchor_resolve_in(tb, &hand, &r);
	check_result(tb, &hand, &r);
	struct anchor_selector copy;
	anchor_selector_copy(&copy, &hand);
	anchor_resolve_in(ta, &copy, &r);
	check_result(ta, &copy, &r);
	anchor_selector_free(&copy);
	anchor_selector_free(&hand);

	anchor_text_free(ta);
	anchor_text_free(tb);
	free(a);
	free(b);
	return 0;
}
