/* anchor: selectors for a range, and re-anchoring them on another text.
 * The contract and the algorithm are described in gloss/anchor.h. */
#include "config.h"

#include "gloss/anchor.h"
#include "gloss/u8.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One sample of the code point index per 64 code points. */
#define SAMPLE_SHIFT 6
/* Shifts between old and new positions remembered per text. */
#define SHIFT_MEMORY 8
/* Folded context characters read next to a candidate: enough for an
 * alignment of a whole context with fewer errors than its length. */
#define CONTEXT_READ_MAX (2 * ANCHOR_CONTEXT_CP + 2)
/* Equal scores: closer than this counts as a tie. */
#define SCORE_EPSILON 1e-9

struct anchor_text {
	const char *s;
	size_t len;
	size_t ncp;
	size_t *sample;      /* byte offset of code point i << SAMPLE_SHIFT;
				NULL when the text is ASCII (cp == byte) */
	size_t nsample;
	/* Recent (new start - old start) of MOVED results with their whole
	 * context intact, most recent first. */
	long long shifts[SHIFT_MEMORY];
	size_t nshifts;
};

/* ------------------------------------------------------------ the text */

static inline size_t
cp_len_at(const char *s, size_t n, size_t i)
{
	if ((unsigned char)s[i] < 0x80)
		return 1;
	int32_t cp;
	return u8_decode(s, n, i, &cp);
}

static inline size_t
decode_at(const char *s, size_t n, size_t i, int32_t *cp)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	return u8_decode(s, n, i, cp);
}

struct anchor_text *
anchor_text_new(const char *text, size_t len)
{
	struct anchor_text *at = xcalloc(1, sizeof *at);
	at->s = text ? text : "";
	at->len = text ? len : 0;
	/* At most one sample per 64 bytes (a code point is >= 1 byte). */
	at->sample = xmalloc(((at->len >> SAMPLE_SHIFT) + 1) * sizeof *at->sample);
	size_t i = 0, cp = 0;
	while (i < at->len) {
		if ((cp & ((1u << SAMPLE_SHIFT) - 1)) == 0)
			at->sample[at->nsample++] = i;
		i += cp_len_at(at->s, at->len, i);
		cp++;
	}
	at->ncp = cp;
	if (cp == at->len) {
		free(at->sample);
		at->sample = NULL;
		at->nsample = 0;
	}
	return at;
}

void
anchor_text_free(struct anchor_text *at)
{
	if (!at)
		return;
	free(at->sample);
	free(at);
}

const char *
anchor_text_bytes(const struct anchor_text *at, size_t *len)
{
	if (len)
		*len = at->len;
	return at->s;
}

size_t
anchor_text_length_cp(const struct anchor_text *at)
{
	return at->ncp;
}

size_t
anchor_text_cp_to_byte(const struct anchor_text *at, size_t cp)
{
	if (cp >= at->ncp)
		return at->len;
	if (!at->sample)
		return cp;
	size_t b = at->sample[cp >> SAMPLE_SHIFT];
	for (size_t k = cp & ((1u << SAMPLE_SHIFT) - 1); k > 0; k--)
		b += cp_len_at(at->s, at->len, b);
	return b;
}

size_t
anchor_text_byte_to_cp(const struct anchor_text *at, size_t byte)
{
	if (byte >= at->len)
		return at->ncp;
	if (!at->sample)
		return byte;
	/* The last sample at or before `byte`. */
	size_t lo = 0, hi = at->nsample;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (at->sample[mid] <= byte)
			lo = mid;
		else
			hi = mid;
	}
	size_t cp = lo << SAMPLE_SHIFT, b = at->sample[lo];
	for (;;) {
		size_t l = cp_len_at(at->s, at->len, b);
		if (b + l > byte)
			return cp;
		b += l;
		cp++;
	}
}

/* --------------------------------------------------- grapheme clusters */

static bool
is_cluster_boundary(const struct anchor_text *at, size_t b)
{
	if (b == 0 || b >= at->len)
		return true;
	unsigned char p = (unsigned char)at->s[b - 1], c = (unsigned char)at->s[b];
	if (p < 0x80 && c < 0x80)
		return !(p == '\r' && c == '\n');
	size_t q = u8_prev_cluster(at->s, at->len, b);
	return u8_next_cluster(at->s, at->len, q) == b;
}

/* The boundary at or before byte b, and the one at or after it. */
static size_t
cluster_floor(const struct anchor_text *at, size_t b)
{
	if (is_cluster_boundary(at, b))
		return b < at->len ? b : at->len;
	return u8_prev_cluster(at->s, at->len, b);
}

static size_t
cluster_ceil(const struct anchor_text *at, size_t b)
{
	if (is_cluster_boundary(at, b))
		return b < at->len ? b : at->len;
	return u8_next_cluster(at->s, at->len, u8_prev_cluster(at->s, at->len, b));
}

/* ------------------------------------------------------------ selectors */

enum gl_status
anchor_make_in(const struct anchor_text *at, size_t start, size_t end,
	       struct anchor_selector *sel, struct gl_error *err)
{
	memset(sel, 0, sizeof *sel);
	if (start > end)
		return gl_fail(err, GL_USAGE,
			       "the range %zu-%zu ends before it starts", start, end);
	if (end > at->ncp)
		return gl_fail(err, GL_USAGE,
			       "the range %zu-%zu goes past the end of the text (%zu characters)",
			       start, end, at->ncp);
	size_t bs = cluster_floor(at, anchor_text_cp_to_byte(at, start));
	size_t be = start == end ? bs : cluster_ceil(at, anchor_text_cp_to_byte(at, end));
	if (be < bs)
		be = bs;
	sel->start = anchor_text_byte_to_cp(at, bs);
	sel->end = anchor_text_byte_to_cp(at, be);

	/* Context: shortened inwards, never past the range, so that it does
	 * not cut a cluster. */
	size_t pcp = sel->start > ANCHOR_CONTEXT_CP ? sel->start - ANCHOR_CONTEXT_CP : 0;
	size_t pb = cluster_ceil(at, anchor_text_cp_to_byte(at, pcp));
	if (pb > bs)
		pb = bs;
	size_t scp = sel->end + ANCHOR_CONTEXT_CP;
	size_t sb = cluster_floor(at, anchor_text_cp_to_byte(at, scp));
	if (sb < be)
		sb = be;

