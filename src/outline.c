/* outline: the headings of a document.
 *
 * Markdown and HTML: the doc's heading blocks, at the level the markup
 * gives them.  Plain text (and a stored version read verbatim, whose
 * markup is gone) has no markup, so headings are found by rules
 * that fit real articles, applied to each block (a line, or a paragraph
 * between blank lines) after trimming its surrounding white space:
 *
 *   1. Title.  The first non-empty block, when it is a paragraph of at
 *      most 80 columns that starts and ends as rule 4 says, is the title,
 *      level 1.  When the doc kept short
 *      lines together in that block (a title with a byline under it), its
 *      first line is.  (A first block with a numbered marker is judged as
 *      a numbered heading instead: a novel may start at 第一章.)
 *
 *   2. Numbered headings.  The block starts with a marker from a closed
 *      list, in rank order (largest division first):
 *        PART      第…部 第…篇 第…卷, Part N, Book N, 제N부, 제N편
 *        CHAPTER   第…章 第…回, Chapter N, 제N장
 *        SECTION   第…節 第…节, Section N, 제N절
 *        CJK_ENUM  一、 二、 … (CJK numerals then 、)
 *        CJK_PAREN （一） (一)
 *        DECIMAL   1. 1、 １．
 *        DIGIT_PAREN （1） (1)
 *        DECIMAL2  1.1        DECIMAL3  1.1.1        DECIMAL4  1.1.1.1 …
 *      (a decimal marker followed by a lower-case Latin letter is a
 *      number in a sentence: 1.5 million people)
 *      where … is CJK numerals (一二三四五六七八九十百千〇零两兩) or
 *      digits (ASCII or full-width), N is digits, a Roman numeral or an
 *      English number word (one … twelve).  第/제/Part markers must be
 *      followed by the end of the block, a space (U+3000 too), a colon,
 *      、 or a full stop, so 第一任期內, and 第二回合的 are not headings;
 *      the others must be followed by a title.  The block must be at most
 *      60 columns and its words after the marker must not end like a
 *      sentence ("Section 3." is a heading).  A run of adjacent short
 *      blocks with the same marker kind is a list (1、借书要登记 / 2、…),
 *      so neither neighbour may be such a block (a long numbered
 *      paragraph may be: 一、二楼阅览室……。 after 二、读者流失), and a
 *      heading needs a block after it.  A block with a marker is judged by this rule
 *      only, never by rule 4.
 *
 *   3. Underlined headings.  A line of at most 80 columns with a line of
 *      = or - under it.  The doc finds the underline (doc_block.underline)
 *      and leaves it out of the text.  A plain-text HEADING block, should
 *      the doc ever make one, counts the same: level 1 as ===, else ---.
 *
 *   4. Short paragraph.  A paragraph of at most 40 columns (u8 widths)
 *      that starts with a letter, a digit or an opening quote or bracket
 *      (not a bullet such as • ・ - *, nor a mode line -*- text -*-), is
 *      not a web or mail address alone, does not end like a sentence, and
 *      is followed by a paragraph, quote or list item at least twice as
 *      wide.
 *
 *   "Ends like a sentence": the last character (after trailing spaces) is
 *   one of 。．.;；,，:：、…‥, or the text ends in closing quotes or
 *   brackets (」』”’"'）)》〉】］]) right after any of those or !！?？.  A
 *   question or exclamation without a quote around it does not count:
 *   衝突將走向何方? is a heading, 「你來了?」 a line of dialogue.
 *
 * Levels: 1 is the title only.  Unnumbered headings (rules 3 and 4) are
 * sections, level 2; when a text underlines with both === and --- (its
 * title aside), === is 2 and --- is 3.  Numbered headings: the marker
 * ranks a document uses, in rank order, get levels 2, 3, …; so a text with
 * 第一章 and 一、 gets 2 and 3, one with only 1. and 1.1 also 2 and 3,
 * and unnumbered sections are peers of the top numbered level (a report's
 * "Summary" beside "1. Background", a novel's 後記 beside 第十章). */
