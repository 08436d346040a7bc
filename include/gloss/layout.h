/* layout: a doc, its outline and a width -> rows of cells, as the reader
 * sees them.
 *
 * A row is a list of cells.  A cell is one grapheme cluster of the text
 * (UAX #29, never split), or a decoration that stands for no text (a list
 * bullet, a hanging indent, a quote bar, the marker of a cut code line, a
 * rule).  Every cell has the column it starts at, its width in columns
 * (from u8_cluster_width, the program's one width function), the bytes of
 * document text it stands for, what to draw (`glyph`) and attribute bits.
 * The ui draws each cell at the column layout gives it, so columns never
 * drift (DESIGN, "Width").
 *
 * Rows are addressed by a position (block, row in the block), so drawing
 * a screen never needs the absolute row number of anything: start from
 * layout_pos_at(top offset) and walk with layout_next_row.
 *
 * Rules (the tests check each one):
 *   - No row is wider than the width, down to a width of 1.
 *   - Paragraph text is filled greedily and broken at the last UAX #14
 *     opportunity that fits (u8_line_breaks, with gloss's tailoring), so
 *     no row starts with ，。、」』）》！？：；,.:;?! and none ends with
 *     「『（《, and a word or number is not broken.  Spaces (U+0020) at a
 *     break hang: they count for nothing and are not shown.  An LF (or
 *     another mandatory break) inside a block ends the row; the LF itself
 *     is not shown.
 *   - Only when a run without a break opportunity is alone wider than the
 *     row is it broken at a grapheme boundary; such a row has
 *     LAYOUT_ROW_FORCED.  A cluster wider than the row (a CJK character
 *     on a row of 1 column, a long control placeholder) is shown as the
 *     one-column placeholder "?" (LAYOUT_ATTR_PLACEHOLDER) standing for
 *     the cluster's bytes.  A wide cluster that does not fit at the end of
 *     a row moves to the next row; the row is left short, with no padding.
 *   - A tab goes to the next stop of 8 columns, counted from the start of
 *     the text on the row (after any decoration), but never past the row's
 *     end.  A control character is shown as its u8_placeholder text: one
 *     multi-column cell (LAYOUT_ATTR_PLACEHOLDER) that stands for the
 *     character's bytes.
 *   - Blocks: one blank row between blocks, none between two list items
 *     nor between two table rows (but the header rule after a table's
 *     first row); between two quote paragraphs the blank
 *     row keeps the bars of the outer quote.  Headings (doc heading blocks
 *     and the outline's plain-text headings) carry LAYOUT_ATTR_HEADING and
 *     are set apart by these blank rows.  A list item gets "• " (or "N. "
 *     when ordered; none when its text keeps its own marker,
 *     doc_block.marker_len) after two columns of indent per nesting level,
 *     and its later rows a hanging indent under the text; a paragraph that
 *     continues a list item (PARAGRAPH with depth > 0) is indented the
 *     same way.  A quote paragraph gets "│ " per depth on every row.
 *     A Markdown or HTML block with containers (doc_block.nest) is
 *     decorated by them instead, outermost first, on every row: a quote
 *     "│ "; a list level two columns when a list level is right inside
 *     it, else the width of its item's marker (so what is inside stands
 *     under the item's text); and the item that starts with the block
 *     its bullet or "N. " on the first row.  So ">+" is "│ • item",
 *     ">-" (a later paragraph of it) "│   text", "->" (a quote in an
 *     item) "  │ text", "+>" "• │ text", ">>" "│ │ text".  The blank
 *     row before such a block keeps the bars of the quotes it shares
 *     with the block before it, and two list items are not one list
 *     when a quote holds one and not the other.  A rule, code block,
 *     heading or table in a quote is drawn after its bars (a table is
 *     aligned when it fits beside them).  A
 *     code block is not reflowed: each source line is one row, and a line
 *     wider than the row is cut, with "»" in the last column
 *     (LAYOUT_ROW_CUT; the hidden rest belongs to the row but to no cell).
 *     A table (a run of table rows, doc.h) whose columns fit the width
 *     is aligned: each row is one row, each cell padded with blank
 *     decoration cells to the width of its column's widest cell (display
 *     width: a CJK character is 2 columns), the padding standing at the
 *     end of the cell's text (start == end == there), and the "|" of each
 *     " | " between cells drawn as "│" (LAYOUT_ATTR_CELL_SEP; "|" when box
 *     drawing is wide, ambiguous width 2).  A table that does not fit (or
 *     has a line break, a tab or a ruby reading in a cell, more than 64
 *     columns, more than 4096 rows or 1 MiB) has each row wrapped like a
 *     paragraph (its bars drawn as "│" too), never before a bar.  The separator row before a table's second row is its
 *     header rule: "─" under the cells and "┼" under each bar when
 *     aligned, across the width otherwise (LAYOUT_ATTR_TABLE |
 *     LAYOUT_ATTR_RULE).  A rule is a row of "─".
 *     Nothing indents a paragraph's first row.
 *   - A ruby reading (doc_span.ruby: HTML <ruby>) is shown right after
 *     its base, "漢字(かんじ)": three decoration cells "(", the reading
 *     and ")" with LAYOUT_ATTR_RUBY, standing for no text (start == end
 *     == the base's end), so a selection, a highlight or a quote never
 *     holds it.  They go on the row of the base's last cluster and count
 *     in its width (the two never part); a reading that cannot fit on a
 *     row beside that cluster is not shown, nor is one in a code block.
 *     A column on a reading gives the offset of the base's end.
 *   - Decorations are measured with u8_str_width (│, • and ─ are East
 *     Asian Ambiguous).  When the decorations of a block would leave less
 *     than half of the row for its text (narrow widths, deep nesting),
 *     that block is shown without them.
 *
 * Laziness: a block is laid out only when one of its rows is asked for,
 * and only as far as needed (a block of 100 MB shows its first rows at
 * once); laid-out blocks are kept in a bounded cache (least recently used
 * blocks are dropped).  Nothing is laid out when the layout is made.
 * Break opportunities of a block longer than 256 KiB are found in windows
 * of 64 KiB with 2 KiB of context on each side (a fixed grid from the
 * block's start, so the result is the same whatever is asked first); they
 * can differ from those of the whole block only inside a run of more than
 * 2 KiB of spaces, combining marks or regional indicators, or of
 * ideographs right before Hangul (Korean keep-all).
 *
 * Purity: the rows depend only on the doc, the outline, the width and
 * u8's settings (ambiguous width, overrides, Korean keep-all).  After
 * changing those settings call layout_invalidate.
 *
 * Offsets are byte offsets into doc_text().  A layout refers to its doc
 * and outline, which must outlive it.  Not thread-safe (even reading
 * fills the cache). */