	/* Selectors are C strings, and a NUL (only a --binary document has
	 * one) would cut them short: a quote cannot hold one, and a context
	 * ends at the NUL nearest the quote (a NUL is a cluster of its own,
	 * so the cut is on a boundary).  A context a NUL empties is unknown
	 * (NULL): "" would mean the edge of the text. */
	if (memchr(at->s + bs, '\0', be - bs)) {
		sel->start = sel->end = 0;
		return gl_fail(err, GL_USAGE,
			       "the range %zu-%zu holds a NUL character, which a selection cannot keep",
			       start, end);
	}
	bool prefix_cut = false, suffix_cut = false;
	for (size_t i = bs; i > pb; i--)
		if (at->s[i - 1] == '\0') {
			pb = i;
			prefix_cut = true;
			break;
		}
	const char *nul = memchr(at->s + be, '\0', sb - be);
	if (nul) {
		sb = (size_t)(nul - at->s);
		suffix_cut = true;
	}

	sel->exact = xstrndup(at->s + bs, be - bs);
	sel->prefix = prefix_cut && pb == bs ? NULL : xstrndup(at->s + pb, bs - pb);
	sel->suffix = suffix_cut && sb == be ? NULL : xstrndup(at->s + be, sb - be);
	return GL_OK;
}

enum gl_status
anchor_make(const char *text, size_t len, size_t start, size_t end,
	    struct anchor_selector *sel, struct gl_error *err)
{
	struct anchor_text *at = anchor_text_new(text, len);
	enum gl_status st = anchor_make_in(at, start, end, sel, err);
	anchor_text_free(at);
	return st;
}

void
anchor_selector_free(struct anchor_selector *sel)
{
	if (!sel)
		return;
	free(sel->exact);
	free(sel->prefix);
	free(sel->suffix);
	memset(sel, 0, sizeof *sel);
}

void
anchor_selector_copy(struct anchor_selector *dst, const struct anchor_selector *src)
{
	dst->start = src->start;
	dst->end = src->end;
	dst->exact = src->exact ? xstrdup(src->exact) : NULL;
	dst->prefix = src->prefix ? xstrdup(src->prefix) : NULL;
	dst->suffix = src->suffix ? xstrdup(src->suffix) : NULL;
}

static const char *const state_names[] = {
	[ANCHOR_EXACT] = "exact",
	[ANCHOR_MOVED] = "moved",
	[ANCHOR_FUZZY] = "fuzzy",
	[ANCHOR_ORPHAN] = "orphan",
};

const char *
anchor_state_name(enum anchor_state s)
{
	if ((unsigned)s < GL_ARRAY_LEN(state_names))
		return state_names[s];
	return "unknown";
}

bool
anchor_state_parse(const char *name, enum anchor_state *out)
{
	for (size_t i = 0; name && i < GL_ARRAY_LEN(state_names); i++) {
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum anchor_state)i;
			return true;
		}
	}
	return false;
}

/* ---------------------------------------------------- whitespace folding
 * Quotes and contexts are compared as sequences of "folded" characters:
 * the code points of the text, but every run of white space is one ' '.
 * A reader walks the text forwards or backwards and says, for each folded
 * character, which code points [from, to) of the text it stands for. */

struct fold_reader {
	const char *s;
	size_t len;
	size_t byte, cp;   /* forwards: the next code point to read;
			      backwards: the end of the last one read */
	size_t limit_cp;   /* stop at this code point */
};

static bool
fold_next(struct fold_reader *r, int32_t *c, size_t *from, size_t *to)
{
	if (r->cp >= r->limit_cp || r->byte >= r->len)
		return false;
	int32_t x;
	*from = r->cp;
	r->byte += decode_at(r->s, r->len, r->byte, &x);
	r->cp++;
	if (u8_is_space(x)) {
		x = ' ';
		while (r->cp < r->limit_cp && r->byte < r->len) {
			int32_t y;
			size_t l = decode_at(r->s, r->len, r->byte, &y);
			if (!u8_is_space(y))
				break;
			r->byte += l;
			r->cp++;
		}
	}
	*c = x;
	*to = r->cp;
	return true;
}

static bool
fold_prev(struct fold_reader *r, int32_t *c, size_t *from, size_t *to)
{
	if (r->cp <= r->limit_cp || r->byte == 0)
		return false;
	int32_t x;
	*to = r->cp;
	r->byte = u8_prev(r->s, r->byte);
	decode_at(r->s, r->len, r->byte, &x);
	r->cp--;
	if (u8_is_space(x)) {
		x = ' ';
		while (r->cp > r->limit_cp && r->byte > 0) {
			int32_t y;
			size_t p = u8_prev(r->s, r->byte);
			decode_at(r->s, r->len, p, &y);
			if (!u8_is_space(y))
				break;
			r->byte = p;
			r->cp--;
		}
	}
	*c = x;
	*from = r->cp;
	return true;
}

/* The folded form of a whole string, in a new array (*n characters). */
static int32_t *
fold_string(const char *s, size_t len, size_t *n)
{
	int32_t *out = xmalloc((len + 1) * sizeof *out);
	struct fold_reader r = { s, len, 0, 0, SIZE_MAX };
	size_t from, to;
	*n = 0;
	while (fold_next(&r, &out[*n], &from, &to))
		(*n)++;
	return out;
}

static void
reverse_array(int32_t *a, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		int32_t t = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
}

/* --------------------------------------------- Myers' bit-parallel search
 * Approximate matching of a pattern of m characters in a text with at most
 * k errors (Levenshtein), one text character at a time, in 64-bit blocks
 * of the pattern (G. Myers, "A fast bit-vector algorithm for approximate
 * string matching based on dynamic programming", JACM 1999, with the block
 * form of H. Hyyrö, 2003, as edlib and approx-string-match use it).
 * Ukkonen's cut-off keeps only the blocks that can still hold a cell of at
 * most k, so a search costs about n * (k / 64 + 1) block steps.
 *
 * The per-block match masks (Peq) live in a small hash table per block
 * (a block has at most 64 distinct characters), so a pattern of many
 * distinct CJK characters does not need alphabet-by-block memory. */

#define PEQ_SLOTS 128      /* per block: a power of two >= 2 * 64 */

struct peq_slot {
	int32_t key;       /* -1: empty */
	uint64_t mask;
};

struct myers_pattern {
	size_t m, nblocks;
	struct peq_slot *slots;   /* nblocks * PEQ_SLOTS */
	int32_t *members;         /* set of the pattern's characters */
	size_t members_mask;      /* its size - 1 */
};