#include "config.h"

#include "gloss/outline.h"

#include "gloss/u8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX_WIDTH 80
#define NUMBERED_MAX_WIDTH 60
#define SHORT_MAX_WIDTH 40
#define UNDERLINED_MAX_WIDTH 80

enum marker {
	MARK_NONE,
	MARK_PART,
	MARK_CHAPTER,
	MARK_SECTION,
	MARK_CJK_ENUM,
	MARK_CJK_PAREN,
	MARK_DECIMAL,
	MARK_DIGIT_PAREN,
	MARK_DECIMAL2,
	MARK_DECIMAL3,
	MARK_DECIMAL4,
	MARK_COUNT
};

/* How a heading was found; decides its level once the whole text is
 * known. */
enum heading_class {
	CLASS_TITLE,
	CLASS_SECTION,       /* short-paragraph rule */
	CLASS_UNDERLINE_EQ,
	CLASS_UNDERLINE_DASH,
	CLASS_NUMBERED,      /* plus its marker */
	CLASS_MARKUP,        /* Markdown/HTML: level given */
};

struct outline {
	struct outline_entry *entries;
	size_t count;
};

/* A heading found while reading, before levels are given. */
struct found {
	size_t block;
	size_t start, end;
	enum heading_class cls;
	enum marker mark;
	int level;           /* CLASS_MARKUP */
};

struct found_list {
	struct found *items;
	size_t count, cap;
};

static void
found_add(struct found_list *l, struct found f)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	l->items[l->count++] = f;
}

/* ------------------------------------------------------ character sets */

static bool
is_cjk_numeral(int32_t cp)
{
	switch (cp) {
	case 0x4E00: /* 一 */ case 0x4E8C: /* 二 */ case 0x4E09: /* 三 */
	case 0x56DB: /* 四 */ case 0x4E94: /* 五 */ case 0x516D: /* 六 */
	case 0x4E03: /* 七 */ case 0x516B: /* 八 */ case 0x4E5D: /* 九 */
	case 0x5341: /* 十 */ case 0x767E: /* 百 */ case 0x5343: /* 千 */
	case 0x3007: /* 〇 */ case 0x96F6: /* 零 */ case 0x4E24: /* 两 */
	case 0x5169: /* 兩 */
		return true;
	default:
		return false;
	}
}

static bool
is_digit(int32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static bool
is_full_stop(int32_t cp)
{
	return cp == '.' || cp == 0xFF0E; /* ．*/
}

/* Marks that end a sentence or a clause: a short line ending in one is
 * prose, not a heading. */
static bool
is_clause_end(int32_t cp)
{
	switch (cp) {
	case 0x3002: /* 。 */ case 0xFF0E: /* ． */ case '.':
	case ';': case 0xFF1B: /* ； */
	case ',': case 0xFF0C: /* ， */
	case ':': case 0xFF1A: /* ： */
	case 0x3001: /* 、 */
	case 0x2026: /* … */ case 0x2025: /* ‥ */
		return true;
	default:
		return false;
	}
}

static bool
is_closing_quote(int32_t cp)
{
	switch (cp) {
	case 0x300D: /* 」 */ case 0x300F: /* 』 */ case 0x201D: /* ” */
	case 0x2019: /* ’ */ case '"': case '\'': case 0xFF09: /* ） */
	case ')': case 0x300B: /* 》 */ case 0x3009: /* 〉 */
	case 0x3011: /* 】 */ case 0xFF3D: /* ］ */ case ']':
		return true;
	default:
		return false;
	}
}

/* What a heading may start with besides a letter or digit: an opening
 * quote or bracket (「失望」與「拒談」…, 《論語》…, (一)). */
static bool
is_opening(int32_t cp)
{
	switch (cp) {
	case 0x300C: /* 「 */ case 0x300E: /* 『 */ case 0x201C: /* “ */
	case 0x2018: /* ‘ */ case '"': case '\'': case 0xFF08: /* （ */
	case '(': case 0x300A: /* 《 */ case 0x3008: /* 〈 */
	case 0x3010: /* 【 */ case 0xFF3B: /* ［ */ case '[':
	case 0x00BF: /* ¿ */ case 0x00A1: /* ¡ */
		return true;
	default:
		return false;
	}
}

/* ------------------------------------------------------- text helpers */

static int32_t
cp_at(const char *s, size_t n, size_t i, size_t *len)
{
	int32_t cp;
	size_t l = u8_decode(s, n, i, &cp);
	if (len)
		*len = l;
	return cp;
}

/* Narrows [*start, *end) of text to leave out white space around it. */
static void
trim(const char *text, size_t *start, size_t *end)
{
	size_t a = *start, b = *end;
	while (a < b) {
		size_t l;
		int32_t cp = cp_at(text, b, a, &l);
		if (!u8_is_space(cp))
			break;
		a += l;
	}
	while (b > a) {
		size_t p = u8_prev(text, b);
		if (p < a)
			p = a;
		int32_t cp = cp_at(text, b, p, NULL);
		if (!u8_is_space(cp))
			break;
		b = p;
	}
	*start = a;
	*end = b;
}

static bool
has_alnum(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t l;
		int32_t cp = cp_at(s, n, i, &l);
		if (u8_is_alnum(cp))
			return true;
		i += l;
	}
	return false;
}

