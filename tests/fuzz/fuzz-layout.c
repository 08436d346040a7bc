/* fuzz-layout: random text at random widths (1..300).  Every row of the
 * document is walked, forwards and back, and layout.h's rules are checked
 * on each: no row wider than the width; cells in column order inside the
 * row; the text cells of a row cover its shown text without gaps; the rows
 * of a block tile the block's text; offset -> position -> offset comes
 * back; walking back meets the same rows.  Then the width changes and the
 * walk is done again (a resize), and the rows are dumped with marks.
 *
 * The first bytes choose: the width (two bytes), the format, the
 * ambiguous width, the second width. */
#include "config.h"

#include "fuzz.h"
#include "gloss/layout.h"

/* Rows walked at most per width: far more than any input of libFuzzer's
 * default size can make, so a walk that does not end is found. */
#define MAX_ROWS 2000000

static size_t
walk(struct layout *l, const struct doc *d, int width)
{
	size_t len;
	const char *text = doc_text(d, &len);
	struct layout_row row = LAYOUT_ROW_INIT;
	struct layout_pos pos;
	size_t rows = 0;
	size_t nblocks = doc_block_count(d);
	if (!layout_first(l, &pos)) {
		FUZZ_CHECK(nblocks == 0);
		return 0;
	}
	size_t block = (size_t)-1, block_next = 0;   /* where the block's next row starts */
	do {
		FUZZ_CHECK(++rows < MAX_ROWS);
		FUZZ_CHECK(layout_get_row(l, pos, &row));
		FUZZ_CHECK(row.pos.block == pos.block && row.pos.row == pos.row);
		FUZZ_CHECK(pos.block < nblocks);
		const struct doc_block *b = doc_block(d, pos.block);
		if (pos.block != block) {
			/* A new block: its rows start at its start. */
			FUZZ_CHECK(block == (size_t)-1 || pos.block == block + 1);
			FUZZ_CHECK(pos.row == 0);
			block = pos.block;
			block_next = b->start;
		}
		FUZZ_CHECK(row.width >= 0 && row.width <= width);
		FUZZ_CHECK(row.start <= row.text_end && row.text_end <= row.end);
		FUZZ_CHECK(row.end <= len);
		if (row.flags & LAYOUT_ROW_BLANK) {
			FUZZ_CHECK(row.start == b->start && row.end == b->start);
		} else {
			FUZZ_CHECK(row.start == block_next);
			block_next = row.end;
		}
		if (row.flags & LAYOUT_ROW_FIRST)
			FUZZ_CHECK(row.start == b->start);
		if (row.flags & LAYOUT_ROW_LAST)
			FUZZ_CHECK(row.end == b->end);
		int col = 0;
		size_t at = row.start;
		for (size_t i = 0; i < row.ncells; i++) {
			const struct layout_cell *c = &row.cells[i];
			FUZZ_CHECK(c->col >= col);
			FUZZ_CHECK(c->width >= 0);
			FUZZ_CHECK(c->col + c->width <= row.width);
			FUZZ_CHECK(c->glyph != NULL || c->glyph_len == 0);
			col = c->col + c->width;
			if (c->attrs & LAYOUT_ATTR_DECORATION) {
				FUZZ_CHECK(c->start == c->end);
				continue;
			}
			/* A text cell: the next stretch of the row's text. */
			FUZZ_CHECK(c->start == at && c->end > c->start);
			at = c->end;
			/* Round trip (layout.h, layout_offset_at); a cell of
			 * width 0 covers no column: its column gives a later
			 * cell of the row. */
			int pc = -1;
			struct layout_pos p = layout_pos_at(l, c->start, &pc);
			FUZZ_CHECK(p.block == pos.block && p.row == pos.row);
			FUZZ_CHECK(pc == c->col);
			size_t back_at = layout_offset_at(l, p, pc);
			if (c->width > 0)
				FUZZ_CHECK(back_at == c->start);
			else
				FUZZ_CHECK(back_at >= c->end && back_at <= row.text_end);
			/* A glyph never holds what needs a placeholder (a
			 * control, a bidirectional control...). */
			for (size_t k = 0; k < c->glyph_len;) {
				int32_t cp;
				char ph[16];
				k += u8_decode(c->glyph, c->glyph_len, k, &cp);
				FUZZ_CHECK(!u8_placeholder(cp, ph));
			}
			/* A table's cell separator stands for the "|" of the
			 * text and is drawn as a box bar (or "|" when box
			 * characters are two columns wide). */
			if (c->attrs & LAYOUT_ATTR_CELL_SEP)
				FUZZ_CHECK(c->end - c->start == 1 && text[c->start] == '|' &&
					   ((c->glyph_len == 3 && memcmp(c->glyph, "\u2502", 3) == 0) ||
					    (c->glyph_len == 1 && c->glyph[0] == '|')));
			else if (!(c->attrs & (LAYOUT_ATTR_PLACEHOLDER | LAYOUT_ATTR_TAB)))
				FUZZ_CHECK(c->glyph_len == c->end - c->start &&
					   memcmp(c->glyph, text + c->start, c->glyph_len) == 0);
		}
		FUZZ_CHECK(at == row.text_end || (row.flags & LAYOUT_ROW_BLANK));
		if (!layout_next_row(l, &pos))
			break;
		if (pos.block != block)
			FUZZ_CHECK(block_next == b->end);   /* the block was tiled */
	} while (1);
	FUZZ_CHECK(block == nblocks - 1);
	FUZZ_CHECK(block_next == doc_block(d, block)->end);

	/* Back from the last row: the same number of rows. */
	size_t back = 1;
	FUZZ_CHECK(layout_last(l, &pos));
	while (layout_prev_row(l, &pos))
		FUZZ_CHECK(++back <= rows);
	FUZZ_CHECK(back == rows);
	FUZZ_CHECK(pos.block == 0 && pos.row == 0);
	layout_row_free(&row);
	return rows;
}