static inline uint32_t
hash_cp(int32_t c)
{
	return (uint32_t)c * 2654435761u;
}

static void
myers_pattern_init(struct myers_pattern *p, const int32_t *pat, size_t m)
{
	p->m = m;
	p->nblocks = (m + 63) / 64;
	p->slots = xmalloc(p->nblocks * PEQ_SLOTS * sizeof *p->slots);
	for (size_t i = 0; i < p->nblocks * PEQ_SLOTS; i++) {
		p->slots[i].key = -1;
		p->slots[i].mask = 0;
	}
	size_t size = 16;
	while (size < 2 * m)
		size <<= 1;
	p->members = xmalloc(size * sizeof *p->members);
	for (size_t i = 0; i < size; i++)
		p->members[i] = -1;
	p->members_mask = size - 1;
	for (size_t i = 0; i < m; i++) {
		int32_t c = pat[i];
		uint32_t h = hash_cp(c);
		size_t j = h & p->members_mask;
		while (p->members[j] != -1 && p->members[j] != c)
			j = (j + 1) & p->members_mask;
		p->members[j] = c;
		struct peq_slot *block = p->slots + (i / 64) * PEQ_SLOTS;
		size_t s = (h >> 7) & (PEQ_SLOTS - 1);
		while (block[s].key != -1 && block[s].key != c)
			s = (s + 1) & (PEQ_SLOTS - 1);
		block[s].key = c;
		block[s].mask |= (uint64_t)1 << (i % 64);
	}
}

static void
myers_pattern_free(struct myers_pattern *p)
{
	free(p->slots);
	free(p->members);
}

static inline bool
pattern_has(const struct myers_pattern *p, int32_t c)
{
	size_t j = hash_cp(c) & p->members_mask;
	while (p->members[j] != -1) {
		if (p->members[j] == c)
			return true;
		j = (j + 1) & p->members_mask;
	}
	return false;
}

static inline uint64_t
peq(const struct myers_pattern *p, size_t b, int32_t c)
{
	const struct peq_slot *block = p->slots + b * PEQ_SLOTS;
	size_t s = (hash_cp(c) >> 7) & (PEQ_SLOTS - 1);
	while (block[s].key != -1) {
		if (block[s].key == c)
			return block[s].mask;
		s = (s + 1) & (PEQ_SLOTS - 1);
	}
	return 0;
}

struct myers {
	const struct myers_pattern *p;
	uint64_t *pv, *mv;   /* vertical +1 / -1 deltas per block */
	int *score;          /* the cell in the block's last row */
	size_t y;            /* the last active block */
	int k;
	int top;             /* the horizontal delta above row 1: 0 to search
				(a match may start anywhere), 1 when the match
				must start at the first text character */
};

static void
myers_reset(struct myers *st)
{
	const struct myers_pattern *p = st->p;
	size_t need = st->k <= 0 ? 1 : ((size_t)st->k + 63) / 64;
	st->y = need - 1;
	if (st->y >= p->nblocks)
		st->y = p->nblocks - 1;
	for (size_t b = 0; b < p->nblocks; b++) {
		st->pv[b] = ~(uint64_t)0;
		st->mv[b] = 0;
		st->score[b] = (int)((b + 1) * 64);
	}
	st->score[p->nblocks - 1] = (int)p->m;
}

static void
myers_init(struct myers *st, const struct myers_pattern *p, int k, bool anchored)
{
	st->p = p;
	st->pv = xmalloc(p->nblocks * sizeof *st->pv);
	st->mv = xmalloc(p->nblocks * sizeof *st->mv);
	st->score = xmalloc(p->nblocks * sizeof *st->score);
	st->k = k;
	st->top = anchored ? 1 : 0;
	myers_reset(st);
}

static void
myers_free(struct myers *st)
{
	free(st->pv);
	free(st->mv);
	free(st->score);
}

static inline uint64_t
last_row_bit(const struct myers_pattern *p, size_t b)
{
	if (b + 1 < p->nblocks)
		return (uint64_t)1 << 63;
	return (uint64_t)1 << ((p->m - 1) % 64);
}

/* One column of one block; hin is the horizontal delta coming from the
 * block above (-1, 0, 1); returns the delta leaving its last row. */
static inline int
advance_block(uint64_t *pvp, uint64_t *mvp, uint64_t eq, uint64_t last, int hin)
{
	uint64_t pv = *pvp, mv = *mvp;
	uint64_t hin_neg = hin < 0 ? 1 : 0;
	uint64_t xv = eq | mv;
	eq |= hin_neg;
	uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
	uint64_t ph = mv | ~(xh | pv);
	uint64_t mh = pv & xh;
	int hout = 0;
	if (ph & last)
		hout = 1;
	else if (mh & last)
		hout = -1;
	ph <<= 1;
	mh <<= 1;
	mh |= hin_neg;
	ph |= hin > 0 ? 1 : 0;
	*pvp = mh | ~(xv | ph);
	*mvp = ph & xv;
	return hout;
}

/* Feeds one text character; returns the edit distance of the whole
 * pattern for a match ending here when it is at most k, else INT_MAX. */
static int
myers_step(struct myers *st, int32_t c)
{
	const struct myers_pattern *p = st->p;
	size_t bmax = p->nblocks - 1;
	bool present = pattern_has(p, c);
	int carry = st->top;
	for (size_t b = 0; b <= st->y; b++) {
		uint64_t eq = present ? peq(p, b, c) : 0;
		carry = advance_block(&st->pv[b], &st->mv[b], eq, last_row_bit(p, b), carry);
		st->score[b] += carry;
	}
	size_t y = st->y;
	uint64_t next_eq = present && y < bmax ? peq(p, y + 1, c) : 0;
	if (y < bmax && st->score[y] - carry <= st->k && ((next_eq & 1) || carry < 0)) {
		/* The next block may now hold a cell <= k: start it as if its
		 * cells grew by one per row from the block above. */
		y++;
		st->pv[y] = ~(uint64_t)0;
		st->mv[y] = 0;
		int rows = y == bmax ? (int)(p->m - 64 * bmax) : 64;
		st->score[y] = st->score[y - 1] + rows - carry +
			advance_block(&st->pv[y], &st->mv[y], next_eq, last_row_bit(p, y), carry);
	} else {
		while (y > 0 && st->score[y] >= st->k + 64)
			y--;
	}
	st->y = y;
	if (y == bmax && st->score[y] <= st->k)
		return st->score[y];
	return INT_MAX;
}

