/* search: folded, smart-case search in a document's text (see search.h).
 *
 * The text is cut on a fixed grid of SEARCH_PIECE bytes; each piece is
 * folded on its own (with SEARCH_OVERLAP bytes of the next, so a match
 * across the seam is seen) and kept in a small LRU cache together with
 * the matches of the current query in it.  Every answer is put together
 * from the match lists of pieces. */
#include "config.h"

#include "gloss/search.h"
#include "gloss/u8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 16

struct piece {
	bool used;
	bool casefold;          /* folded with case folding, or NFKC only */
	size_t index;           /* on the grid */
	size_t start, end;      /* the piece's own text: [start, end) */
	struct buf folded;      /* the fold of [start, fold_end) */
	uint32_t *map;          /* folded byte -> offset from start; +1 entry */
	unsigned long long tick; /* last use, for the LRU */
	/* The matches of the query of generation `gen` that start in
	   [start, end). */
	unsigned gen;
	bool have_matches;
	struct search_match *matches;
	size_t nmatches;
};

struct find_job {
	bool active;
	size_t from;
	bool backward, wrap;
	size_t first;           /* the piece that holds `from` */
	size_t step;            /* pieces done so far */
};

struct search {
	const struct doc *d;
	const char *text;
	size_t len;
	size_t npieces;

	struct piece cache[CACHE_SLOTS];
	unsigned long long tick;

	char *query;            /* as given, NUL-terminated */
	struct buf needle;      /* folded query */
	bool case_sensitive;
	unsigned gen;           /* bumped by every query change */

	struct find_job job;

	size_t *piece_counts;   /* per piece; SIZE_MAX: not counted yet */
	size_t count_next;      /* the next piece to count */
	size_t count_total;
};

/* ----------------------------------------------------------- the grid */

/* The cluster boundary at or before off. */
static size_t
boundary_before(const struct search *s, size_t off)
{
	if (off == 0 || off >= s->len)
		return off >= s->len ? s->len : 0;
	size_t q = u8_prev_cluster(s->text, s->len, off);
	size_t e = u8_next_cluster(s->text, s->len, q);
	return e <= off ? e : q;
}

/* The cluster boundary at or after off. */
static size_t
boundary_after(const struct search *s, size_t off)
{
	size_t b = boundary_before(s, off);
	return b == off ? b : u8_next_cluster(s->text, s->len, b);
}

/* Where piece k starts: just after a line feed in the first half of its
 * grid cell when there is one, else at the cluster boundary at or before
 * the grid point.  Always at or after the previous piece's start: that
 * one lies within the first half of its own cell. */
static size_t
piece_start(const struct search *s, size_t k)
{
	if (k == 0)
		return 0;
	if (k >= s->npieces)
		return s->len;
	size_t g = k * SEARCH_PIECE;
	size_t lim = g + SEARCH_PIECE / 2 < s->len ? g + SEARCH_PIECE / 2 : s->len;
	const char *lf = memchr(s->text + g, '\n', lim - g);
	if (lf)
		return (size_t)(lf - s->text) + 1;
	size_t b = boundary_before(s, g);
	if (b > g - SEARCH_PIECE / 2)
		return b;
	/* A cluster longer than half a piece: cut at a code point. */
	while (g > 0 && ((unsigned char)s->text[g] & 0xC0) == 0x80)
		g--;
	return g;
}

static size_t
piece_of(const struct search *s, size_t off)
{
	size_t k = off / SEARCH_PIECE;
	if (k >= s->npieces)
		k = s->npieces - 1;
	while (k + 1 < s->npieces && piece_start(s, k + 1) <= off)
		k++;
	while (k > 0 && piece_start(s, k) > off)
		k--;
	return k;
}

/* ------------------------------------------------------------ the cache */

static void
piece_clear(struct piece *p)
{
	buf_free(&p->folded);
	free(p->map);
	free(p->matches);
	memset(p, 0, sizeof *p);
}