#ifndef GLOSS_LAYOUT_H
#define GLOSS_LAYOUT_H

#include "gloss/doc.h"
#include "gloss/outline.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

struct layout;

/* A row: its block and its index among that block's rows (a block's blank
 * separator row, when it has one, is row 0). */
struct layout_pos {
	size_t block;
	size_t row;
};

/* Cell attributes.  The low bits are the doc_attr bits of the text under
 * the cell (Markdown emphasis, code span, link, strike). */
enum layout_attr {
	LAYOUT_ATTR_EM = DOC_ATTR_EM,
	LAYOUT_ATTR_STRONG = DOC_ATTR_STRONG,
	LAYOUT_ATTR_CODE_SPAN = DOC_ATTR_CODE,
	LAYOUT_ATTR_LINK = DOC_ATTR_LINK,
	LAYOUT_ATTR_STRIKE = DOC_ATTR_STRIKE,
	LAYOUT_ATTR_DOC_MASK = 0xffu,
	LAYOUT_ATTR_HEADING = 1u << 8,     /* in a heading */
	LAYOUT_ATTR_QUOTE = 1u << 9,       /* in a quote (bars included) */
	LAYOUT_ATTR_CODE_BLOCK = 1u << 10, /* in a code block */
	LAYOUT_ATTR_LIST = 1u << 11,       /* in a list item (bullet included) */
	LAYOUT_ATTR_TABLE = 1u << 12,      /* in a table row */
	LAYOUT_ATTR_RULE = 1u << 13,       /* the rule of a thematic break */
	LAYOUT_ATTR_DECORATION = 1u << 14, /* bullet, indent, bar, cut marker,
					      rule: stands for no text */
	LAYOUT_ATTR_PLACEHOLDER = 1u << 15, /* the glyph is not the text: a
					       control character's
					       placeholder, or "?" for a
					       cluster wider than the row */
	LAYOUT_ATTR_TAB = 1u << 16,        /* an expanded tab (glyph: spaces) */
	LAYOUT_ATTR_CUT = 1u << 17,        /* the cut marker of a code line */
	LAYOUT_ATTR_RUBY = 1u << 18,       /* a ruby reading (with
					      LAYOUT_ATTR_DECORATION) */
	LAYOUT_ATTR_CELL_SEP = 1u << 19,   /* the "|" of a " | " between two
					      cells of a table row, drawn as
					      "│": stands for its text */
};