/* ------------------------------------------------------------ resolving */

/* What we know about one side of the stored context. */
struct context {
	bool known;          /* false: NULL in the selector */
	const char *bytes;   /* as stored */
	size_t nbytes;
	int32_t *fold;       /* folded, the ANCHOR_CONTEXT_CP characters
				nearest the quote, read away from it */
	size_t nfold;
};

struct resolve {
	struct anchor_text *at;
	const struct anchor_selector *sel;
	const char *q;       /* the quote's bytes */
	size_t qlen;
	size_t mq;           /* its length in code points */
	bool short_quote;
	size_t hint;         /* the old start, within the text */
	struct context pre, suf;
	double best_rejected;
};

struct candidate {
	size_t start, end;   /* code points */
	size_t bstart, bend; /* bytes */
	int errors;
	double quote, prefix, suffix, score;
};

static void
context_init(struct context *c, const char *s, bool is_prefix)
{
	memset(c, 0, sizeof *c);
	if (!s)
		return;
	c->known = true;
	c->bytes = s;
	c->nbytes = strlen(s);
	size_t n;
	int32_t *f = fold_string(s, c->nbytes, &n);
	if (is_prefix)
		reverse_array(f, n);   /* nearest the quote first */
	c->nfold = n < ANCHOR_CONTEXT_CP ? n : ANCHOR_CONTEXT_CP;
	c->fold = f;
}

/* Edit distance of pat[0, np) against the text txt[0, nt), where the
 * alignment starts at txt[0] and may end anywhere: both are read away
 * from the candidate, so the context must touch it. */