static struct piece *
get_piece(struct search *s, size_t k)
{
	bool casefold = !s->case_sensitive;
	struct piece *victim = &s->cache[0];
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct piece *p = &s->cache[i];
		if (p->used && p->index == k && p->casefold == casefold) {
			p->tick = ++s->tick;
			return p;
		}
		if (!p->used || (victim->used && p->tick < victim->tick))
			victim = p;
	}
	piece_clear(victim);
	struct piece *p = victim;
	p->used = true;
	p->casefold = casefold;
	p->index = k;
	p->start = piece_start(s, k);
	p->end = piece_start(s, k + 1);
	if (p->end < p->start)
		p->end = p->start;
	size_t fold_end = p->end + SEARCH_OVERLAP < s->len ? p->end + SEARCH_OVERLAP : s->len;
	fold_end = boundary_after(s, fold_end);
	size_t *map = NULL;
	if (casefold)
		u8_fold(&p->folded, s->text + p->start, fold_end - p->start, &map);
	else
		u8_nfkc(&p->folded, s->text + p->start, fold_end - p->start, &map);
	/* Offsets within a piece fit 32 bits: a quarter of the memory. */
	p->map = xreallocarray(NULL, p->folded.len + 1, sizeof *p->map);
	for (size_t i = 0; i <= p->folded.len; i++)
		p->map[i] = (uint32_t)map[i];
	free(map);
	p->tick = ++s->tick;
	return p;
}

/* The matches of the current query that start in piece k. */
static struct piece *
piece_matches(struct search *s, size_t k)
{
	struct piece *p = get_piece(s, k);
	if (p->have_matches && p->gen == s->gen)
		return p;
	free(p->matches);
	p->matches = NULL;
	p->nmatches = 0;
	size_t cap = 0;
	const char *hay = p->folded.data ? p->folded.data : "";
	size_t hlen = p->folded.len, nlen = s->needle.len;
	size_t own = p->end - p->start;
	size_t at = 0;
	while (nlen && at + nlen <= hlen) {
		const char *hit = memmem(hay + at, hlen - at, s->needle.data, nlen);
		if (!hit)
			break;
		size_t fs = (size_t)(hit - hay), fe = fs + nlen;
		if (p->map[fs] >= own)
			break;  /* starts in the next piece: its match */
		bool starts_cluster = fs == 0 || p->map[fs] != p->map[fs - 1];
		bool ends_cluster = p->map[fe] != p->map[fe - 1];
		if (!starts_cluster || !ends_cluster) {
			at = fs + 1;
			continue;
		}
		if (p->nmatches == cap) {
			cap = cap ? cap * 2 : 16;
			p->matches = xreallocarray(p->matches, cap, sizeof *p->matches);
		}
		p->matches[p->nmatches].start = p->start + p->map[fs];
		p->matches[p->nmatches].end = p->start + p->map[fe];
		p->nmatches++;
		at = fe;
	}
	p->have_matches = true;
	p->gen = s->gen;
	return p;
}

/* ---------------------------------------------------------------- query */

struct search *
search_new(const struct doc *d)
{
	struct search *s = xcalloc(1, sizeof *s);
	s->d = d;
	s->text = doc_text(d, &s->len);
	s->npieces = s->len ? (s->len + SEARCH_PIECE - 1) / SEARCH_PIECE : 1;
	s->query = xstrdup("");
	s->piece_counts = xreallocarray(NULL, s->npieces, sizeof *s->piece_counts);
	for (size_t k = 0; k < s->npieces; k++)
		s->piece_counts[k] = SIZE_MAX;
	return s;
}

void
search_free(struct search *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		piece_clear(&s->cache[i]);
	buf_free(&s->needle);
	free(s->query);
	free(s->piece_counts);
	free(s);
}

static void
reset_count(struct search *s)
{
	for (size_t k = 0; k < s->npieces; k++)
		s->piece_counts[k] = SIZE_MAX;
	s->count_next = 0;
	s->count_total = 0;
	s->job.active = false;
}

bool
search_set_query(struct search *s, const char *q, size_t n)
{
	s->gen++;
	reset_count(s);
	buf_clear(&s->needle);
	free(s->query);
	s->query = xstrdup("");
	s->case_sensitive = false;
	if (n == 0 || !u8_is_valid(q, n))
		return false;
	/* The same rule as gloss search (u8_fold_query). */
	bool upper = u8_fold_query(&s->needle, q, n);
	if (s->needle.len == 0 || s->needle.len > SEARCH_MAX_QUERY) {
		buf_clear(&s->needle);
		return false;
	}
	s->case_sensitive = upper;
	free(s->query);
	s->query = xstrndup(q, n);
	return true;
}

const char *
search_query(const struct search *s)
{
	return s->query;
}

bool
search_case_sensitive(const struct search *s)
{
	return s->case_sensitive;
}

bool
search_has_query(const struct search *s)
{
	return s->needle.len > 0;
}

/* -------------------------------------------------------------- finding */

