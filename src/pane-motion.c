/* pane-motion: the reading cursor's motions and the text objects of a
 * selection (see pane.h), on the document's text.  Pure functions of the
 * text, so the text pane and the tests share them.
 *
 * Punctuation is looked at by its first code point of a cluster; motions
 * stay within the text and land on cluster starts. */
#include "config.h"

#include "gloss/pane.h"
#include "gloss/u8.h"

#include <string.h>

struct text {
	const char *s;
	size_t n;
	const struct doc *d;   /* the document it is, or NULL */
};

static int32_t
cp_at(const struct text *t, size_t i)
{
	int32_t cp = 0;
	if (i < t->n)
		u8_decode(t->s, t->n, i, &cp);
	return cp;
}

static size_t
next_cl(const struct text *t, size_t i)
{
	return i < t->n ? u8_next_cluster(t->s, t->n, i) : t->n;
}

static size_t
prev_cl(const struct text *t, size_t i)
{
	return i ? u8_prev_cluster(t->s, t->n, i) : 0;
}

/* The last cluster start of the text (where the cursor may rest). */
static size_t
last_cl(const struct text *t)
{
	return t->n ? prev_cl(t, t->n) : 0;
}

static bool
is_clause_mark(int32_t cp)
{
	return cp == 0xFF0C || cp == 0x3001 || cp == ',' || cp == 0xFF1B || cp == ';' ||
	       cp == 0xFF1A || cp == ':';
}

static bool
is_sentence_mark(int32_t cp)
{
	return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '.' || cp == '!' ||
	       cp == '?' || cp == 0xFF0E || cp == 0x2026;
}

static bool
is_closing(int32_t cp)
{
	return cp == 0x300D || cp == 0x300F || cp == 0x201D || cp == 0x2019 || cp == '"' ||
	       cp == '\'' || cp == ')' || cp == 0xFF09 || cp == 0x300B || cp == 0x3009;
}

/* A word class: 0 space or line end, 1 other non-space (punctuation,
 * symbols), 2 + script for letters and digits. */
static int
word_class(int32_t cp)
{
	if (cp == '\n' || u8_is_space(cp))
		return 0;
	if (u8_is_alnum(cp)) {
		enum u8_script sc = u8_script(cp);
		/* Digits and marks (Common, Inherited) join the run they are in. */
		if (sc == U8_SCRIPT_COMMON || sc == U8_SCRIPT_INHERITED)
			return 2;
		/* Kanji with kana endings read as one word in Japanese; keep
		   script runs apart as DESIGN says. */
		return 3 + (int)sc;
	}
	return 1;
}

/* The word class of the cluster at i: word_class, but the separator
 * between two table cells (doc_block.cells) is blank, never a word. */
static int
class_at(const struct text *t, size_t i)
{
	int32_t cp = cp_at(t, i);
	if (cp == '|' && t->d) {
		const struct doc_block *blk = doc_block(t->d, doc_block_at(t->d, i));
		if (blk->kind == DOC_BLOCK_TABLE_ROW && blk->ncells > 1) {
			for (size_t k = 0; k + 1 < blk->ncells; k++)
				if (blk->cells[k].end <= i && i < blk->cells[k + 1].start)
					return 0;
		}
	}
	return word_class(cp);
}

static bool
same_word(int c, int d)
{
	return c == d || (c == 2 && d >= 2) || (d == 2 && c >= 2);
}

static size_t
word_next(const struct text *t, size_t off)
{
	size_t i = off;
	int c = class_at(t, i);
	if (c != 0) {
		while (i < t->n && same_word(class_at(t, i), c) &&
		       !(c == 1 && i != off))
			i = next_cl(t, i);
	}
	while (i < t->n && class_at(t, i) == 0)
		i = next_cl(t, i);
	return i >= t->n ? last_cl(t) : i;
}

static size_t
word_prev(const struct text *t, size_t off)
{
	size_t i = prev_cl(t, off);
	while (i > 0 && class_at(t, i) == 0)
		i = prev_cl(t, i);
	int c = class_at(t, i);
	if (c == 1)
		return i;
	while (i > 0) {
		size_t p = prev_cl(t, i);
		if (!same_word(class_at(t, p), c))
			break;
		i = p;
	}
	return i;
}

