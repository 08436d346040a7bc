/* outline: the headings of a document, with their level and offset.
 * Markdown (and later HTML) headings come from the doc's heading blocks,
 * with the level the markup gives them; nothing else in such a document
 * is a heading.  Plain text is read by rules that fit real articles
 * (DESIGN, "The flow"); src/outline.c lists them in full:
 *   - the first block is the title (level 1) when it is at most 80
 *     columns and does not end like a sentence;
 *   - numbered headings with a marker from a closed list: 第…[部篇卷],
 *     第…[章回], 第…[節节] (CJK or Arabic numerals), Part/Chapter/Section
 *     N, 제N[부편장절], 一、, （一）/(一), 1. / 1、, （1）/(1), 1.1,
 *     1.1.1 …; the marker must be followed by the end of the line, a
 *     space, a colon or 、 (so 第一任期內, is prose), the whole line must
 *     be short (60 columns) and must not end like a sentence, and a run
 *     of consecutive short lines with the same marker is a list, not
 *     headings;
 *   - underlined headings (a line of === or --- under a short line);
 *   - a short paragraph (at most 40 columns, not ending in
 *     。．.;；,，:：、… nor in a closing quote after a sentence mark; ? and
 *     ! are allowed) followed by a paragraph at least twice as wide.
 *   List items (but numbered ones that pass the numbered rules), bullets,
 *   quotes and code are never headings.  A stored version read verbatim
 *   (DOC_FORMAT_VERBATIM) has lost its markup and is read as plain text.
 * Levels: 1 is the title only.  Unnumbered headings (the short-paragraph
 * rule, underlines) are sections at level 2 (=== at 2 and --- at 3 when
 * a text uses both).  Numbered markers are ranked from the largest
 * division down (部, 章, 節, 一、, （一）, 1., （1）, 1.1, 1.1.1, 1.1.1.1);
 * the ranks a document uses get levels 2, 3, … in that order, so a text
 * numbered 一、/（一） gets 2/3 and one numbered 第一章/一、 also 2/3.
 *
 * An outline is built from a doc, refers to its blocks and offsets, and
 * must not outlive it. */
#ifndef GLOSS_OUTLINE_H
#define GLOSS_OUTLINE_H

#include "gloss/doc.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

struct outline;

struct outline_entry {
	int level;          /* 1 = title/top; deeper levels count up */
	size_t block;       /* index of the heading's block in the doc */
	size_t start, end;  /* byte range of the heading text in doc_text()
			       (without surrounding spaces or an underline) */
	size_t start_cp;    /* start as a code point offset */
	const char *title;  /* the heading text, NUL-terminated, owned by
			       the outline */
};

/* Finds the headings of d.  Never fails (an article without headings
 * gives an empty outline); free with outline_free.  Time is linear in the
 * number of blocks: only short blocks and the start of the others are
 * measured. */
struct outline *outline_build(const struct doc *d);
void outline_free(struct outline *o);   /* NULL is allowed */
/* Headings in text order. */
size_t outline_count(const struct outline *o);
/* Entry i, owned by the outline; NULL when i >= outline_count. */
const struct outline_entry *outline_entry(const struct outline *o, size_t i);
/* The index of the heading whose section holds byte offset `off` (the
 * last heading that starts at or before off), or (size_t)-1 when off is
 * before the first heading or there is none.  O(log n). */
size_t outline_section_at(const struct outline *o, size_t off);
/* True when block i of the doc is a heading (Markdown or found by rule).
 * The underline of an underlined heading, when the doc keeps it as a
 * block of its own, is not.  O(log n). */
bool outline_is_heading_block(const struct outline *o, size_t block);

/* Appends the canonical dump of the outline to out, the one
 * `gloss --outline` prints and the tests compare: one line per heading,
 *     LEVEL <TAB> OFFSET <TAB> TITLE <LF>
 * LEVEL as above, OFFSET the heading's start in code points of the
 * document text (what annotations use), TITLE in its terminal-safe form
 * (u8_safe: a tab, newline or control character in it becomes a visible
 * placeholder, so the fields stay three).  An empty outline appends
 * nothing.  d must be the doc the outline was built from. */
void outline_format(const struct outline *o, const struct doc *d, struct buf *out);

#endif