static int
anchored_distance(const int32_t *pat, size_t np, const int32_t *txt, size_t nt)
{
	int row[CONTEXT_READ_MAX + 1];
	for (size_t j = 0; j <= nt; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= np; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= nt; j++) {
			int up = row[j];
			int best = diag + (pat[i - 1] != txt[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	int best = row[0];
	for (size_t j = 1; j <= nt; j++)
		if (row[j] < best)
			best = row[j];
	return best;
}

/* Similarity (0..1) of one side of the context next to a candidate that
 * starts (prefix) or ends (suffix) at code point cp, byte b. */
static double
context_score(const struct resolve *r, const struct context *c, bool is_prefix,
	      size_t cp, size_t b)
{
	const struct anchor_text *at = r->at;
	if (!c->known)
		return 0;
	if (c->nfold == 0)   /* "": the quote was at the edge of the text */
		return (is_prefix ? b == 0 : b >= at->len) ? 1 : 0;
	int32_t txt[CONTEXT_READ_MAX];
	size_t want = 2 * c->nfold + 2, nt = 0, from, to;
	struct fold_reader rd = { at->s, at->len, b, cp, is_prefix ? 0 : at->ncp };
	while (nt < want && (is_prefix ? fold_prev(&rd, &txt[nt], &from, &to)
				       : fold_next(&rd, &txt[nt], &from, &to)))
		nt++;
	int d = anchored_distance(c->fold, c->nfold, txt, nt);
	double s = 1.0 - (double)d / (double)c->nfold;
	return s > 0 ? s : 0;
}

/* True when the stored prefix ends at byte bs (an empty one: bs is the
 * start of the text), and when the stored suffix starts at byte be. */
static bool
prefix_stands(const struct resolve *r, size_t bs)
{
	const struct context *p = &r->pre;
	if (!p->known)
		return false;
	if (p->nbytes == 0)
		return bs == 0;
	return bs >= p->nbytes && memcmp(r->at->s + bs - p->nbytes, p->bytes, p->nbytes) == 0;
}

static bool
suffix_stands(const struct resolve *r, size_t be)
{
	const struct context *s = &r->suf;
	if (!s->known)
		return false;
	if (s->nbytes == 0)
		return be >= r->at->len;
	return be <= r->at->len && r->at->len - be >= s->nbytes &&
		memcmp(r->at->s + be, s->bytes, s->nbytes) == 0;
}

/* True when the whole stored context stands around [bs, be). */
static bool
context_intact(const struct resolve *r, size_t bs, size_t be)
{
	return prefix_stands(r, bs) && suffix_stands(r, be);
}

static double
position_score(const struct resolve *r, size_t start)
{
	size_t d = start > r->hint ? start - r->hint : r->hint - start;
	size_t n = r->at->ncp ? r->at->ncp : 1;
	double s = 1.0 - (double)d / (double)n;
	return s > 0 ? s : 0;
}

static void
score_candidate(const struct resolve *r, struct candidate *c, bool intact)
{
	if (intact) {
		c->prefix = c->suffix = 1;
	} else {
		c->prefix = context_score(r, &r->pre, true, c->start, c->bstart);
		c->suffix = context_score(r, &r->suf, false, c->end, c->bend);
	}
	c->score = (50 * c->quote + 20 * c->prefix + 20 * c->suffix +
		    2 * position_score(r, c->start)) / 92;
}

/* Does the context say this is the place?  One side nearly intact; for a
 * long quote also both sides half intact (unrelated English contexts
 * score about 0.25 a side, Chinese ones under 0.1). */
static bool
context_supports(const struct resolve *r, const struct candidate *c)
{
	if (c->prefix >= ANCHOR_MIN_CONTEXT_SCORE || c->suffix >= ANCHOR_MIN_CONTEXT_SCORE)
		return true;
	return !r->short_quote && c->prefix + c->suffix >= ANCHOR_MIN_CONTEXT_SUM;
}

/* Is a better than b: higher score, or as high and nearer the hint. */
static bool
better(const struct resolve *r, const struct candidate *a, const struct candidate *b)
{
	if (a->score > b->score + SCORE_EPSILON)
		return true;
	if (a->score < b->score - SCORE_EPSILON)
		return false;
	size_t da = a->start > r->hint ? a->start - r->hint : r->hint - a->start;
	size_t db = b->start > r->hint ? b->start - r->hint : r->hint - b->start;
	return da < db;
}

static void
remember_shift(struct anchor_text *at, size_t old_start, size_t new_start)
{
	long long d = (long long)new_start - (long long)old_start;
	size_t i;
	for (i = 0; i < at->nshifts && at->shifts[i] != d; i++)
		;
	if (i == at->nshifts && at->nshifts < SHIFT_MEMORY)
		at->nshifts++;
	if (i == SHIFT_MEMORY)
		i = SHIFT_MEMORY - 1;
	memmove(&at->shifts[1], &at->shifts[0], i * sizeof at->shifts[0]);
	at->shifts[0] = d;
}

static void
set_result(struct anchor_result *out, enum anchor_state st, size_t start,
	   size_t end, double score)
{
	out->state = st;
	out->start = start;
	out->end = end;
	out->score = score;
}

/* Moves (*pos, *cp), a code point start and its index, forwards code
 * point by code point to the first code point start at or after target.
 * memmem may find an (invalid) quote inside a character: such a hit is
 * not at a code point start and is skipped. */
static void
walk_to(const struct anchor_text *at, size_t *pos, size_t *cp, size_t target)
{
	while (*pos < target) {
		*pos += cp_len_at(at->s, at->len, *pos);
		(*cp)++;
	}
}

/* True when the quote found at byte bs, code point cp, also ends on a
 * code point boundary (always so for valid UTF-8). */
static bool
ends_on_code_point(const struct resolve *r, size_t bs, size_t cp)
{
	return anchor_text_cp_to_byte(r->at, cp + r->mq) == bs + r->qlen;
}

/* Does the quote stand at code point cp with its whole context? */
static bool
exact_with_context_at(const struct resolve *r, size_t cp, struct candidate *c)
{
	const struct anchor_text *at = r->at;
	if (cp > at->ncp || at->ncp - cp < r->mq)
		return false;
	size_t bs = anchor_text_cp_to_byte(at, cp);
	if (at->len - bs < r->qlen || memcmp(at->s + bs, r->q, r->qlen) != 0)
		return false;
	size_t be = bs + r->qlen;
	if (!ends_on_code_point(r, bs, cp) || !context_intact(r, bs, be) ||
	    !is_cluster_boundary(at, bs) ||
	    !is_cluster_boundary(at, be))
		return false;
	c->start = cp;
	c->end = cp + r->mq;
	c->bstart = bs;
	c->bend = be;
	c->errors = 0;
	c->quote = 1;
	score_candidate(r, c, true);
	return true;
}

/* Step 2: the quote verbatim elsewhere.  True when placed. */
static bool
find_moved(struct resolve *r, struct anchor_result *out)
{
	struct anchor_text *at = r->at;
	struct candidate best = { 0 }, c = { 0 };
	bool have = false;

	/* A shift already seen on this text, with the whole context. */
	for (size_t i = 0; i < at->nshifts; i++) {
		long long cp = (long long)r->sel->start + at->shifts[i];
		if (cp >= 0 && exact_with_context_at(r, (size_t)cp, &c)) {
			remember_shift(at, r->sel->start, c.start);
			set_result(out, ANCHOR_MOVED, c.start, c.end, c.score);
			return true;
		}
	}

	/* Near the old position: the nearest occurrence with its context. */
	size_t w0 = r->hint > ANCHOR_NEAR_CP ? r->hint - ANCHOR_NEAR_CP : 0;
	size_t w1 = r->hint + r->mq + ANCHOR_NEAR_CP;
	bool near_is_all = w0 == 0 && w1 >= at->ncp;
	if (!near_is_all || r->short_quote) {
		size_t b0 = anchor_text_cp_to_byte(at, w0), b1 = anchor_text_cp_to_byte(at, w1);
		size_t pos = b0, cp = w0;
		const char *hit;
		while (pos < b1 && (hit = memmem(at->s + pos, b1 - pos, r->q, r->qlen))) {
			size_t bs = (size_t)(hit - at->s);
			walk_to(at, &pos, &cp, bs);
			if (pos != bs)
				continue;
			if (ends_on_code_point(r, bs, cp) &&
			    context_intact(r, bs, bs + r->qlen) && is_cluster_boundary(at, bs) &&
			    is_cluster_boundary(at, bs + r->qlen)) {
				c.start = cp;
				c.end = cp + r->mq;
				c.bstart = bs;
				c.bend = bs + r->qlen;
				c.errors = 0;
				c.quote = 1;
				score_candidate(r, &c, true);
				if (!have || better(r, &c, &best)) {
					best = c;
					have = true;
				}
			}
			pos += cp_len_at(at->s, at->len, pos);
			cp++;
		}
		if (have) {
			remember_shift(at, r->sel->start, best.start);
			set_result(out, ANCHOR_MOVED, best.start, best.end, best.score);
			return true;
		}
	}

	/* Every occurrence in the text, scored.  A short quote is looked for
	 * next to its context instead (find_fuzzy): it may occur everywhere
	 * and can only be accepted where its context supports it. */
	if (r->short_quote)
		return false;
	size_t count = 0, pos = 0, cp = 0;
	const char *hit;
	while (pos < at->len && (hit = memmem(at->s + pos, at->len - pos, r->q, r->qlen))) {
		size_t bs = (size_t)(hit - at->s);
		walk_to(at, &pos, &cp, bs);
		if (pos != bs)
			continue;
		size_t be = bs + r->qlen;
		if (ends_on_code_point(r, bs, cp) && is_cluster_boundary(at, bs) &&
		    is_cluster_boundary(at, be)) {
			count++;
			c.start = cp;
			c.end = cp + r->mq;
			c.bstart = bs;
			c.bend = be;
			c.errors = 0;
			c.quote = 1;
			score_candidate(r, &c, context_intact(r, bs, be));
			if (!have || better(r, &c, &best)) {
				best = c;
				have = true;
			}
		}
		pos += cp_len_at(at->s, at->len, pos);
		cp++;
	}
	if (!have)
		return false;
	bool accept = count == 1 ||
		(best.score >= ANCHOR_MIN_SCORE && context_supports(r, &best));
	if (!accept) {
		if (best.score > r->best_rejected)
			r->best_rejected = best.score;
		return false;
	}
	if (best.prefix == 1 && best.suffix == 1 && context_intact(r, best.bstart, best.bend))
		remember_shift(at, r->sel->start, best.start);
	set_result(out, ANCHOR_MOVED, best.start, best.end, best.score);
	return true;
}

/* An approximate match end found by the forward search. */
struct match_end {
	size_t end_cp;      /* code point after the match */
	size_t end_byte;
	int errors;
	size_t distance;    /* from the expected end, to keep the nearest */
};

/* A candidate range found from its context (short quotes). */
struct span {
	size_t start, end;   /* code points */
	int errors;
};

struct fuzzy {
	struct resolve *r;
	int32_t *pat;               /* the folded quote */
	size_t m;
	int k;
	struct myers_pattern fwd, rev;
	struct myers sfwd;          /* the quote anywhere (long quotes) */
	struct myers srev;          /* the reversed quote, anchored at its end */
	int32_t *back;              /* scratch: text read backwards */
	size_t *back_from;
	struct match_end *ends;
	size_t nends, cap;
	/* Short quotes are looked for next to their context. */
	struct myers sanch;         /* the quote, anchored at its start */
	struct myers_pattern ppat, spat;   /* prefix; suffix reversed */
	struct myers spre, ssuf;
	struct span *spans;
	size_t nspans, spancap;
};

static int
cmp_match_end(const void *a, const void *b)
{
	const struct match_end *x = a, *y = b;
	if (x->errors != y->errors)
		return x->errors < y->errors ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->end_cp < y->end_cp ? -1 : x->end_cp > y->end_cp;
}

static void
push_end(struct fuzzy *f, size_t end_cp, size_t end_byte, int errors)
{
	if (f->nends == f->cap) {
		/* Keep the best half once the list is full: memory stays
		 * bounded where the quote matches loosely all over the text. */
		if (f->cap >= 2 * ANCHOR_MAX_CANDIDATES) {
			qsort(f->ends, f->nends, sizeof *f->ends, cmp_match_end);
			f->nends = ANCHOR_MAX_CANDIDATES;
		} else {
			f->cap = f->cap ? 2 * f->cap : 64;
			f->ends = xreallocarray(f->ends, f->cap, sizeof *f->ends);
		}
	}
	size_t expect = f->r->hint + f->r->mq;
	struct match_end *e = &f->ends[f->nends++];
	e->end_cp = end_cp;
	e->end_byte = end_byte;
	e->errors = errors;
	e->distance = end_cp > expect ? end_cp - expect : expect - end_cp;
}

/* Forward search over the code points [w0, w1): every local minimum of
 * the error count (at most k) is a match end.  A run of equal minima
 * gives its first and its last end: a substitution of the quote's last
 * character ties with its deletion, and the context decides which. */
static void
search_ends(struct fuzzy *f, size_t w0, size_t w1)
{
	struct anchor_text *at = f->r->at;
	struct fold_reader rd = { at->s, at->len, anchor_text_cp_to_byte(at, w0), w0, w1 };
	int32_t c;
	size_t from, to;
	int prev = INT_MAX;
	bool pending = false, plateau = false;
	size_t first_cp = 0, first_byte = 0, last_cp = 0, last_byte = 0;
	int pend_err = 0;
	f->nends = 0;
	myers_reset(&f->sfwd);
	for (;;) {
		bool more = fold_next(&rd, &c, &from, &to);
		int e = more ? myers_step(&f->sfwd, c) : INT_MAX;
		if (e <= f->k && e < prev) {
			pending = true;
			plateau = false;
			first_cp = to;
			first_byte = rd.byte;
			pend_err = e;
		} else if (e <= f->k && e == prev && pending) {
			plateau = true;
			last_cp = to;
			last_byte = rd.byte;
		} else if (e > prev && pending) {
			push_end(f, first_cp, first_byte, pend_err);
			if (plateau)
				push_end(f, last_cp, last_byte, pend_err);
			pending = false;
		}
		if (!more)
			break;
		prev = e;
	}
	if (f->nends > ANCHOR_MAX_CANDIDATES) {
		qsort(f->ends, f->nends, sizeof *f->ends, cmp_match_end);
		f->nends = ANCHOR_MAX_CANDIDATES;
	}
}

/* The start of the best match that ends at e: the reversed quote matched
 * against the text read backwards from e, anchored at e.  Fewest errors,
 * then the length nearest the quote's (a substitution rather than an
 * insertion plus a deletion), then the shortest. */
static bool
find_start(struct fuzzy *f, const struct match_end *e, struct candidate *c)
{
	struct anchor_text *at = f->r->at;
	size_t want = f->m + (size_t)f->k, n = 0, from, to;
	struct fold_reader rd = { at->s, at->len, e->end_byte, e->end_cp, 0 };
	while (n < want && fold_prev(&rd, &f->back[n], &from, &to))
		f->back_from[n++] = from;
	myers_reset(&f->srev);
	int best = INT_MAX;
	size_t best_n = 0, best_gap = SIZE_MAX;
	for (size_t j = 0; j < n; j++) {
		int s = myers_step(&f->srev, f->back[j]);
		if (s == INT_MAX || s > best)
			continue;
		size_t gap = j + 1 > f->m ? j + 1 - f->m : f->m - (j + 1);
		if (s < best || gap < best_gap) {
			best = s;
			best_n = j;
			best_gap = gap;
		}
	}
	if (best == INT_MAX)
		return false;
	c->start = f->back_from[best_n];
	c->end = e->end_cp;
	c->bend = e->end_byte;
	c->bstart = anchor_text_cp_to_byte(at, c->start);
	c->errors = best;
	c->quote = 1.0 - (double)best / (double)f->m;
	return true;
}

static bool
fuzzy_acceptable(const struct resolve *r, const struct candidate *c)
{
	if (c->score < ANCHOR_MIN_SCORE || !context_supports(r, c))
		return false;
	return r->short_quote || c->quote >= ANCHOR_MIN_QUOTE_SCORE;
}

/* Candidates of one window, scored; the best acceptable one in *best. */
static bool
fuzzy_window(struct fuzzy *f, size_t w0, size_t w1, struct candidate *best)
{
	struct resolve *r = f->r;
	bool have = false;
	search_ends(f, w0, w1);
	for (size_t i = 0; i < f->nends; i++) {
		struct candidate c;
		if (!find_start(f, &f->ends[i], &c))
			continue;
		/* Never split a cluster: widen to the boundaries. */
		c.bstart = cluster_floor(r->at, c.bstart);
		c.bend = cluster_ceil(r->at, c.bend);
		c.start = anchor_text_byte_to_cp(r->at, c.bstart);
		c.end = anchor_text_byte_to_cp(r->at, c.bend);
		score_candidate(r, &c, false);
		if (!fuzzy_acceptable(r, &c)) {
			if (c.score > r->best_rejected)
				r->best_rejected = c.score;
			continue;
		}
		if (!have || better(r, &c, best)) {
			*best = c;
			have = true;
		}
	}
	return have;
}

/* Short quotes: a span for every approximate match of the quote (at most
 * k errors) that starts at code point x (byte xb), or ends at y. */
static void
push_span(struct fuzzy *f, size_t start, size_t end, int errors)
{
	if (f->nspans == f->spancap) {
		if (f->spancap >= 4 * ANCHOR_MAX_CANDIDATES)
			return;
		f->spancap = f->spancap ? 2 * f->spancap : 64;
		f->spans = xreallocarray(f->spans, f->spancap, sizeof *f->spans);
	}
	f->spans[f->nspans].start = start;
	f->spans[f->nspans].end = end;
	f->spans[f->nspans].errors = errors;
	f->nspans++;
}

static void
quote_after(struct fuzzy *f, size_t x, size_t xb)
{
	struct anchor_text *at = f->r->at;
	struct fold_reader rd = { at->s, at->len, xb, x, at->ncp };
	size_t want = f->m + (size_t)f->k, from, to;
	int32_t c;
	myers_reset(&f->sanch);
	for (size_t n = 0; n < want && fold_next(&rd, &c, &from, &to); n++) {
		int e = myers_step(&f->sanch, c);
		if (e <= f->k)
			push_span(f, x, to, e);
	}
}

static void
quote_before(struct fuzzy *f, size_t y, size_t yb)
{
	struct anchor_text *at = f->r->at;
	struct fold_reader rd = { at->s, at->len, yb, y, 0 };
	size_t want = f->m + (size_t)f->k, from, to;
	int32_t c;
	myers_reset(&f->srev);
	for (size_t n = 0; n < want && fold_prev(&rd, &c, &from, &to); n++) {
		int e = myers_step(&f->srev, c);
		if (e <= f->k)
			push_span(f, from, y, e);
	}
}

static int
cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->errors > y->errors) - (x->errors < y->errors);
}

/* A short quote can only be accepted where its prefix or its suffix
 * supports it, that is where the prefix ends (or the suffix starts) with
 * at most a quarter of its characters wrong.  So those places are found
 * first (their context is long and selective) and the quote is matched
 * next to them, instead of matching a 2-character quote everywhere. */
static bool
context_window(struct fuzzy *f, size_t w0, size_t w1, struct candidate *best)
{
	struct resolve *r = f->r;
	struct anchor_text *at = r->at;
	size_t from, to;
	int32_t c;
	bool have = false;
	f->nspans = 0;
	if (r->pre.known && r->pre.nfold == 0) {
		if (w0 == 0)
			quote_after(f, 0, 0);
	} else if (r->pre.known) {
		size_t reach = 2 * r->pre.nfold + 2;
		size_t s0 = w0 > reach ? w0 - reach : 0;
		int kc = f->spre.k;
		struct fold_reader rd = { at->s, at->len, anchor_text_cp_to_byte(at, s0), s0, w1 };
		myers_reset(&f->spre);
		while (fold_next(&rd, &c, &from, &to)) {
			if (myers_step(&f->spre, c) <= kc && to >= w0)
				quote_after(f, to, rd.byte);
		}
	}
	if (r->suf.known && r->suf.nfold == 0) {
		if (w1 >= at->ncp)
			quote_before(f, at->ncp, at->len);
	} else if (r->suf.known) {
		size_t reach = 2 * r->suf.nfold + 2;
		size_t s1 = at->ncp - w1 > reach ? w1 + reach : at->ncp;
		int kc = f->ssuf.k;
		struct fold_reader rd = { at->s, at->len, anchor_text_cp_to_byte(at, s1), s1, w0 };
		myers_reset(&f->ssuf);
		while (fold_prev(&rd, &c, &from, &to)) {
			if (myers_step(&f->ssuf, c) <= kc && from <= w1)
				quote_before(f, from, rd.byte);
		}
	}
	if (f->nspans > 1)
		qsort(f->spans, f->nspans, sizeof *f->spans, cmp_span);
	for (size_t i = 0; i < f->nspans; i++) {
		struct span *sp = &f->spans[i];
		if (i > 0 && sp->start == sp[-1].start && sp->end == sp[-1].end)
			continue;   /* the same range, with more errors */
		struct candidate cd;
		cd.bstart = cluster_floor(at, anchor_text_cp_to_byte(at, sp->start));
		cd.bend = cluster_ceil(at, anchor_text_cp_to_byte(at, sp->end));
		cd.start = anchor_text_byte_to_cp(at, cd.bstart);
		cd.end = anchor_text_byte_to_cp(at, cd.bend);
		cd.errors = sp->errors;
		cd.quote = 1.0 - (double)sp->errors / (double)f->m;
		score_candidate(r, &cd, false);
		if (!fuzzy_acceptable(r, &cd)) {
			if (cd.score > r->best_rejected)
				r->best_rejected = cd.score;
			continue;
		}
		if (!have || better(r, &cd, best)) {
			*best = cd;
			have = true;
		}
	}
	return have;
}

/* The most context errors that still support a short quote. */
static int
context_budget(size_t n)
{
	return (int)((1.0 - ANCHOR_MIN_CONTEXT_SCORE) * (double)n + 1e-9);
}

/* Step 3: an approximate match.  True when placed. */
static bool
find_fuzzy(struct resolve *r, struct anchor_result *out)
{
	struct fuzzy f;
	memset(&f, 0, sizeof f);
	f.r = r;
	f.pat = fold_string(r->q, r->qlen, &f.m);
	if (f.m == 0 || f.m > ANCHOR_FUZZY_MAX_CP) {
		free(f.pat);
		return false;
	}
	/* DESIGN's bound, min(256, m / 2), tightened for a long quote to what
	 * could still be accepted (a quote score of ANCHOR_MIN_QUOTE_SCORE). */
	size_t k = f.m / 2;
	if (!r->short_quote) {
		size_t acceptable = (size_t)((1.0 - ANCHOR_MIN_QUOTE_SCORE) * (double)f.m + 1e-9);
		if (acceptable < k)
			k = acceptable;
	}
	f.k = (int)(k < ANCHOR_MAX_ERRORS ? k : ANCHOR_MAX_ERRORS);
	myers_pattern_init(&f.fwd, f.pat, f.m);
	reverse_array(f.pat, f.m);
	myers_pattern_init(&f.rev, f.pat, f.m);
	reverse_array(f.pat, f.m);
	myers_init(&f.srev, &f.rev, f.k, true);
	if (r->short_quote) {
		myers_init(&f.sanch, &f.fwd, f.k, true);
		if (r->pre.nfold > 0) {
			int32_t fwd[ANCHOR_CONTEXT_CP];
			for (size_t i = 0; i < r->pre.nfold; i++)
				fwd[i] = r->pre.fold[r->pre.nfold - 1 - i];
			myers_pattern_init(&f.ppat, fwd, r->pre.nfold);
			myers_init(&f.spre, &f.ppat, context_budget(r->pre.nfold), false);
		}
		if (r->suf.nfold > 0) {
			int32_t rev[ANCHOR_CONTEXT_CP];
			for (size_t i = 0; i < r->suf.nfold; i++)
				rev[i] = r->suf.fold[r->suf.nfold - 1 - i];
			myers_pattern_init(&f.spat, rev, r->suf.nfold);
			myers_init(&f.ssuf, &f.spat, context_budget(r->suf.nfold), false);
		}
	} else {
		myers_init(&f.sfwd, &f.fwd, f.k, false);
		f.back = xmalloc((f.m + (size_t)f.k + 1) * sizeof *f.back);
		f.back_from = xmalloc((f.m + (size_t)f.k + 1) * sizeof *f.back_from);
	}

	struct anchor_text *at = r->at;
	size_t w0 = r->hint > ANCHOR_NEAR_CP ? r->hint - ANCHOR_NEAR_CP : 0;
	size_t w1 = r->hint + r->mq + ANCHOR_NEAR_CP;
	if (w1 > at->ncp)
		w1 = at->ncp;
	bool (*window)(struct fuzzy *, size_t, size_t, struct candidate *) =
		r->short_quote ? context_window : fuzzy_window;
	struct candidate best = { 0 };
	bool have = window(&f, w0, w1, &best);
	if (!have && (w0 > 0 || w1 < at->ncp))
		have = window(&f, 0, at->ncp, &best);
	if (have) {
		bool same = best.bend - best.bstart == r->qlen &&
			memcmp(at->s + best.bstart, r->q, r->qlen) == 0;
		set_result(out, same ? ANCHOR_MOVED : ANCHOR_FUZZY, best.start, best.end,
			   best.score);
	}

	if (r->short_quote) {
		myers_free(&f.sanch);
		if (r->pre.nfold > 0) {
			myers_free(&f.spre);
			myers_pattern_free(&f.ppat);
		}
		if (r->suf.nfold > 0) {
			myers_free(&f.ssuf);
			myers_pattern_free(&f.spat);
		}
	} else {
		myers_free(&f.sfwd);
	}
	myers_free(&f.srev);
	myers_pattern_free(&f.fwd);
	myers_pattern_free(&f.rev);
	free(f.pat);
	free(f.back);
	free(f.back_from);
	free(f.ends);
	free(f.spans);
	return have;
}

/* An empty quote: a point between its prefix and its suffix. */
static void
resolve_point(struct resolve *r, struct anchor_result *out)
{
	struct anchor_text *at = r->at;
	const struct anchor_selector *sel = r->sel;
	if (sel->start <= at->ncp) {
		size_t b = anchor_text_cp_to_byte(at, sel->start);
		if ((!r->pre.known || prefix_stands(r, b)) &&
		    (!r->suf.known || suffix_stands(r, b)) && is_cluster_boundary(at, b)) {
			set_result(out, ANCHOR_EXACT, sel->start, sel->start, 1);
			return;
		}
	}
	/* prefix + suffix elsewhere, the nearest occurrence. */
	struct buf needle = BUF_INIT;
	if (r->pre.known)
		buf_append(&needle, r->pre.bytes, r->pre.nbytes);
	size_t split = needle.len;
	if (r->suf.known)
		buf_append(&needle, r->suf.bytes, r->suf.nbytes);
	bool have = false;
	size_t best = 0, best_d = 0;
	if (needle.len > 0) {
		size_t pos = 0, cp = 0;
		const char *hit;
		while (pos < at->len &&
		       (hit = memmem(at->s + pos, at->len - pos, needle.data, needle.len))) {
			size_t hb = (size_t)(hit - at->s);
			walk_to(at, &pos, &cp, hb);
			if (pos != hb)
				continue;
			size_t b = hb + split, pcp = cp, pb = pos;
			walk_to(at, &pb, &pcp, b);
			if (pb == b && (!r->pre.known || prefix_stands(r, b)) &&
			    (!r->suf.known || suffix_stands(r, b)) && is_cluster_boundary(at, b)) {
				size_t d = pcp > r->hint ? pcp - r->hint : r->hint - pcp;
				if (!have || d < best_d) {
					best = pcp;
					best_d = d;
					have = true;
				}
			}
			pos += cp_len_at(at->s, at->len, pos);
			cp++;
		}
	}
	buf_free(&needle);
	if (have) {
		double score = (20 + 20 + 2 * position_score(r, best)) / 42;
		set_result(out, ANCHOR_MOVED, best, best, score);
	}
}

void
anchor_resolve_in(struct anchor_text *at, const struct anchor_selector *sel,
		  struct anchor_result *out)
{
	struct resolve r;
	memset(&r, 0, sizeof r);
	r.at = at;
	r.sel = sel;
	r.q = sel->exact ? sel->exact : "";
	r.qlen = strlen(r.q);
	set_result(out, ANCHOR_ORPHAN, sel->start, sel->end, 0);

	/* 1. Still where it was: O(quote). */
	if (r.qlen > 0 && sel->start <= sel->end && sel->end <= at->ncp) {
		size_t bs = anchor_text_cp_to_byte(at, sel->start);
		size_t be = anchor_text_cp_to_byte(at, sel->end);
		if (be - bs == r.qlen && memcmp(at->s + bs, r.q, r.qlen) == 0 &&
		    is_cluster_boundary(at, bs) && is_cluster_boundary(at, be)) {
			set_result(out, ANCHOR_EXACT, sel->start, sel->end, 1);
			return;
		}
	}

	r.mq = u8_count_cp(r.q, r.qlen);
	r.short_quote = r.mq < ANCHOR_SHORT_QUOTE_CP;
	r.hint = sel->start < at->ncp ? sel->start : at->ncp;
	context_init(&r.pre, sel->prefix, true);
	context_init(&r.suf, sel->suffix, false);
	if (r.qlen == 0)
		resolve_point(&r, out);
	else if (!find_moved(&r, out) && !find_fuzzy(&r, out))
		out->score = r.best_rejected;
	free(r.pre.fold);
	free(r.suf.fold);
}

void
anchor_resolve(const char *text, size_t len, const struct anchor_selector *sel,
	       struct anchor_result *out)
{
	struct anchor_text *at = anchor_text_new(text, len);
	anchor_resolve_in(at, sel, out);
	anchor_text_free(at);
}