/* True when s[0, n) (trimmed, non-empty) ends like a sentence or clause;
 * see the comment at the top. */
static bool
ends_like_sentence(const char *s, size_t n)
{
	size_t i = n;
	bool quoted = false;
	while (i > 0) {
		size_t p = u8_prev(s, i);
		int32_t cp = cp_at(s, n, p, NULL);
		if (is_closing_quote(cp)) {
			quoted = true;
			i = p;
			continue;
		}
		if (is_clause_end(cp))
			return true;
		if (quoted && (cp == '!' || cp == '?' || cp == 0xFF01 || cp == 0xFF1F))
			return true;
		return false;
	}
	return false;
}

/* A heading starts with a letter, a digit or an opening quote; a bullet
 * (• ・ - *), a rule or an editor's mode line (-*- text -*-) does not. */
static bool
starts_like_heading(const char *s, size_t n)
{
	if (n == 0)
		return false;
	int32_t cp = cp_at(s, n, 0, NULL);
	return u8_is_alnum(cp) || is_opening(cp);
}

/* A web or mail address alone on its line is a reference, not a
 * heading. */
static bool
is_address(const char *s, size_t n)
{
	if (memchr(s, ' ', n))
		return false;
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "://", 3) == 0)
			return true;
	return memchr(s, '@', n) != NULL || (n > 4 && memcmp(s, "www.", 4) == 0);
}

/* --------------------------------------------------------------- markers */

/* Skips a run of code points accepted by `pred`; returns how many. */
static size_t
skip_run(const char *s, size_t n, size_t *i, bool (*pred)(int32_t))
{
	size_t count = 0;
	while (*i < n) {
		size_t l;
		int32_t cp = cp_at(s, n, *i, &l);
		if (!pred(cp))
			break;
		*i += l;
		count++;
	}
	return count;
}

static bool
is_numeral_or_digit(int32_t cp)
{
	return is_cjk_numeral(cp) || is_digit(cp);
}

/* After a 第/제/Part marker: the end, a space, a colon, 、 or a full
 * stop.  Sets *title to where the rest of the heading starts. */
static bool
marker_delimited(const char *s, size_t n, size_t i, size_t *title)
{
	if (i >= n) {
		*title = n;
		return true;
	}
	size_t l;
	int32_t cp = cp_at(s, n, i, &l);
	if (!(u8_is_space(cp) || cp == ':' || cp == 0xFF1A || cp == 0x3001 ||
	      is_full_stop(cp)))
		return false;
	i += l;
	while (i < n) {
		cp = cp_at(s, n, i, &l);
		if (!u8_is_space(cp))
			break;
		i += l;
	}
	*title = i;
	return true;
}