/* The end of the word after `off` (vim's e): the last cluster of the next
 * word that ends after `off`, a punctuation mark being a word of its own;
 * only words that end before `hi` count.  `off` when there is none. */
static size_t
word_end(const struct text *t, size_t off, size_t hi)
{
	size_t i = next_cl(t, off);
	while (i < hi && class_at(t, i) == 0)
		i = next_cl(t, i);
	if (i >= hi)
		return off;
	int c = class_at(t, i);
	if (c == 1)
		return i;
	for (;;) {
		size_t n = next_cl(t, i);
		if (n >= hi || !same_word(class_at(t, n), c))
			return i;
		i = n;
	}
}

/* The last cluster of the word before the one under `off` (vim's ge),
 * not before `lo`; `off` when there is none. */
static size_t
word_end_prev(const struct text *t, size_t off, size_t lo)
{
	size_t i = off;
	int c = class_at(t, i);
	if (c >= 2)
		while (i > lo && same_word(class_at(t, prev_cl(t, i)), c))
			i = prev_cl(t, i);
	while (i > lo) {
		i = prev_cl(t, i);
		if (class_at(t, i) != 0)
			return i;
	}
	return off;
}

/* The paragraph (line) that holds `off`: where it starts, and where it
 * ends (its line feed, or the end of the text). */
static size_t
para_start(const struct text *t, size_t off)
{
	size_t i = off < t->n ? off : t->n;
	while (i > 0 && t->s[i - 1] != '\n')
		i--;
	return i;
}

static size_t
para_end(const struct text *t, size_t off)
{
	if (off >= t->n)
		return t->n;
	const char *nl = memchr(t->s + off, '\n', t->n - off);
	return nl ? (size_t)(nl - t->s) : t->n;
}

/* word_prev, not back past the start of the paragraph that holds `off`. */
static size_t
word_prev_in_para(const struct text *t, size_t off)
{
	size_t s = word_prev(t, off);
	size_t lo = para_start(t, off);
	return s >= lo ? s : (lo < off ? lo : off);
}

/* Where the word that holds `off` starts and where its last cluster is,
 * when `off` is in a word of letters or digits; false on spaces and
 * punctuation. */
static bool
word_around(const struct text *t, size_t off, size_t *first, size_t *last)
{
	int c = class_at(t, off);
	if (c < 2)
		return false;
	size_t s = off, e = off;
	while (s > 0 && same_word(class_at(t, prev_cl(t, s)), c))
		s = prev_cl(t, s);
	for (size_t n = next_cl(t, e); n < t->n && same_word(class_at(t, n), c);
	     n = next_cl(t, n))
		e = n;
	*first = s;
	*last = e;
	return true;
}

size_t
pane_select_motion(const struct doc *d, size_t *anchor_io, size_t cursor, enum action a)
{
	if (a != ACTION_WORD_NEXT && a != ACTION_WORD_END && a != ACTION_WORD_PREV)
		return pane_motion(d, cursor, a);
	struct text t;
	t.s = doc_text(d, &t.n);
	t.d = d;
	if (t.n == 0)
		return 0;
	if (cursor > last_cl(&t))
		cursor = last_cl(&t);
	bool forward = a != ACTION_WORD_PREV;
	size_t anchor = *anchor_io;
	/* One letter selected, on the edge of a word, and the selection
	   grows away from that word: the word comes in whole (v on the
	   first letter of "other" then b is "some other", not "some o"). */
	size_t first, last;
	if (cursor == anchor && word_around(&t, anchor, &first, &last) && first < last &&
	    anchor == (forward ? last : first)) {
		size_t r = forward ? word_end(&t, cursor, para_end(&t, cursor))
				   : word_prev_in_para(&t, cursor);
		if (r != cursor)
			*anchor_io = forward ? first : last;
		return r;
	}
	if (cursor >= anchor) {
		/* The cursor is the selection's end: it rests on the last
		   cluster of a word, within its paragraph. */
		if (forward)
			return word_end(&t, cursor, para_end(&t, cursor));
		size_t r = word_end_prev(&t, cursor, para_start(&t, cursor));
		if (r != cursor && r >= anchor)
			return r;
		/* Back past the anchor: the cursor becomes the start.  Onto
		   the anchor itself: one step more, as from a fresh v there
		   (so "other" then b is "some other", not "o"). */
		size_t s = word_prev_in_para(&t, cursor);
		if (s == anchor && cursor != anchor)
			return pane_select_motion(d, anchor_io, anchor, a);
		return s;
	}
	/* The cursor is the selection's start: it rests on the first
	   cluster of a word. */
	if (!forward)
		return word_prev_in_para(&t, cursor);
	size_t n = word_next(&t, cursor);
	if (n > cursor && n <= anchor)
		return n;
	/* Forward past the anchor: the cursor becomes the end. */
	size_t e = word_end(&t, cursor, para_end(&t, cursor));
	if (e <= anchor)
		return pane_select_motion(d, anchor_io, anchor, a);
	return e;
}