void
search_find_begin(struct search *s, size_t from, bool backward, bool wrap)
{
	if (from > s->len)
		from = s->len;
	s->job.active = search_has_query(s);
	s->job.from = from;
	s->job.backward = backward;
	s->job.wrap = wrap;
	s->job.first = piece_of(s, from);
	s->job.step = 0;
}

enum search_result
search_find_step(struct search *s, size_t budget, struct search_match *m, bool *wrapped)
{
	struct find_job *j = &s->job;
	size_t done = 0;
	if (wrapped)
		*wrapped = false;
	while (j->active) {
		/* Pieces are visited from the one holding `from` to the end
		   (start), then, wrapping, from the other end back to it. */
		size_t i = j->step;
		size_t last = j->wrap ? s->npieces : (j->backward ? j->first : s->npieces - 1 - j->first);
		if (i > last) {
			j->active = false;
			return SEARCH_NOT_FOUND;
		}
		size_t k;
		bool wrapped_now;
		if (!j->backward) {
			k = (j->first + i) % s->npieces;
			wrapped_now = j->first + i >= s->npieces;
		} else {
			wrapped_now = i > j->first;
			k = wrapped_now ? s->npieces - (i - j->first) : j->first - i;
		}
		struct piece *p = piece_matches(s, k);
		const struct search_match *hit = NULL;
		bool first_visit = i == 0, return_visit = i == s->npieces;
		if (!j->backward) {
			for (size_t x = 0; x < p->nmatches && !hit; x++) {
				size_t st = p->matches[x].start;
				if (first_visit && st < j->from)
					continue;
				if (return_visit && st >= j->from)
					break;
				hit = &p->matches[x];
			}
		} else {
			for (size_t x = p->nmatches; x-- > 0 && !hit;) {
				size_t st = p->matches[x].start;
				if (first_visit && st >= j->from)
					continue;
				if (return_visit && st < j->from)
					break;
				hit = &p->matches[x];
			}
		}
		j->step++;
		if (hit) {
			*m = *hit;
			if (wrapped)
				*wrapped = wrapped_now;
			j->active = false;
			return SEARCH_FOUND;
		}
		done += p->end - p->start + 1;
		if (budget && done >= budget)
			return SEARCH_MORE;
	}
	return SEARCH_NOT_FOUND;
}

enum search_result
search_find(struct search *s, size_t from, bool backward, bool wrap,
	    struct search_match *m, bool *wrapped)
{
	search_find_begin(s, from, backward, wrap);
	return search_find_step(s, 0, m, wrapped);
}

void
search_matches_in(struct search *s, size_t start, size_t end,
		  struct search_match **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!search_has_query(s) || start >= end)
		return;
	if (end > s->len)
		end = s->len;
	size_t k0 = piece_of(s, start), k1 = piece_of(s, end ? end - 1 : 0);
	/* A match of the piece before may run into the range. */
	if (k0 > 0 && start - piece_start(s, k0) < SEARCH_OVERLAP)
		k0--;
	size_t cap = 0;
	for (size_t k = k0; k <= k1; k++) {
		struct piece *p = piece_matches(s, k);
		for (size_t x = 0; x < p->nmatches; x++) {
			const struct search_match *mt = &p->matches[x];
			if (mt->end <= start || mt->start >= end)
				continue;
			if (*count == cap) {
				cap = cap ? cap * 2 : 16;
				*out = xreallocarray(*out, cap, sizeof **out);
			}
			(*out)[(*count)++] = *mt;
		}
	}
}

/* ------------------------------------------------------------- counting */

bool
search_count_step(struct search *s, size_t budget)
{
	if (!search_has_query(s))
		return true;
	size_t done = 0;
	while (s->count_next < s->npieces) {
		size_t k = s->count_next++;
		struct piece *p = piece_matches(s, k);
		s->piece_counts[k] = p->nmatches;
		s->count_total += p->nmatches;
		done += p->end - p->start + 1;
		if (budget && done >= budget)
			break;
	}
	return s->count_next >= s->npieces;
}

size_t
search_count(const struct search *s, bool *complete)
{
	if (complete)
		*complete = !search_has_query(s) || s->count_next >= s->npieces;
	return s->count_total;
}

size_t
search_match_number(struct search *s, size_t start)
{
	if (!search_has_query(s))
		return 0;
	size_t k = piece_of(s, start);
	if (s->count_next <= k)
		return 0;
	size_t before = 0;
	for (size_t j = 0; j < k; j++)
		before += s->piece_counts[j];
	struct piece *p = piece_matches(s, k);
	for (size_t x = 0; x < p->nmatches; x++)
		if (p->matches[x].start == start)
			return before + x + 1;
	return 0;
}