/* 第一章, 第12節, 第三部 … */
static enum marker
marker_di(const char *s, size_t n, size_t *title)
{
	size_t i = 0, l;
	if (cp_at(s, n, 0, &l) != 0x7B2C) /* 第 */
		return MARK_NONE;
	i = l;
	if (skip_run(s, n, &i, is_numeral_or_digit) == 0 || i >= n)
		return MARK_NONE;
	int32_t unit = cp_at(s, n, i, &l);
	enum marker m;
	switch (unit) {
	case 0x90E8: /* 部 */ case 0x7BC7: /* 篇 */ case 0x5377: /* 卷 */
		m = MARK_PART;
		break;
	case 0x7AE0: /* 章 */ case 0x56DE: /* 回 */
		m = MARK_CHAPTER;
		break;
	case 0x7BC0: /* 節 */ case 0x8282: /* 节 */
		m = MARK_SECTION;
		break;
	default:
		return MARK_NONE;
	}
	return marker_delimited(s, n, i + l, title) ? m : MARK_NONE;
}

/* 제1장, 제2절, 제1부 … */
static enum marker
marker_korean(const char *s, size_t n, size_t *title)
{
	size_t i, l;
	if (cp_at(s, n, 0, &l) != 0xC81C) /* 제 */
		return MARK_NONE;
	i = l;
	if (skip_run(s, n, &i, is_digit) == 0 || i >= n)
		return MARK_NONE;
	int32_t unit = cp_at(s, n, i, &l);
	enum marker m;
	switch (unit) {
	case 0xBD80: /* 부 */ case 0xD3B8: /* 편 */
		m = MARK_PART;
		break;
	case 0xC7A5: /* 장 */
		m = MARK_CHAPTER;
		break;
	case 0xC808: /* 절 */
		m = MARK_SECTION;
		break;
	default:
		return MARK_NONE;
	}
	return marker_delimited(s, n, i + l, title) ? m : MARK_NONE;
}

static bool
word_is(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);
	if (n != wl)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

static size_t
ascii_word(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
		j++;
	return j - i;
}

static bool
is_english_number(const char *s, size_t n)
{
	static const char *const words[] = {
		"one", "two", "three", "four", "five", "six", "seven", "eight",
		"nine", "ten", "eleven", "twelve",
	};
	size_t i;
	bool digits = n > 0, roman = n > 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			digits = false;
		if (!memchr("IVXLCDM", s[i], 7))
			roman = false;
	}
	if (digits || roman)
		return true;
	for (i = 0; i < GL_ARRAY_LEN(words); i++)
		if (word_is(s, n, words[i]))
			return true;
	return false;
}

/* Part II, Chapter 1, Section three, Book 2 (any letter case for the
 * word, the number as digits, Roman capitals or a word). */
static enum marker
marker_english(const char *s, size_t n, size_t *title)
{
	size_t wl = ascii_word(s, n, 0);
	enum marker m;
	if (word_is(s, wl, "part") || word_is(s, wl, "book"))
		m = MARK_PART;
	else if (word_is(s, wl, "chapter"))
		m = MARK_CHAPTER;
	else if (word_is(s, wl, "section"))
		m = MARK_SECTION;
	else
		return MARK_NONE;
	if (wl >= n || s[wl] != ' ')
		return MARK_NONE;
	size_t i = wl + 1, nl = 0;
	while (i + nl < n && ((s[i + nl] >= '0' && s[i + nl] <= '9') ||
			      (s[i + nl] >= 'a' && s[i + nl] <= 'z') ||
			      (s[i + nl] >= 'A' && s[i + nl] <= 'Z')))
		nl++;
	if (!is_english_number(s + i, nl))
		return MARK_NONE;
	return marker_delimited(s, n, i + nl, title) ? m : MARK_NONE;
}