size_t
pane_word_rubout_start(const char *s, size_t n, size_t off)
{
	struct text t = { s, n, NULL };
	size_t i = off > n ? n : off;
	if (i > 0 && s[i - 1] == '\n')
		return i - 1;
	/* The spaces before the word, never past a line break. */
	while (i > 0 && s[i - 1] != '\n') {
		size_t p = prev_cl(&t, i);
		if (class_at(&t, p) != 0)
			break;
		i = p;
	}
	if (i == 0 || s[i - 1] == '\n')
		return i;
	size_t p = prev_cl(&t, i);
	int c = class_at(&t, p);
	if (c == 1)
		return p;
	while (p > 0) {
		size_t q = prev_cl(&t, p);
		if (!same_word(class_at(&t, q), c))
			break;
		p = q;
	}
	return p;
}

/* Just past the next mark (and closing quotes and spaces after it), or
 * the start of the next block. */
static size_t
mark_next(const struct text *t, size_t off, bool clause)
{
	size_t i = off;
	while (i < t->n) {
		int32_t cp = cp_at(t, i);
		if (cp == '\n')
			return next_cl(t, i) >= t->n ? last_cl(t) : next_cl(t, i);
		i = next_cl(t, i);
		if (is_sentence_mark(cp) || (clause && is_clause_mark(cp))) {
			while (i < t->n && (is_closing(cp_at(t, i)) || is_sentence_mark(cp_at(t, i))))
				i = next_cl(t, i);
			while (i < t->n && cp_at(t, i) != '\n' && u8_is_space(cp_at(t, i)))
				i = next_cl(t, i);
			if (i < t->n && cp_at(t, i) != '\n')
				return i;
		}
	}
	return last_cl(t);
}

/* Where the clause or sentence that holds `off` starts. */
static size_t
unit_start(const struct text *t, size_t off, bool clause)
{
	size_t i = off;
	/* Spaces and closing quotes just before belong to the unit before. */
	while (i > 0) {
		size_t p = prev_cl(t, i);
		int32_t cp = cp_at(t, p);
		if (cp == '\n')
			return i;
		if (is_sentence_mark(cp) || (clause && is_clause_mark(cp)))
			return i;
		if (is_closing(cp) || u8_is_space(cp)) {
			/* a closing quote after a mark ends the unit too */
			size_t q = p;
			while (q > 0 && (is_closing(cp_at(t, q)) || u8_is_space(cp_at(t, q))) &&
			       cp_at(t, q) != '\n')
				q = prev_cl(t, q);
			int32_t m = cp_at(t, q);
			if ((is_sentence_mark(m) || (clause && is_clause_mark(m))) && q < p)
				return i;
		}
		i = p;
	}
	return 0;
}

static size_t
mark_prev(const struct text *t, size_t off, bool clause)
{
	size_t s = unit_start(t, off, clause);
	if (s < off)
		return s;
	if (off == 0)
		return 0;
	/* At the start of a unit: back over the end of the one before (its
	   spaces, closing quotes and mark) to its start. */
	size_t p = prev_cl(t, off);
	while (p > 0) {
		int32_t cp = cp_at(t, p);
		if (!(u8_is_space(cp) || cp == '\n' || is_closing(cp) || is_sentence_mark(cp) ||
		      (clause && is_clause_mark(cp))))
			break;
		p = prev_cl(t, p);
	}
	return unit_start(t, p, clause);
}