/* The dump (gloss --dump), from some offset, with every flag and a few
 * marks made from the choice bytes: it is valid UTF-8 whose only
 * controls are the LFs that end rows and the TABs that set off fields. */
static void
dump(struct layout *l, const struct doc *d, unsigned w0, unsigned w1, unsigned opts)
{
	size_t len = doc_length(d);
	struct layout_mark marks[16];
	size_t nmarks = opts >> 4;
	for (size_t i = 0; i < nmarks; i++) {
		marks[i].start = (i * 7919 + w0 * 31) % (len + 1);
		marks[i].end = marks[i].start + (i * 13 + w1) % 50;
		if (marks[i].end > len)   /* a range of the text (layout.h) */
			marks[i].end = len;
		marks[i].after = (i & 1) ? "{tag}" : NULL;
	}
	for (size_t i = 1; i < nmarks; i++)   /* sorted by start */
		for (size_t k = i; k > 0 && marks[k - 1].start > marks[k].start; k--) {
			struct layout_mark t = marks[k];
			marks[k] = marks[k - 1];
			marks[k - 1] = t;
		}
	struct buf out = BUF_INIT;
	size_t from = len ? (w0 * 257 + w1) % len : 0;
	layout_dump(l, from, LAYOUT_DUMP_OFFSETS | LAYOUT_DUMP_FORCED, marks, nmarks, &out);
	FUZZ_CHECK(out.len == 0 || u8_is_valid(out.data, out.len));
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];
		FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t');
		FUZZ_CHECK(c != 0x7F);
	}
	FUZZ_CHECK(doc_block_count(d) == 0 || (out.len > 0 && out.data[out.len - 1] == '\n'));
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	unsigned w0 = fuzz_byte(&in), w1 = fuzz_byte(&in), opts = fuzz_byte(&in);
	unsigned w2 = fuzz_byte(&in);
	int width = (int)((w0 << 8 | w1) % 300) + 1;
	int width2 = (int)(w2 % 300) + 1;
	size_t n;
	const char *text = fuzz_take(&in, 0, &n);

	static const enum doc_format formats[] = {
		DOC_FORMAT_TEXT, DOC_FORMAT_MARKDOWN, DOC_FORMAT_VERBATIM, DOC_FORMAT_TEXT,
	};
	struct doc *d = NULL;
	struct gl_error err;
	FUZZ_CHECK(doc_from_text(text, n, formats[opts & 3], NULL, &d, &err) == GL_OK);
	u8_set_ambiguous_width(opts & 4 ? 2 : 1);
	struct outline *o = (opts & 8) ? outline_build(d) : NULL;
	struct layout *l = layout_new(d, o, width);
	FUZZ_CHECK(layout_width(l) == width);
	walk(l, d, width);
	layout_set_width(l, width2);
	walk(l, d, width2);
	dump(l, d, w0, w1, opts);
	layout_free(l);
	outline_free(o);
	doc_free(d);
	u8_set_ambiguous_width(1);
	return 0;
}