/* Sets *title after spaces at i; false when nothing follows. */
static bool
title_follows(const char *s, size_t n, size_t i, size_t *title)
{
	while (i < n) {
		size_t l;
		int32_t cp = cp_at(s, n, i, &l);
		if (!u8_is_space(cp))
			break;
		i += l;
	}
	*title = i;
	return i < n;
}

/* 一、  （一）  (一)  （1）  (1) */
static enum marker
marker_cjk(const char *s, size_t n, size_t *title)
{
	size_t i = 0, l;
	int32_t cp = cp_at(s, n, 0, &l);
	if (is_cjk_numeral(cp)) {
		size_t count = skip_run(s, n, &i, is_cjk_numeral);
		if (count > 4 || i >= n || cp_at(s, n, i, &l) != 0x3001) /* 、 */
			return MARK_NONE;
		return title_follows(s, n, i + l, title) ? MARK_CJK_ENUM : MARK_NONE;
	}
	if (cp != '(' && cp != 0xFF08) /* （ */
		return MARK_NONE;
	i = l;
	size_t cjk = skip_run(s, n, &i, is_cjk_numeral);
	size_t digits = cjk ? 0 : skip_run(s, n, &i, is_digit);
	if ((cjk == 0 && digits == 0) || cjk > 4 || digits > 3 || i >= n)
		return MARK_NONE;
	cp = cp_at(s, n, i, &l);
	if (cp != ')' && cp != 0xFF09) /* ） */
		return MARK_NONE;
	if (!title_follows(s, n, i + l, title))
		return MARK_NONE;
	return cjk ? MARK_CJK_PAREN : MARK_DIGIT_PAREN;
}

/* 1. Title   1、标题   １．標題   1.1 Title   1.2.3. Title   1.1概述 */
static enum marker
marker_decimal(const char *s, size_t n, size_t *title)
{
	size_t i = 0, l;
	size_t digits = skip_run(s, n, &i, is_digit);
	if (digits == 0 || digits > 3 || i >= n)
		return MARK_NONE;
	int depth = 1;
	bool stop = false;   /* a final . or 、 after the last number */
	for (;;) {
		int32_t cp = cp_at(s, n, i, &l);
		if (is_full_stop(cp)) {
			size_t j = i + l;
			size_t more = skip_run(s, n, &j, is_digit);
			if (more > 0 && more <= 3) {
				depth++;
				i = j;
				if (i >= n)
					return MARK_NONE;
				continue;
			}
			if (more > 3)
				return MARK_NONE;
			stop = true;
			i += l;
		} else if (cp == 0x3001 && depth == 1) { /* 1、 */
			stop = true;
			i += l;
		}
		break;
	}
	if (depth == 1 && !stop)
		return MARK_NONE;   /* a bare number: "2024 was …" */
	if (i >= n)
		return MARK_NONE;
	int32_t cp = cp_at(s, n, i, &l);
	/* The title follows a space, or directly when it is CJK (1.概述,
	   1、借书), never directly a Latin letter (1.txt, v1.2b). */
	if (!u8_is_space(cp) && !(u8_is_cjk(cp) && !is_digit(cp)))
		return MARK_NONE;
	if (!title_follows(s, n, i, title))
		return MARK_NONE;
	/* Headings are capitalised; "1.5 million people" is a sentence. */
	if (s[*title] >= 'a' && s[*title] <= 'z')
		return MARK_NONE;
	switch (depth) {
	case 1: return MARK_DECIMAL;
	case 2: return MARK_DECIMAL2;
	case 3: return MARK_DECIMAL3;
	default: return MARK_DECIMAL4;
	}
}

/* The marker a (trimmed) block starts with, if any. */
static enum marker
find_marker(const char *s, size_t n, size_t *title)
{
	enum marker m;
	size_t dummy;
	if (!title)
		title = &dummy;
	if (n == 0)
		return MARK_NONE;
	if ((m = marker_di(s, n, title)) != MARK_NONE ||
	    (m = marker_korean(s, n, title)) != MARK_NONE ||
	    (m = marker_english(s, n, title)) != MARK_NONE ||
	    (m = marker_cjk(s, n, title)) != MARK_NONE ||
	    (m = marker_decimal(s, n, title)) != MARK_NONE)
		return m;
	return MARK_NONE;
}