size_t
pane_motion(const struct doc *d, size_t off, enum action a)
{
	struct text t;
	t.s = doc_text(d, &t.n);
	t.d = d;
	if (t.n == 0)
		return 0;
	if (off > last_cl(&t))
		off = last_cl(&t);
	switch (a) {
	case ACTION_CURSOR_LEFT: return prev_cl(&t, off);
	case ACTION_CURSOR_RIGHT: {
		size_t n = next_cl(&t, off);
		return n >= t.n ? off : n;
	}
	case ACTION_WORD_NEXT: return word_next(&t, off);
	case ACTION_WORD_PREV: return word_prev(&t, off);
	case ACTION_WORD_END: return word_end(&t, off, t.n);
	case ACTION_CLAUSE_NEXT: return mark_next(&t, off, true);
	case ACTION_CLAUSE_PREV: return mark_prev(&t, off, true);
	case ACTION_SENTENCE_NEXT: return mark_next(&t, off, false);
	case ACTION_SENTENCE_PREV: return mark_prev(&t, off, false);
	case ACTION_PARAGRAPH_NEXT: {
		size_t b = doc_block_at(d, off);
		for (size_t k = b + 1; k < doc_block_count(d); k++)
			if (doc_block(d, k)->end > doc_block(d, k)->start)
				return doc_block(d, k)->start;
		return last_cl(&t);
	}
	case ACTION_PARAGRAPH_PREV: {
		size_t b = doc_block_at(d, off);
		if (b < doc_block_count(d) && doc_block(d, b)->start < off)
			return doc_block(d, b)->start;
		while (b > 0) {
			b--;
			if (doc_block(d, b)->end > doc_block(d, b)->start)
				return doc_block(d, b)->start;
		}
		return 0;
	}
	default:
		return off;
	}
}

/* ------------------------------------------------------------ text objects */

struct pair {
	int32_t open, close;
};
static const struct pair quote_pairs[] = {
	{ 0x300C, 0x300D }, { 0x300E, 0x300F }, { 0x201C, 0x201D }, { 0x2018, 0x2019 },
	{ 0xFF02, 0xFF02 }, { '"', '"' },
};
static const struct pair bracket_pairs[] = {
	{ 0xFF08, 0xFF09 }, { '(', ')' }, { 0x300A, 0x300B }, { 0x3008, 0x3009 },
	{ 0x3010, 0x3011 }, { '[', ']' }, { '{', '}' }, { 0x3014, 0x3015 },
};

/* The innermost pair of `pairs` around `off` within [lo, hi): *open at
 * the opening mark, *close at the closing one. */
static bool
find_pair(const struct text *t, size_t lo, size_t hi, size_t off, const struct pair *pairs,
	  size_t np, size_t *open, size_t *close)
{
	int depth[16] = { 0 };
	bool found = false;
	/* Asymmetric pairs: back to an unmatched opener, then forward. */
	for (size_t i = off; !found; i = prev_cl(t, i)) {
		int32_t cp = cp_at(t, i);
		for (size_t k = 0; k < np; k++) {
			if (pairs[k].open == pairs[k].close)
				continue;
			if (cp == pairs[k].close && i != off) {
				depth[k]++;
			} else if (cp == pairs[k].open) {
				if (depth[k] > 0) {
					depth[k]--;
					continue;
				}
				int dd = 0;
				for (size_t j = next_cl(t, i); j < hi; j = next_cl(t, j)) {
					int32_t c2 = cp_at(t, j);
					if (c2 == pairs[k].open) {
						dd++;
					} else if (c2 == pairs[k].close) {
						if (dd == 0) {
							if (j >= off) {
								*open = i;
								*close = j;
								found = true;
							}
							break;
						}
						dd--;
					}
				}
				if (found)
					break;
			}
		}
		if (i <= lo)
			break;
	}
	/* Symmetric pairs ("): the count before `off` says which is which. */
	for (size_t k = 0; k < np; k++) {
		if (pairs[k].open != pairs[k].close)
			continue;
		size_t last = (size_t)-1, count = 0;
		for (size_t i = lo; i < off; i = next_cl(t, i))
			if (cp_at(t, i) == pairs[k].open) {
				last = i;
				count++;
			}
		size_t o = (size_t)-1, from = off;
		if (count % 2 == 1) {
			o = last;
		} else if (cp_at(t, off) == pairs[k].open) {
			o = off;
			from = next_cl(t, off);
		}
		if (o == (size_t)-1)
			continue;
		if (o == off)
			from = next_cl(t, off);
		for (size_t j = from; j < hi; j = next_cl(t, j))
			if (cp_at(t, j) == pairs[k].close) {
				if (!found || o > *open) {
					*open = o;
					*close = j;
					found = true;
				}
				break;
			}
	}
	return found;
}