struct layout_cell {
	size_t start, end;   /* the text it stands for; start == end for a
				decoration (then both are the row's start,
				but for a ruby reading: its base's end, and
				for a table cell's padding: the cell's
				end) */
	const char *glyph;   /* what to draw, glyph_len bytes (not
				NUL-terminated): the text itself, a
				placeholder, spaces for a tab, a decoration */
	size_t glyph_len;
	int col;             /* the column it starts at, from 0 */
	int width;           /* its width in columns (0 for a lone combining
				mark or a zero-width character) */
	unsigned attrs;      /* enum layout_attr bits */
};

enum layout_row_flag {
	LAYOUT_ROW_FORCED = 1u << 0, /* ended by a forced break: not at a
					break opportunity */
	LAYOUT_ROW_BLANK = 1u << 1,  /* a separator row between blocks: no
					text (it may show quote bars, or be
					a table's header rule) */
	LAYOUT_ROW_CUT = 1u << 2,    /* a code line cut at the width */
	LAYOUT_ROW_FIRST = 1u << 3,  /* the first text row of its block */
	LAYOUT_ROW_LAST = 1u << 4,   /* the last row of its block */
};

/* One row, filled by layout_get_row.  The caller owns the struct; a
 * zeroed struct (LAYOUT_ROW_INIT) is ready to use, the same struct can be
 * filled again and again (its memory is reused), and layout_row_free
 * releases it.  The glyphs point into the doc's text, into static
 * strings or into the row's own storage: they stay valid until the row is
 * filled again or freed (and while the doc lives). */
struct layout_row {
	struct layout_pos pos;
	/* The text the row stands for: the rows of a block tile its text, so
	   [start, end) of one row ends where the next begins.  The cells cover
	   [start, text_end); [text_end, end) is what the row does not show:
	   spaces that hang at a break, the LF of a mandatory break, the hidden
	   rest of a cut code line.  A blank row has start == end == the start
	   of its block. */
	size_t start, text_end, end;
	int width;            /* columns used, decorations included */
	unsigned flags;       /* enum layout_row_flag bits */
	size_t ncells;
	struct layout_cell *cells;
	/* private */
	size_t cells_cap_;
	struct buf glyphs_;
	size_t glyphs_room_;
};
#define LAYOUT_ROW_INIT { { 0, 0 }, 0, 0, 0, 0, 0, 0, NULL, 0, BUF_INIT, 0 }

void layout_row_free(struct layout_row *row);

/* Makes a layout of d at `width` columns (a width below 1 counts as 1).
 * `o` may be NULL (then only the doc's own heading blocks are headings).
 * Lays out nothing yet.  Free with layout_free. */
struct layout *layout_new(const struct doc *d, const struct outline *o, int width);
void layout_free(struct layout *l);   /* NULL is allowed */

int layout_width(const struct layout *l);
/* Changes the width (below 1 counts as 1) and drops every laid-out row.
 * To keep the same text at the top of the screen across a resize:
 *     size_t top = layout_row_offset(l, top_pos);
 *     layout_set_width(l, new_width);
 *     top_pos = layout_pos_at(l, top, NULL);                           */
void layout_set_width(struct layout *l, int width);
/* Drops every laid-out row: call it after changing u8's width or line-break
 * settings. */
void layout_invalidate(struct layout *l);

/* The first and the last row of the document.  False (and *pos
 * untouched) when the document has no blocks.  layout_last lays out the
 * last block in full. */