/* ----------------------------------------------------------- plain text */

/* What the plain-text rules know about one block. */
struct block_view {
	const struct doc_block *b;
	size_t start, end;      /* trimmed */
	enum marker mark;
	size_t title;           /* with a marker: where the words after it start */
	bool one_line;          /* no kept line break inside */
	bool eligible;          /* a top-level paragraph, or a list item with
				   one of our markers */
};

static void
view_block(const struct doc *d, const char *text, size_t i, struct block_view *v)
{
	v->b = doc_block(d, i);
	v->start = v->b->start;
	v->end = v->b->end;
	trim(text, &v->start, &v->end);
	v->mark = MARK_NONE;
	v->title = 0;
	v->one_line = memchr(text + v->start, '\n', v->end - v->start) == NULL;
	v->eligible = v->b->kind == DOC_BLOCK_PARAGRAPH && v->b->depth == 0;
	if (v->b->kind == DOC_BLOCK_PARAGRAPH || v->b->kind == DOC_BLOCK_LIST_ITEM)
		v->mark = find_marker(text + v->start, v->end - v->start, &v->title);
	/* The doc reads "1. Background" or "一、總則" as a list item too: one
	   with a marker from our list may be a numbered heading, never a
	   heading of any other kind. */
	if (v->b->kind == DOC_BLOCK_LIST_ITEM && v->mark != MARK_NONE)
		v->eligible = true;
}

/* A block with a marker that is short and does not end like a sentence:
 * a heading, or an item of a list of short lines. */
static bool
numbered_shape(const char *text, const struct block_view *v)
{
	const char *s = text + v->start;
	size_t n = v->end - v->start;
	if (v->mark == MARK_NONE || !v->eligible || !v->one_line)
		return false;
	/* Only the words after the marker can end like a sentence: "Section
	   3." and "第一章：" are headings. */
	if (v->title < n && ends_like_sentence(s + v->title, n - v->title))
		return false;
	return u8_str_width_upto(s, n, NUMBERED_MAX_WIDTH) <= NUMBERED_MAX_WIDTH;
}

/* A neighbour that makes v an item of a list: the same marker kind and
 * the same short shape (a long numbered paragraph after a heading,
 * 一、二楼阅览室……。 after 二、读者流失, does not). */
static bool
same_list(const char *text, const struct block_view *v, const struct block_view *other)
{
	return other && other->mark == v->mark && numbered_shape(text, other);
}

static bool
numbered_heading(const char *text, const struct block_view *v,
		 const struct block_view *prev, const struct block_view *next)
{
	if (!next || same_list(text, v, next) || same_list(text, v, prev))
		return false;
	return numbered_shape(text, v);
}

static bool
short_heading(const char *text, const struct block_view *v,
	      const struct block_view *next)
{
	const char *s = text + v->start;
	size_t n = v->end - v->start;
	if (!next || v->b->kind != DOC_BLOCK_PARAGRAPH)
		return false;
	if (next->b->kind != DOC_BLOCK_PARAGRAPH && next->b->kind != DOC_BLOCK_QUOTE &&
	    next->b->kind != DOC_BLOCK_LIST_ITEM)
		return false;
	size_t w = u8_str_width_upto(s, n, SHORT_MAX_WIDTH);
	if (w == 0 || w > SHORT_MAX_WIDTH)
		return false;
	if (ends_like_sentence(s, n) || !starts_like_heading(s, n) || !has_alnum(s, n) ||
	    is_address(s, n))
		return false;
	size_t nw = u8_str_width_upto(text + next->start, next->end - next->start, 2 * w);
	return nw >= 2 * w;
}