bool
pane_text_object(const struct doc *d, size_t off, int32_t key, bool around, size_t *start,
		 size_t *end)
{
	struct text t;
	t.s = doc_text(d, &t.n);
	t.d = d;
	if (t.n == 0)
		return false;
	if (off > last_cl(&t))
		off = last_cl(&t);
	size_t b = doc_block_at(d, off);
	size_t lo = 0, hi = t.n;
	if (b < doc_block_count(d)) {
		lo = doc_block(d, b)->start;
		hi = doc_block(d, b)->end;
	}
	if (off < lo || off >= hi)
		return false;
	switch (key) {
	case 'q':
	case 'b': {
		size_t o = 0, c = 0;
		bool q = key == 'q';
		if (!find_pair(&t, lo, hi, off, q ? quote_pairs : bracket_pairs,
			       q ? sizeof quote_pairs / sizeof *quote_pairs
				 : sizeof bracket_pairs / sizeof *bracket_pairs,
			       &o, &c))
			return false;
		*start = around ? o : next_cl(&t, o);
		*end = around ? next_cl(&t, c) : c;
		return *end > *start;
	}
	case 's':
	case 'c': {
		bool clause = key == 'c';
		size_t s = unit_start(&t, off, clause);
		if (s < lo)
			s = lo;
		/* Skip leading spaces. */
		while (s < hi && u8_is_space(cp_at(&t, s)))
			s = next_cl(&t, s);
		size_t e = s;
		while (e < hi) {
			int32_t cp = cp_at(&t, e);
			e = next_cl(&t, e);
			if (is_sentence_mark(cp) || (clause && is_clause_mark(cp))) {
				while (e < hi && (is_closing(cp_at(&t, e)) || is_sentence_mark(cp_at(&t, e))))
					e = next_cl(&t, e);
				break;
			}
		}
		if (around)
			while (e < hi && u8_is_space(cp_at(&t, e)))
				e = next_cl(&t, e);
		*start = s;
		*end = e;
		return e > s;
	}
	case 'w': {
		/* A word as w sees it (a run of one script, or one punctuation
		   mark), or the run of spaces the cursor is on. */
		int c = class_at(&t, off);
		size_t s = off, e = next_cl(&t, off);
		if (c != 1) {
			while (s > lo && same_word(class_at(&t, prev_cl(&t, s)), c))
				s = prev_cl(&t, s);
			while (e < hi && same_word(class_at(&t, e), c))
				e = next_cl(&t, e);
		}
		if (around && c == 0) {
			/* Spaces: with the word after them. */
			if (e < hi) {
				int wc = class_at(&t, e);
				e = next_cl(&t, e);
				if (wc != 1)
					while (e < hi && same_word(class_at(&t, e), wc))
						e = next_cl(&t, e);
			}
		} else if (around) {
			/* The spaces after the word, else those before it (as
			   vim's aw). */
			size_t e2 = e;
			while (e2 < hi && class_at(&t, e2) == 0)
				e2 = next_cl(&t, e2);
			if (e2 > e)
				e = e2;
			else
				while (s > lo && class_at(&t, prev_cl(&t, s)) == 0)
					s = prev_cl(&t, s);
		}
		*start = s;
		*end = e;
		return e > s;
	}
	case 'p':
		*start = lo;
		*end = hi;
		return hi > lo;
	default:
		return false;
	}
}
