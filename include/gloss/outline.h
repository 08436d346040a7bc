/* outline: the headings of a document, with their level and offset.
 * Markdown (and later HTML) headings come from the doc's heading blocks;
 * plain text is read by rules that fit real articles (DESIGN, "The flow"):
 * the first line as the title; numbered headings with a marker from a
 * closed list (第…[章節篇部回], 一、, 1., 1.1); underlined headings (===,
 * ---); and a short paragraph (at most 40 columns, not ending in a
 * sentence or clause mark) followed by one at least twice as long.
 *
 * An outline is built from a doc and must not outlive it. */
#ifndef GLOSS_OUTLINE_H
#define GLOSS_OUTLINE_H

#include "gloss/doc.h"

#include <stddef.h>

struct outline;

struct outline_entry {
	int level;          /* 1 = title/top; deeper levels count up */
	size_t block;       /* index of the heading's block in the doc */
	size_t start, end;  /* byte range of the heading text in doc_text() */
	size_t start_cp;    /* start as a code point offset */
	const char *title;  /* the heading text, NUL-terminated, owned */
};

struct outline *outline_build(const struct doc *d);
void outline_free(struct outline *o);
size_t outline_count(const struct outline *o);
const struct outline_entry *outline_entry(const struct outline *o, size_t i);
/* The index of the heading whose section holds byte offset `off`, or
 * (size_t)-1 when off is before the first heading.  O(log n). */
size_t outline_section_at(const struct outline *o, size_t off);
/* True when block i of the doc is a heading (Markdown or found by rule). */
bool outline_is_heading_block(const struct outline *o, size_t block);

#endif