static bool
title_candidate(const char *s, size_t n)
{
	if (n == 0 || ends_like_sentence(s, n) || !starts_like_heading(s, n) ||
	    is_address(s, n) ||
	    !has_alnum(s, n))
		return false;
	return u8_str_width_upto(s, n, TITLE_MAX_WIDTH) <= TITLE_MAX_WIDTH;
}

static void
find_plain(const struct doc *d, struct found_list *out)
{
	const char *text = doc_text(d, NULL);
	size_t count = doc_block_count(d);
	struct block_view prev, cur, next;
	bool have_prev = false, seen_text = false;

	if (count == 0)
		return;
	view_block(d, text, 0, &next);
	for (size_t i = 0; i < count; i++) {
		cur = next;
		bool have_next = i + 1 < count;
		if (have_next)
			view_block(d, text, i + 1, &next);
		const char *s = text + cur.start;
		size_t n = cur.end - cur.start;
		struct found f = { .block = i, .start = cur.start, .end = cur.end };
		bool first = !seen_text && n > 0;

		if (n == 0)
			continue;
		seen_text = true;
		if (cur.b->kind == DOC_BLOCK_HEADING) {
			/* The doc does not make these for plain text today; if it
			   ever does, they count as underlined headings. */
			f.cls = first ? CLASS_TITLE : cur.b->level <= 1 ?
				CLASS_UNDERLINE_EQ : CLASS_UNDERLINE_DASH;
			found_add(out, f);
		} else if (cur.b->underline && cur.b->kind == DOC_BLOCK_PARAGRAPH &&
			   cur.one_line &&
			   u8_str_width_upto(s, n, UNDERLINED_MAX_WIDTH) <= UNDERLINED_MAX_WIDTH) {
			f.cls = first ? CLASS_TITLE : cur.b->underline == 1 ?
				CLASS_UNDERLINE_EQ : CLASS_UNDERLINE_DASH;
			found_add(out, f);
		} else if (!cur.eligible) {
			/* a bullet, a quote, code, a rule, a table */
		} else if (!cur.one_line) {
			/* Short lines kept as they are (an address, a title with a
			   byline under it): only the first line of the first
			   block can be a heading, the title. */
			if (first && cur.mark == MARK_NONE) {
				size_t line = (size_t)((const char *)memchr(s, '\n', n) - s);
				size_t end = cur.start + line;
				trim(text, &f.start, &end);
				if (end > f.start && title_candidate(text + f.start, end - f.start)) {
					f.end = end;
					f.cls = CLASS_TITLE;
					found_add(out, f);
				}
			}
		} else if (cur.mark != MARK_NONE) {
			if (numbered_heading(text, &cur, have_prev ? &prev : NULL,
					     have_next ? &next : NULL)) {
				f.cls = CLASS_NUMBERED;
				f.mark = cur.mark;
				found_add(out, f);
			}
		} else if (first) {
			if (title_candidate(s, n)) {
				f.cls = CLASS_TITLE;
				found_add(out, f);
			}
		} else if (short_heading(text, &cur, have_next ? &next : NULL)) {
			f.cls = CLASS_SECTION;
			found_add(out, f);
		}
		prev = cur;
		have_prev = true;
	}
}

/* Gives each found heading its level (see the top of the file). */
static void
assign_levels(struct found_list *l, int *levels)
{
	bool used[MARK_COUNT] = { false };
	int mark_level[MARK_COUNT] = { 0 };
	bool eq = false, dash = false;
	for (size_t i = 0; i < l->count; i++) {
		if (l->items[i].cls == CLASS_NUMBERED)
			used[l->items[i].mark] = true;
		eq = eq || l->items[i].cls == CLASS_UNDERLINE_EQ;
		dash = dash || l->items[i].cls == CLASS_UNDERLINE_DASH;
	}
	int next_level = 2;
	for (int m = MARK_PART; m < MARK_COUNT; m++)
		if (used[m])
			mark_level[m] = next_level++;
	for (size_t i = 0; i < l->count; i++) {
		const struct found *f = &l->items[i];
		switch (f->cls) {
		case CLASS_TITLE: levels[i] = 1; break;
		case CLASS_SECTION: levels[i] = 2; break;
		case CLASS_UNDERLINE_EQ: levels[i] = 2; break;
		case CLASS_UNDERLINE_DASH: levels[i] = eq && dash ? 3 : 2; break;
		case CLASS_NUMBERED: levels[i] = mark_level[f->mark]; break;
		case CLASS_MARKUP: levels[i] = f->level; break;
		}
	}
}

