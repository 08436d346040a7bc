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

static bool
same_word(int c, int d)
{
	return c == d || (c == 2 && d >= 2) || (d == 2 && c >= 2);
}

static size_t
word_next(const struct text *t, size_t off)
{
	size_t i = off;
	int c = word_class(cp_at(t, i));
	if (c != 0) {
		while (i < t->n && same_word(word_class(cp_at(t, i)), c) &&
		       !(c == 1 && i != off))
			i = next_cl(t, i);
	}
	while (i < t->n && word_class(cp_at(t, i)) == 0)
		i = next_cl(t, i);
	return i >= t->n ? last_cl(t) : i;
}

static size_t
word_prev(const struct text *t, size_t off)
{
	size_t i = prev_cl(t, off);
	while (i > 0 && word_class(cp_at(t, i)) == 0)
		i = prev_cl(t, i);
	int c = word_class(cp_at(t, i));
	if (c == 1)
		return i;
	while (i > 0) {
		size_t p = prev_cl(t, i);
		if (!same_word(word_class(cp_at(t, p)), c))
			break;
		i = p;
	}
	return i;
}

size_t
pane_word_rubout_start(const char *s, size_t n, size_t off)
{
	struct text t = { s, n };
	size_t i = off > n ? n : off;
	if (i > 0 && s[i - 1] == '\n')
		return i - 1;
	/* The spaces before the word, never past a line break. */
	while (i > 0 && s[i - 1] != '\n') {
		size_t p = prev_cl(&t, i);
		if (word_class(cp_at(&t, p)) != 0)
			break;
		i = p;
	}
	if (i == 0 || s[i - 1] == '\n')
		return i;
	size_t p = prev_cl(&t, i);
	int c = word_class(cp_at(&t, p));
	if (c == 1)
		return p;
	while (p > 0) {
		size_t q = prev_cl(&t, p);
		if (!same_word(word_class(cp_at(&t, q)), c))
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
	case 'p':
		*start = lo;
		*end = hi;
		return hi > lo;
	default:
		return false;
	}
}