bool layout_first(struct layout *l, struct layout_pos *pos);
bool layout_last(struct layout *l, struct layout_pos *pos);
/* Moves *pos to the next (previous) row; false, *pos untouched, at the
 * end (start).  Moving back into a block lays it out in full. */
bool layout_next_row(struct layout *l, struct layout_pos *pos);
bool layout_prev_row(struct layout *l, struct layout_pos *pos);
/* Moves *pos by n rows (back when n < 0), stopping at either end; returns
 * how many rows it moved (always >= 0). */
size_t layout_move(struct layout *l, struct layout_pos *pos, long n);
/* The number of rows of block b (its blank separator included); lays the
 * block out in full.  0 when b is out of range. */
size_t layout_block_rows(struct layout *l, size_t b);

/* Fills *row with the row at pos; false (row untouched) when pos is not
 * a row of the document. */
bool layout_get_row(struct layout *l, struct layout_pos pos, struct layout_row *row);

/* Offset -> position: the row that shows the byte at `off` and, in *col
 * (may be NULL), the column of the cell that stands for it.  An offset in
 * the part of a row that is not shown (hanging spaces, an LF, the hidden
 * rest of a cut line) gives the column just after the row's last text
 * cell (the cut marker's column for a cut line); an offset on the LF
 * between two blocks gives the first text row of the next block; past the
 * end, the last row.  O(log n) in the number of blocks and rows, once the
 * block is laid out (laying it out is linear in its length up to off).
 * With no blocks: {0, 0} and column 0. */
struct layout_pos layout_pos_at(struct layout *l, size_t off, int *col);
/* Position -> offset: the start of the text cell at column `col` of the
 * row (the cell that covers that column); for a column before the first
 * text cell (decorations), its start; after the last, the row's text_end;
 * for a blank row, the start of its block.  Round trip: for every cell
 * that stands for text and has a width, layout_offset_at(layout_pos_at(
 * cell.start, &c), c) is cell.start.  A cell of width 0 (a lone
 * zero-width character such as U+200B or U+2062) covers no column: its
 * column gives the cell after it (or text_end), never the zero-width one.
 * An invalid pos gives doc_length. */
size_t layout_offset_at(struct layout *l, struct layout_pos pos, int col);
/* How many rows are laid out and kept in the cache now (for the tests
 * and the benchmark: it shows that layout is lazy and bounded). */
size_t layout_cached_rows(const struct layout *l);

/* The first byte of text the row stands for (the block's start for a
 * blank row): the offset to keep for the top of the screen.  Show the
 * position in the document as this offset's share of doc_length (a
 * percentage by bytes, as less does): no row is ever counted. */
size_t layout_row_offset(struct layout *l, struct layout_pos pos);

/* ------------------------------------------------------------------ dump
 * The rows as plain text, for `gloss --dump` and the tests: the rows of
 * the block that holds byte offset `from` (its blank separator row left
 * out) and of every block after it, one line per row, each cell's glyph
 * in order, blanks at the end of the line trimmed, "\n" after each line.
 * A row never contains a TAB (tabs are expanded, controls are
 * placeholders), so the optional fields below are set off by TABs:
 *   LAYOUT_DUMP_OFFSETS  each line starts with "START-END\t": the row's
 *                        byte range [start, end) in doc_text().
 *   LAYOUT_DUMP_FORCED   a row ended by a forced break gets "\tforced"
 *                        at its end; a cut code row "\tcut".
 * Marks (a hook for highlights): each mark whose range overlaps shown
 * text gets "[[" before the first cell that stands for its text and "]]"
 * after the last one, then its `after` text (marks sorted by start; they
 * may nest or overlap, and may span rows).  `marks` may be NULL when nmarks is 0.  The mark
 * brackets are not counted in the width. */
enum layout_dump_flag {
	LAYOUT_DUMP_OFFSETS = 1u << 0,
	LAYOUT_DUMP_FORCED = 1u << 1,
};
struct layout_mark {
	size_t start, end;   /* byte range in doc_text() */
	const char *after;   /* printed right after its "]]" (e.g. the tags
				"{tag1,tag2}"), or NULL */
};
void layout_dump(struct layout *l, size_t from, unsigned flags,
		 const struct layout_mark *marks, size_t nmarks, struct buf *out);

#endif