static void
find_markup(const struct doc *d, struct found_list *out)
{
	size_t count = doc_block_count(d);
	for (size_t i = 0; i < count; i++) {
		const struct doc_block *b = doc_block(d, i);
		if (b->kind != DOC_BLOCK_HEADING)
			continue;
		struct found f = {
			.block = i, .start = b->start, .end = b->end,
			.cls = CLASS_MARKUP, .level = b->level > 0 ? b->level : 1,
		};
		found_add(out, f);
	}
}

/* --------------------------------------------------------------- public */

struct outline *
outline_build(const struct doc *d)
{
	struct outline *o = xcalloc(1, sizeof(*o));
	struct found_list found = { NULL, 0, 0 };
	const char *text = doc_text(d, NULL);

	/* A stored version (verbatim) has lost its markup: read it as the
	   plain text it now is. */
	enum doc_format fmt = doc_format(d);
	if (fmt == DOC_FORMAT_TEXT || fmt == DOC_FORMAT_VERBATIM)
		find_plain(d, &found);
	else
		find_markup(d, &found);
	if (found.count == 0) {
		free(found.items);
		return o;
	}
	int *levels = xreallocarray(NULL, found.count, sizeof(*levels));
	assign_levels(&found, levels);
	o->entries = xreallocarray(NULL, found.count, sizeof(*o->entries));
	o->count = found.count;
	/* Headings come in text order: each one's code point offset is
	   counted on from the last one's when it is near (a 100 MB article
	   has hundreds of thousands of headings). */
	size_t last_byte = 0, last_cp = 0;
	for (size_t i = 0; i < found.count; i++) {
		const struct found *f = &found.items[i];
		struct outline_entry *e = &o->entries[i];
		e->level = levels[i];
		e->block = f->block;
		e->start = f->start;
		e->end = f->end;
		if (f->start >= last_byte && f->start - last_byte <= 4096) {
			for (size_t k = last_byte; k < f->start; k++)
				last_cp += ((unsigned char)text[k] & 0xC0) != 0x80;
		} else {
			last_cp = doc_byte_to_cp(d, f->start);
		}
		last_byte = f->start;
		e->start_cp = last_cp;
		e->title = xstrndup(text + f->start, f->end - f->start);
	}
	free(levels);
	free(found.items);
	return o;
}

void
outline_free(struct outline *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->count; i++)
		free((char *)o->entries[i].title);
	free(o->entries);
	free(o);
}

size_t
outline_count(const struct outline *o)
{
	return o->count;
}

const struct outline_entry *
outline_entry(const struct outline *o, size_t i)
{
	return i < o->count ? &o->entries[i] : NULL;
}

size_t
outline_section_at(const struct outline *o, size_t off)
{
	/* The first entry that starts after off; the one before it holds off. */
	size_t lo = 0, hi = o->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->entries[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? (size_t)-1 : lo - 1;
}

bool
outline_is_heading_block(const struct outline *o, size_t block)
{
	size_t lo = 0, hi = o->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->entries[mid].block < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->count && o->entries[lo].block == block;
}

void
outline_format(const struct outline *o, const struct doc *d, struct buf *out)
{
	const char *text = doc_text(d, NULL);
	for (size_t i = 0; i < o->count; i++) {
		const struct outline_entry *e = &o->entries[i];
		buf_printf(out, "%d\t%zu\t", e->level, e->start_cp);
		/* From the text rather than e->title: a NUL kept in the text
		   (--binary) would cut the title short. */
		u8_safe(out, text + e->start, e->end - e->start);
		buf_putc(out, '\n');
	}
}
