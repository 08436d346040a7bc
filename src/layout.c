/* layout: blocks of a doc cut into rows of cells for a width.
 *
 * How it works.  A block is laid out row by row from its start, only as
 * far as someone asked (a row, or the row holding an offset), and what is
 * known is kept per block: for each row only where its text starts, where
 * the shown text ends, its width and flags (struct row_info).  The cells
 * of a row are made again from that when the row is asked for: walking
 * one row's clusters is cheap, and the cache stays small (a row costs 24
 * bytes, not 40 per character).  The cache of blocks is bounded (least
 * recently used blocks are dropped), so the memory does not grow with the
 * document.
 *
 * Both passes (row boundaries, cells) walk the same clusters with the same
 * column arithmetic, so they agree on every column: cluster_cols is the
 * one place that decides a cluster's width on a row. */
#include "config.h"

#include "gloss/layout.h"

#include "gloss/u8.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cache bounds: rows kept (24 bytes each) and blocks kept. */
#define CACHE_MAX_ROWS ((size_t)1 << 18)
#define CACHE_MAX_BLOCKS ((size_t)4096)

/* Break opportunities of a block up to this size are found in one go;
 * longer blocks in windows on a fixed grid (see layout.h). */
#define BRK_WHOLE_MAX ((size_t)256 * 1024)
#define BRK_WINDOW ((size_t)64 * 1024)
#define BRK_CONTEXT ((size_t)2 * 1024)

/* What a cluster too wide for the row is shown as. */
static const char too_wide_glyph[] = "?";
/* Decorations.  Bars, bullets and rules are East Asian Ambiguous, so their
 * widths are measured (layout_invalidate measures again). */
static const char bar_glyph[] = "│ ";
static const char bullet_glyph[] = "• ";
static const char cut_glyph[] = "»";     /* U+00BB: narrow everywhere */
static const char rule_glyph[] = "─";
static const char ruby_open_glyph[] = "(";
static const char ruby_close_glyph[] = ")";
static const char spaces[] = "                                ";  /* 32 */
/* Table cells: the "|" between two cells is drawn as a bar, the header
 * rule has a cross where a bar stands; both fall back to ASCII when the
 * box-drawing characters (East Asian Ambiguous) are wide. */
static const char cell_bar_glyph[] = "│";
static const char cell_cross_glyph[] = "┼";

/* Tables.  A run of table rows is aligned in columns when it fits the
 * width; measuring one costs a pass over its text, so the columns of a
 * few tables are kept, and a table too large to measure at once is
 * wrapped row by row instead (so is one with a line break, a tab or a
 * ruby reading in a cell, or too many columns). */
#define TABLE_CACHE 4
#define TABLE_MAX_COLS 64
#define TABLE_MAX_ROWS ((size_t)4096)
#define TABLE_MAX_BYTES ((size_t)1024 * 1024)

struct table_cols {
	size_t first, last;   /* its blocks [first, last); last == 0: empty slot */
	bool aligned;         /* cells padded to their column's width */
	size_t ncols;
	int colw[TABLE_MAX_COLS];
	enum doc_align align[TABLE_MAX_COLS];   /* the first said in each column */
	unsigned long used;
};

struct row_info {
	size_t start;     /* first byte of the row */
	size_t text_end;  /* end of the shown text */
	int width;        /* columns of text (decorations not included) */
	unsigned flags;   /* LAYOUT_ROW_FORCED, LAYOUT_ROW_CUT */
};

/* The rows of one block known so far. */
struct block_rows {
	size_t block;
	struct row_info *rows;
	size_t nrows, cap;
	size_t resume;      /* where the next row starts */
	bool complete;      /* every row is known */
	bool separator;     /* a blank row comes first */
	struct block_rows *newer, *older;   /* LRU list */
};

struct brk_window {
	size_t block;       /* SIZE_MAX when empty */
	size_t a;           /* brk[k] is for the text offset a + k */
	size_t core_a, core_b;  /* answers for offsets in [core_a, core_b) */
	unsigned char *brk;
	size_t cap;
	unsigned long used; /* for choosing which window to reuse */
};

struct layout {
	const struct doc *doc;
	const struct outline *outline;
	const char *text;
	size_t text_len;
	size_t nblocks;
	int width;
	/* Measured decoration widths. */
	int bar_w, bullet_w, cut_w, rule_w;
	bool box_narrow;   /* │ ┼ ─ are one column: tables use them */

	struct table_cols tables[TABLE_CACHE];
	unsigned long table_clock;
	/* u8_cluster_width of each ASCII character alone, remembered (the
	 * width settings only change through layout_invalidate). */
	signed char ascii_w[128];

	struct block_rows **entries;  /* per block, NULL when not cached */
	struct block_rows *newest, *oldest;
	size_t cached_rows, cached_blocks;

	struct brk_window win[2];
	unsigned long win_clock;

	struct layout_row scratch;    /* for layout_pos_at/offset_at */

	/* The doc's spans that carry a ruby reading (doc_span.ruby), by
	   index, in text order: the reading is shown after the span. */
	size_t *ruby;
	size_t nruby;
};

/* How a block looks at the layout's width. */
struct style {
	enum doc_block_kind kind;
	unsigned attrs;       /* for every cell of the block */
	int indent;           /* blank columns before the bullet (first row) */
	const char *bullet;   /* NULL, or the bullet of the first row */
	size_t bullet_len;
	int bullet_w;
	int hang;             /* blank columns before the text, later rows */
	int bars;             /* quote bars on every row */
	int prefix_first;     /* columns before the text on the first row */
	int prefix_rest;      /* ... on the other rows */
	int content_first;    /* columns for the text on the first row (>= 1) */
	int content_rest;     /* ... on the other rows (>= 1) */
	bool code, rule;
	char number[24];      /* storage for "N. " */
	/* A block with containers (doc_block.nest) is decorated by them
	   instead of by bars, indent, bullet and hang above: one entry
	   per container, outermost first (none when too narrow). */
	struct nest_deco {
		bool bar;         /* a quote: "│ " on every row */
		bool marker;      /* an item that starts here: its bullet or
				     "N. " on the first row */
		bool ordered;
		unsigned number;
		int first_w;      /* columns on the first row */
		int rest_w;       /* ... on the other rows (blank for a list) */
	} deco[DOC_NEST_MAX];
	size_t ndeco;
};

/* ------------------------------------------------------------- styles */

static bool
is_heading(const struct layout *l, size_t b, const struct doc_block *blk)
{
	if (blk->kind == DOC_BLOCK_HEADING)
		return true;
	return l->outline && outline_is_heading_block(l->outline, b);
}

/* The bullet width of the list item a continuation paragraph belongs to:
 * the nearest list item of the same depth before it (looking back a
 * little), else that of "• ". */
static int
item_bullet_width(const struct layout *l, size_t b, int depth)
{
	size_t stop = b > 64 ? b - 64 : 0;
	while (b-- > stop) {
		const struct doc_block *p = doc_block(l->doc, b);
		if (p->kind == DOC_BLOCK_LIST_ITEM && p->depth == depth) {
			if (p->marker_len > 0)
				return (int)u8_str_width(l->text + p->start, p->marker_len);
			if (p->ordered) {
				char num[24];
				return snprintf(num, sizeof num, "%u. ", p->number);
			}
			return l->bullet_w;
		}
		if (p->depth < depth && p->kind == DOC_BLOCK_LIST_ITEM)
			break;
	}
	return l->bullet_w;
}

/* ------------------------------------------------- nested containers
 * A Markdown or HTML block knows the quotes and lists around it,
 * outermost first (doc_block.nest): each quote draws "│ " on every row,
 * each list level the indent of its item's text, and the item that
 * starts with the block its bullet (or "N. ") on the first row.  A list
 * level with another list level right inside it indents by 2 (as a
 * nested list always did); one with a quote or the text inside it by
 * its item's marker, so the quote's bar or the text stands under the
 * item's text. */

/* Whether nests a and b hold the same first n containers (an item's
 * start, '+', is the item, '-'). */
static bool
nest_prefix_same(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '+' ? '-' : a[i];
		char y = b[i] == '+' ? '-' : b[i];
		if (!x || x != y)
			return false;
	}
	return true;
}

/* How many of cur's outer containers the block before it (its nest
 * prev) is in too: they go on across the blank row between the two. */
static size_t
nest_shared(const char *prev, const char *cur)
{
	size_t i = 0;
	while (cur[i] && cur[i] != '+' && prev[i] && (prev[i] == '+' ? '-' : prev[i]) == cur[i])
		i++;
	return i;
}

/* Whether a quote holds one of two neighbouring blocks and not the
 * other: two list items so placed are not one list. */
static bool
nest_quote_apart(const char *a, const char *b)
{
	size_t i = 0;
	while (a[i] && b[i] && (a[i] == '+' ? '-' : a[i]) == (b[i] == '+' ? '-' : b[i]))
		i++;
	return strchr(a + i, '>') || strchr(b + i, '>');
}

struct item_marker {
	bool own_text;    /* the text starts with its own marker */
	bool ordered;
	unsigned number;
	int width;
};

static void
marker_of(const struct layout *l, const struct doc_block *p, struct item_marker *m)
{
	memset(m, 0, sizeof *m);
	if (p->marker_len > 0) {
		m->own_text = true;
		m->width = (int)u8_str_width(l->text + p->start, p->marker_len);
	} else if (p->ordered) {
		char num[24];
		m->ordered = true;
		m->number = p->number;
		m->width = snprintf(num, sizeof num, "%u. ", p->number);
	} else {
		m->width = l->bullet_w;
	}
}

/* The marker of the list item that is container i (a list level) of
 * block b: that of the item's first paragraph (the LIST_ITEM block whose
 * innermost container it is), looking a little back for the item's
 * start and on from there; "• " when none is near (an item of a quote
 * alone). */
static void
item_marker_at(const struct layout *l, size_t b, size_t i, struct item_marker *m)
{
	memset(m, 0, sizeof *m);
	m->width = l->bullet_w;
	const char *nest = doc_block(l->doc, b)->nest;
	size_t s = b;
	if (nest[i] != '+') {
		bool found = false;
		size_t stop = b > 64 ? b - 64 : 0;
		for (size_t k = b; k-- > stop;) {
			const char *kn = doc_block(l->doc, k)->nest;
			if (!nest_prefix_same(kn, nest, i + 1))
				break;
			if (kn[i] == '+') {
				s = k;
				found = true;
				break;
			}
		}
		if (!found)
			return;
	}
	const char *sn = doc_block(l->doc, s)->nest;
	size_t stop = l->nblocks - s > 64 ? s + 64 : l->nblocks;
	for (size_t k = s; k < stop; k++) {
		const struct doc_block *p = doc_block(l->doc, k);
		if (k > s && (!nest_prefix_same(p->nest, sn, i + 1) || p->nest[i] == '+'))
			return;
		if (p->kind == DOC_BLOCK_LIST_ITEM && strlen(p->nest) == i + 1) {
			marker_of(l, p, m);
			return;
		}
	}
}

/* Fills st->deco from block b's nest. */
static void
nest_style(const struct layout *l, size_t b, const struct doc_block *blk, struct style *st)
{
	const char *nest = blk->nest;
	size_t n = strnlen(nest, DOC_NEST_MAX);
	for (size_t i = 0; i < n; i++)
		st->attrs |= nest[i] == '>' ? LAYOUT_ATTR_QUOTE : LAYOUT_ATTR_LIST;
	for (size_t i = 0; i < n; i++) {
		/* Past the width they are all left out (block_style): a
		   deep nest costs no more looking for markers. */
		if (st->prefix_first > l->width || st->prefix_rest > l->width)
			break;
		struct nest_deco *d = &st->deco[st->ndeco++];
		memset(d, 0, sizeof *d);
		if (nest[i] == '>') {
			d->bar = true;
			d->first_w = d->rest_w = l->bar_w;
			st->prefix_first += d->first_w;
			st->prefix_rest += d->rest_w;
			continue;
		}
		bool list_inside = i + 1 < n && nest[i + 1] != '>';
		struct item_marker m = { .width = 2 };
		if (nest[i] == '+' || !list_inside)
			item_marker_at(l, b, i, &m);
		d->rest_w = list_inside ? 2 : m.width;
		if (nest[i] != '+') {
			d->first_w = d->rest_w;
		} else if (!m.own_text) {
			d->marker = true;
			d->ordered = m.ordered;
			d->number = m.number;
			d->first_w = m.width;
		}
		st->prefix_first += d->first_w;
		st->prefix_rest += d->rest_w;
	}
}

static void
block_style(const struct layout *l, size_t b, struct style *st)
{
	const struct doc_block *blk = doc_block(l->doc, b);
	memset(st, 0, offsetof(struct style, deco));
	st->ndeco = 0;
	st->kind = blk->kind;
	int depth = blk->depth > 0 ? blk->depth : 0;
	bool nested = blk->nest[0] != '\0';
	switch (blk->kind) {
	case DOC_BLOCK_QUOTE:
		st->attrs = LAYOUT_ATTR_QUOTE;
		if (nested)
			break;
		st->bars = depth > 0 ? depth : 1;
		st->prefix_first = st->prefix_rest = st->bars * l->bar_w;
		break;
	case DOC_BLOCK_LIST_ITEM:
		st->attrs = LAYOUT_ATTR_LIST;
		if (nested)
			break;
		st->indent = 2 * (depth > 0 ? depth - 1 : 0);
		if (blk->marker_len > 0) {
			/* The text keeps its own marker: hang under the text
			 * that follows it. */
			st->hang = st->indent +
				(int)u8_str_width(l->text + blk->start, blk->marker_len);
		} else if (blk->ordered) {
			int n = snprintf(st->number, sizeof st->number, "%u. ", blk->number);
			st->bullet = st->number;
			st->bullet_len = (size_t)n;
			st->bullet_w = n;
			st->hang = st->indent + n;
		} else {
			st->bullet = bullet_glyph;
			st->bullet_len = sizeof bullet_glyph - 1;
			st->bullet_w = l->bullet_w;
			st->hang = st->indent + st->bullet_w;
		}
		st->prefix_first = st->indent + st->bullet_w;
		st->prefix_rest = st->hang;
		break;
	case DOC_BLOCK_RULE:
		st->attrs = LAYOUT_ATTR_RULE;
		st->rule = true;
		break;
	case DOC_BLOCK_CODE:
		st->attrs = LAYOUT_ATTR_CODE_BLOCK;
		st->code = true;
		break;
	case DOC_BLOCK_TABLE_ROW:
		st->attrs = LAYOUT_ATTR_TABLE;
		break;
	case DOC_BLOCK_HEADING:
	case DOC_BLOCK_PARAGRAPH:
		break;
	}
	if (is_heading(l, b, blk))
		st->attrs |= LAYOUT_ATTR_HEADING;
	if (nested) {
		nest_style(l, b, blk, st);
	} else if (depth > 0 && blk->kind != DOC_BLOCK_QUOTE && blk->kind != DOC_BLOCK_LIST_ITEM &&
		   blk->kind != DOC_BLOCK_RULE) {
		/* A later paragraph (or code) of a list item: under its text. */
		st->attrs |= LAYOUT_ATTR_LIST;
		st->hang = 2 * (depth - 1) + item_bullet_width(l, b, depth);
		st->indent = st->hang;
		st->prefix_first = st->prefix_rest = st->hang;
	}
	int prefix = st->prefix_first > st->prefix_rest ? st->prefix_first : st->prefix_rest;
	if (prefix > 0 && l->width - prefix < (l->width + 1) / 2) {
		/* Too narrow for the decorations: the text comes first. */
		st->indent = st->hang = st->bars = 0;
		st->bullet = NULL;
		st->bullet_len = 0;
		st->bullet_w = 0;
		st->prefix_first = st->prefix_rest = 0;
		st->ndeco = 0;
	}
	st->content_first = l->width - st->prefix_first;
	st->content_rest = l->width - st->prefix_rest;
	if (st->content_first < 1)
		st->content_first = 1;
	if (st->content_rest < 1)
		st->content_rest = 1;
}

/* Whether list item b continues the list of the items before it: the
 * previous item of its depth (looking back a little, over deeper items)
 * has the same kind of marker and, when ordered, the number before. */
static bool
same_list(const struct layout *l, size_t b)
{
	const struct doc_block *cur = doc_block(l->doc, b);
	size_t stop = b > 64 ? b - 64 : 0;
	for (size_t k = b; k-- > stop;) {
		const struct doc_block *p = doc_block(l->doc, k);
		if (p->kind != DOC_BLOCK_LIST_ITEM || p->depth < cur->depth)
			return true;
		if (p->depth == cur->depth)
			return p->ordered == cur->ordered &&
				(!cur->ordered || cur->number == p->number + 1);
	}
	return true;
}

/* Whether block b has a blank row before it, and the quote bars on it. */
static bool
block_separator(const struct layout *l, size_t b, int *bars)
{
	*bars = 0;
	if (b == 0)
		return false;
	const struct doc_block *prev = doc_block(l->doc, b - 1);
	const struct doc_block *cur = doc_block(l->doc, b);
	if (prev->kind == DOC_BLOCK_LIST_ITEM && cur->kind == DOC_BLOCK_LIST_ITEM)
		return nest_quote_apart(prev->nest, cur->nest) || !same_list(l, b);
	if (prev->kind == DOC_BLOCK_TABLE_ROW && cur->kind == DOC_BLOCK_TABLE_ROW)
		/* The rule under a table's header row (its first row). */
		return b == 1 || doc_block(l->doc, b - 2)->kind != DOC_BLOCK_TABLE_ROW;
	if (prev->kind == DOC_BLOCK_QUOTE && cur->kind == DOC_BLOCK_QUOTE) {
		struct style ps, cs;
		block_style(l, b - 1, &ps);
		block_style(l, b, &cs);
		*bars = ps.bars < cs.bars ? ps.bars : cs.bars;
	}
	return true;
}

/* ------------------------------------------------------ break windows */

static size_t
snap_forward(const struct layout *l, size_t i, size_t end)
{
	while (i < end && ((unsigned char)l->text[i] & 0xC0) == 0x80)
		i++;
	return i;
}

static struct brk_window *
brk_load(struct layout *l, size_t b, size_t bs, size_t be, size_t q)
{
	struct brk_window *w = &l->win[0];
	if (l->win[1].used < w->used)
		w = &l->win[1];
	size_t a, end;
	if (be - bs <= BRK_WHOLE_MAX) {
		a = w->core_a = bs;
		end = w->core_b = be;
	} else {
		size_t k = (q - bs) / BRK_WINDOW;
		w->core_a = bs + k * BRK_WINDOW;
		w->core_b = w->core_a + BRK_WINDOW < be ? w->core_a + BRK_WINDOW : be;
		a = w->core_a >= bs + BRK_CONTEXT ? snap_forward(l, w->core_a - BRK_CONTEXT, be) : bs;
		end = be - w->core_b > BRK_CONTEXT ? snap_forward(l, w->core_b + BRK_CONTEXT, be) : be;
	}
	size_t n = end - a;
	if (w->cap < n + 1) {
		free(w->brk);
		w->cap = n + 1 > 4096 ? n + 1 : 4096;
		w->brk = xmalloc(w->cap);
	}
	u8_line_breaks(l->text + a, n, w->brk);
	w->block = b;
	w->a = a;
	return w;
}

/* The break opportunity before offset q (bs < q <= be) of block b. */
static inline unsigned char
brk_get(struct layout *l, struct brk_window **cur, size_t b, size_t bs, size_t be, size_t q)
{
	if (q >= be)
		return U8_BREAK_MANDATORY;
	struct brk_window *w = *cur;
	if (w && w->block == b && q >= w->core_a && q < w->core_b)
		return w->brk[q - w->a];
	w = NULL;
	for (int k = 0; k < 2; k++) {
		struct brk_window *c = &l->win[k];
		if (c->block == b && q >= c->core_a && q < c->core_b)
			w = c;
	}
	if (!w)
		w = brk_load(l, b, bs, be, q);
	w->used = ++l->win_clock;
	*cur = w;
	return w->brk[q - w->a];
}

static void
brk_clear(struct layout *l)
{
	for (int k = 0; k < 2; k++) {
		l->win[k].block = SIZE_MAX;
		l->win[k].used = 0;
	}
}

/* ------------------------------------------------------------ clusters */

/* The end of the cluster at i, inside [bs, be). */
static inline size_t
cluster_end(const struct layout *l, size_t bs, size_t be, size_t i)
{
	return bs + u8_next_cluster(l->text + bs, be - bs, i - bs);
}

/* The width of the cluster [i, j) when it starts at column `col` of a row
 * whose text has `content` columns.  A tab reaches the next stop of 8 but
 * not past the row's end (at the very end it counts in full, so it goes to
 * the next row).  Everything else is u8_cluster_width. */
static inline int
cluster_cols(const struct layout *l, size_t i, size_t j, int col, int content)
{
	const char *s = l->text + i;
	if (s[0] == '\t' && j == i + 1) {
		int w = 8 - col % 8;
		if (col < content && w > content - col)
			w = content - col;
		return w;
	}
	if (j == i + 1 && (unsigned char)s[0] < 0x80)
		return l->ascii_w[(unsigned char)s[0]];
	return u8_cluster_width(s, j - i);
}

/* ---------------------------------------------------------------- ruby
 * A ruby reading is shown after its base, in parentheses: three cells
 * that stand for no text (LAYOUT_ATTR_RUBY), on the row of the base's
 * last cluster, whose width counts the reading's, so the two never part.
 * A reading that would not fit on a row beside that cluster is not
 * shown. */

/* The first ruby whose base ends after `off`. */
static size_t
ruby_from(const struct layout *l, size_t off)
{
	size_t lo = 0, hi = l->nruby;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc_span(l->doc, l->ruby[mid])->end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The reading shown after the cluster that ends at j and is w columns
 * wide on a row of `content` columns, or NULL; *k is a cursor into
 * l->ruby (from ruby_from), moved forward.  *cols gets the columns the
 * reading takes, parentheses included. */
static const char *
ruby_after(const struct layout *l, size_t *k, size_t j, int w, int content, int *cols)
{
	*cols = 0;
	while (*k < l->nruby && doc_span(l->doc, l->ruby[*k])->end < j)
		(*k)++;
	if (*k == l->nruby || doc_span(l->doc, l->ruby[*k])->end != j)
		return NULL;
	const char *reading = doc_span(l->doc, l->ruby[*k])->ruby;
	int rw = (int)u8_str_width(reading, strlen(reading)) + 2;
	if (w + rw > content)
		return NULL;
	*cols = rw;
	return reading;
}

/* -------------------------------------------------------------- tables
 * A table row's text is its cells joined by " | "; doc_block.cells says
 * where each cell is, so a cell's own " | " stays in the cell. */

static bool
is_table_row(const struct layout *l, size_t b)
{
	return b < l->nblocks && doc_block(l->doc, b)->kind == DOC_BLOCK_TABLE_ROW;
}

/* The cells of a table row: its own, or (none recorded) the whole row
 * as one. */
static size_t
row_ncells(const struct doc_block *blk)
{
	return blk->ncells ? blk->ncells : 1;
}

/* Cell k of the row: [*s, *e). */
static void
row_cell(const struct doc_block *blk, size_t k, size_t *s, size_t *e)
{
	if (blk->ncells == 0) {
		*s = blk->start;
		*e = blk->end;
		return;
	}
	*s = blk->cells[k].start;
	*e = blk->cells[k].end;
}

/* Whether byte i of a table row is between two of its cells (in their
 * separator, " | "). */
static bool
is_cell_bar(const struct doc_block *blk, size_t i)
{
	size_t lo = 0, hi = blk->ncells;
	while (lo < hi) {   /* the first cell that ends after i */
		size_t mid = lo + (hi - lo) / 2;
		if (blk->cells[mid].end <= i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && lo < blk->ncells && i < blk->cells[lo].start;
}

/* The width of a cell's text [i, e) as text_cells lays it out. */
static int
cell_width(const struct layout *l, size_t bs, size_t be, size_t i, size_t e)
{
	int w = 0;
	while (i < e) {
		size_t j = cluster_end(l, bs, be, i);
		w += cluster_cols(l, i, j, w, INT_MAX);
		i = j;
	}
	return w;
}

/* Measures the table [first, last) into t. */
static void
table_measure(const struct layout *l, struct table_cols *t)
{
	t->aligned = false;
	t->ncols = 0;
	size_t ts = doc_block(l->doc, t->first)->start;
	size_t te = doc_block(l->doc, t->last - 1)->end;
	if (t->last - t->first > TABLE_MAX_ROWS || te - ts > TABLE_MAX_BYTES)
		return;
	if (l->nruby) {
		size_t k = ruby_from(l, ts);
		if (k < l->nruby && doc_span(l->doc, l->ruby[k])->start < te)
			return;
	}
	for (size_t b = t->first; b < t->last; b++) {
		const struct doc_block *blk = doc_block(l->doc, b);
		size_t bn = blk->end - blk->start;
		if (memchr(l->text + blk->start, '\n', bn) || memchr(l->text + blk->start, '\t', bn))
			return;
		for (size_t col = 0; col < row_ncells(blk); col++) {
			if (col == TABLE_MAX_COLS)
				return;
			size_t i, e;
			row_cell(blk, col, &i, &e);
			int w = cell_width(l, blk->start, blk->end, i, e);
			enum doc_align a = blk->ncells ? blk->cells[col].align : DOC_ALIGN_NONE;
			if (col >= t->ncols) {
				t->align[t->ncols] = a;
				t->colw[t->ncols++] = w;
			} else if (w > t->colw[col]) {
				t->colw[col] = w;
			}
			if (t->align[col] == DOC_ALIGN_NONE)
				t->align[col] = a;
		}
	}
	/* Cells, and " | " between them. */
	long total = 0;
	for (size_t k = 0; k < t->ncols; k++)
		total += t->colw[k] + (k > 0 ? 3 : 0);
	/* The table's quotes and lists take their columns first. */
	struct style fs;
	block_style(l, t->first, &fs);
	t->aligned = total <= fs.content_first;
}

/* The columns of the table that row b belongs to. */
static const struct table_cols *
table_get(struct layout *l, size_t b)
{
	struct table_cols *t = NULL;
	for (int k = 0; k < TABLE_CACHE; k++) {
		struct table_cols *c = &l->tables[k];
		if (c->last > 0 && c->first <= b && b < c->last) {
			c->used = ++l->table_clock;
			return c;
		}
		if (!t || c->used < t->used)
			t = c;
	}
	size_t first = b, last = b + 1;
	while (first > 0 && is_table_row(l, first - 1))
		first--;
	while (is_table_row(l, last))
		last++;
	t->first = first;
	t->last = last;
	t->used = ++l->table_clock;
	table_measure(l, t);
	return t;
}

static void
table_clear(struct layout *l)
{
	memset(l->tables, 0, sizeof l->tables);
	l->table_clock = 0;
}

/* The blank columns before (*before) and after (*after) cell k of an
 * aligned table, w columns wide, for its column's alignment; the last
 * cell has none after. */
static void
cell_padding(const struct table_cols *t, size_t k, bool last, int w, int *before, int *after)
{
	int pad = (k < t->ncols ? t->colw[k] : 0) - w;
	if (pad < 0)
		pad = 0;
	enum doc_align a = k < t->ncols ? t->align[k] : DOC_ALIGN_NONE;
	*before = a == DOC_ALIGN_RIGHT ? pad : a == DOC_ALIGN_CENTER ? pad / 2 : 0;
	*after = last ? 0 : pad - *before;
}

/* Cell k of the n of an aligned table row: its text [*s, *e), its width
 * (returned), and the padding before and after it in its column. */
static int
aligned_cell(const struct layout *l, const struct table_cols *t, const struct doc_block *blk,
	     size_t k, size_t n, size_t *s, size_t *e, int *before, int *after)
{
	row_cell(blk, k, s, e);
	int w = cell_width(l, blk->start, blk->end, *s, *e);
	cell_padding(t, k, k + 1 == n, w, before, after);
	return w;
}

/* The width of an aligned table row: every cell padded to its column
 * (the last only before its text), " | " between them. */
static int
table_row_width(const struct layout *l, const struct table_cols *t,
		const struct doc_block *blk)
{
	int col = 0;
	size_t n = row_ncells(blk);
	for (size_t k = 0; k < n; k++) {
		size_t s, e;
		int before, after, w = aligned_cell(l, t, blk, k, n, &s, &e, &before, &after);
		col += before + w + after + (k + 1 < n ? 3 : 0);
	}
	return col;
}

/* ------------------------------------------------------- row breaking */

/* Where a row may be cut when no break fits (a word wider than the row):
 * the start of a cluster, with what is shown before it. */
struct cut_point {
	size_t pos, shown_end;
	int col;
};
/* How many clusters a forced cut may go back. */
#define CUT_BACK 8

/* A forced cut before c->pos would start the next row with closing
 * punctuation ("」며,", "!") or end this one with an opening bracket: go
 * back to the nearest of the last clusters (cuts, ncuts recorded, the
 * newest last) where the cut is a good one (u8_line_cut_ok), e.g.
 * between two Hangul syllables.  Left alone when none is. */
static void
forced_cut(const struct layout *l, size_t bs, size_t be, const struct cut_point *cuts,
	   size_t ncuts, struct cut_point *c)
{
	if (u8_line_cut_ok(l->text + bs, be - bs, c->pos - bs))
		return;
	size_t back = ncuts < CUT_BACK ? ncuts : CUT_BACK;
	for (size_t k = 1; k <= back; k++) {
		const struct cut_point *q = &cuts[(ncuts - k) % CUT_BACK];
		if (u8_line_cut_ok(l->text + bs, be - bs, q->pos - bs)) {
			*c = *q;
			return;
		}
	}
}

/* One row of flowing text (paragraph, heading, list item, quote, table
 * row) from p (a cluster boundary, p < be). */
static void
flow_row(struct layout *l, size_t b, size_t bs, size_t be, int content, size_t p,
	 struct row_info *ri, size_t *next)
{
	struct brk_window *cur = NULL;
	size_t i = p;
	int col = 0;           /* after the last cluster shown */
	int pending = 0;       /* spaces after it, shown only if text follows */
	size_t shown_end = p;
	bool have_brk = false;
	size_t brk_pos = p, brk_shown_end = p;
	int brk_col = 0;
	size_t rk = l->nruby ? ruby_from(l, p) : 0;
	/* The last clusters' starts, for a forced cut (forced_cut). */
	struct cut_point cuts[CUT_BACK];
	size_t ncuts = 0;

	ri->start = p;
	ri->flags = 0;
	for (;;) {
		if (i >= be) {
			*next = be;
			break;
		}
		if (i > p) {
			unsigned char k = brk_get(l, &cur, b, bs, be, i);
			if (k == U8_BREAK_MANDATORY) {
				*next = i;
				break;
			}
			/* A base with its reading is not broken (漢字(かんじ)). */
			if (k == U8_BREAK_ALLOWED && rk < l->nruby &&
			    doc_span(l->doc, l->ruby[rk])->start < i &&
			    i < doc_span(l->doc, l->ruby[rk])->end)
				k = U8_BREAK_NONE;
			/* A wrapped table row: the bar between two cells does
			 * not start a row (it ends one, "cell |"). */
			if (k == U8_BREAK_ALLOWED && l->text[i] == '|' &&
			    doc_block(l->doc, b)->kind == DOC_BLOCK_TABLE_ROW &&
			    is_cell_bar(doc_block(l->doc, b), i))
				k = U8_BREAK_NONE;
			if (k == U8_BREAK_ALLOWED) {
				have_brk = true;
				brk_pos = i;
				brk_shown_end = shown_end;
				brk_col = col;
			}
		}
		char c = l->text[i];
		/* Two ASCII characters have a cluster boundary between them (no
		 * CR in a doc), so an ASCII character before one is a cluster. */
		size_t j = (unsigned char)c < 0x80 &&
			(i + 1 == be || (unsigned char)l->text[i + 1] < 0x80)
			? i + 1 : cluster_end(l, bs, be, i);
		if (c == ' ' && j == i + 1) {
			/* Pending until text follows (a space with marks on it
			 * is text). */
			pending++;
			i = j;
			continue;
		}
		if (c == '\n') {
			/* Ends the row (a mandatory break follows); not shown. */
			i++;
			continue;
		}
		int w = cluster_cols(l, i, j, col + pending, content);
		if (w > content && i == p)
			w = 1;   /* shown as "?" */
		int rw = 0;
		if (rk < l->nruby)
			ruby_after(l, &rk, j, w, content, &rw);
		w += rw;
		if (col + pending + w > content) {
			if (have_brk) {
				*next = brk_pos;
				shown_end = brk_shown_end;
				col = brk_col;
			} else if (i > p) {
				struct cut_point cut = { i, shown_end, col };
				forced_cut(l, bs, be, cuts, ncuts, &cut);
				*next = cut.pos;
				shown_end = cut.shown_end;
				col = cut.col;
				ri->flags |= LAYOUT_ROW_FORCED;
			} else {
				/* Cannot happen: at the row start w <= content.
				 * Take the cluster so the row is never empty. */
				*next = j;
				shown_end = j;
				col += w;
			}
			break;
		}
		if (i > p)
			cuts[ncuts++ % CUT_BACK] = (struct cut_point){ i, shown_end, col };
		col += pending + w;
		pending = 0;
		shown_end = j;
		i = j;
	}
	ri->text_end = shown_end;
	ri->width = col;
}

/* One source line of a code block from p; cut when wider than the row. */
static void
code_row(struct layout *l, size_t bs, size_t be, int content, size_t p,
	 struct row_info *ri, size_t *next, bool *last)
{
	const char *lf = memchr(l->text + p, '\n', be - p);
	size_t le = lf ? (size_t)(lf - l->text) : be;
	int room = content - l->cut_w;   /* text columns when cut */
	size_t i = p, fit_end = p;
	int col = 0, fit_col = 0;
	bool cut = false;
	while (i < le) {
		size_t j = bs + u8_next_cluster(l->text + bs, le - bs, i - bs);
		int w = cluster_cols(l, i, j, col, content);
		if (col + w > content) {
			cut = true;
			break;
		}
		col += w;
		if (col <= room) {
			fit_end = j;
			fit_col = col;
		}
		i = j;
	}
	ri->start = p;
	if (cut) {
		ri->text_end = fit_end;
		ri->width = fit_col;
		ri->flags = LAYOUT_ROW_CUT;
	} else {
		ri->text_end = le;
		ri->width = col;
		ri->flags = 0;
	}
	*last = lf == NULL;
	*next = lf ? le + 1 : be;
}

/* ------------------------------------------------------------- cache */

static void
lru_unlink(struct layout *l, struct block_rows *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		l->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		l->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
lru_push(struct layout *l, struct block_rows *e)
{
	e->newer = NULL;
	e->older = l->newest;
	if (l->newest)
		l->newest->newer = e;
	l->newest = e;
	if (!l->oldest)
		l->oldest = e;
}

static void
entry_drop(struct layout *l, struct block_rows *e)
{
	lru_unlink(l, e);
	l->entries[e->block] = NULL;
	l->cached_rows -= e->nrows;
	l->cached_blocks--;
	free(e->rows);
	free(e);
}

/* Drops the least recently used blocks over the bounds, never `keep`. */
static void
cache_trim(struct layout *l, const struct block_rows *keep)
{
	while ((l->cached_rows > CACHE_MAX_ROWS || l->cached_blocks > CACHE_MAX_BLOCKS) &&
	       l->oldest && l->oldest != keep)
		entry_drop(l, l->oldest);
}

static void
cache_clear(struct layout *l)
{
	while (l->oldest)
		entry_drop(l, l->oldest);
}

static struct block_rows *
entry_get(struct layout *l, size_t b)
{
	struct block_rows *e = l->entries[b];
	if (e) {
		if (l->newest != e) {
			lru_unlink(l, e);
			lru_push(l, e);
		}
		return e;
	}
	e = xcalloc(1, sizeof *e);
	e->block = b;
	e->resume = doc_block(l->doc, b)->start;
	int bars;
	e->separator = block_separator(l, b, &bars);
	l->entries[b] = e;
	l->cached_blocks++;
	lru_push(l, e);
	cache_trim(l, e);
	return e;
}

static void
entry_push(struct layout *l, struct block_rows *e, const struct row_info *ri)
{
	if (e->nrows == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->rows = xreallocarray(e->rows, e->cap, sizeof *e->rows);
	}
	e->rows[e->nrows++] = *ri;
	l->cached_rows++;
}

/* Lays out more of e's block: until it has `want` rows, or a row that
 * holds offset `upto` (when upto != SIZE_MAX), or it is complete. */
static void
entry_extend(struct layout *l, struct block_rows *e, size_t want, size_t upto)
{
	if (e->complete)
		return;
	const struct doc_block *blk = doc_block(l->doc, e->block);
	size_t bs = blk->start, be = blk->end;
	struct style st;
	block_style(l, e->block, &st);
	while (!e->complete && (e->nrows < want || (upto != SIZE_MAX && e->resume <= upto))) {
		struct row_info ri;
		size_t next;
		if (st.rule || bs == be) {
			/* A rule, or an empty block: one row. */
			ri.start = bs;
			ri.text_end = bs;
			ri.width = 0;
			ri.flags = 0;
			entry_push(l, e, &ri);
			e->resume = be;
			e->complete = true;
		} else if (st.kind == DOC_BLOCK_TABLE_ROW && table_get(l, e->block)->aligned) {
			/* An aligned table row is one row: the table fits. */
			ri.start = bs;
			ri.text_end = be;
			ri.width = table_row_width(l, table_get(l, e->block), doc_block(l->doc, e->block));
			ri.flags = 0;
			entry_push(l, e, &ri);
			e->resume = be;
			e->complete = true;
		} else if (st.code) {
			bool last;
			code_row(l, bs, be, e->nrows == 0 ? st.content_first : st.content_rest,
				 e->resume, &ri, &next, &last);
			entry_push(l, e, &ri);
			e->resume = next;
			e->complete = last;
		} else {
			int content = e->nrows == 0 ? st.content_first : st.content_rest;
			flow_row(l, e->block, bs, be, content, e->resume, &ri, &next);
			entry_push(l, e, &ri);
			e->resume = next;
			e->complete = next >= be;
		}
	}
	cache_trim(l, e);
}

/* ------------------------------------------------------------ public */

struct layout *
layout_new(const struct doc *d, const struct outline *o, int width)
{
	struct layout *l = xcalloc(1, sizeof *l);
	l->doc = d;
	l->outline = o;
	l->text = doc_text(d, &l->text_len);
	l->nblocks = doc_block_count(d);
	l->entries = xcalloc(l->nblocks + 1, sizeof *l->entries);
	for (size_t k = 0; k < doc_span_count(d); k++) {
		if (!doc_span(d, k)->ruby)
			continue;
		if (!l->ruby)
			l->ruby = xcalloc(doc_span_count(d) - k, sizeof *l->ruby);
		l->ruby[l->nruby++] = k;
	}
	brk_clear(l);
	l->width = width < 1 ? 1 : width;
	layout_invalidate(l);
	return l;
}

void
layout_free(struct layout *l)
{
	if (!l)
		return;
	cache_clear(l);
	free(l->entries);
	for (int k = 0; k < 2; k++)
		free(l->win[k].brk);
	layout_row_free(&l->scratch);
	free(l->ruby);
	free(l);
}

int
layout_width(const struct layout *l)
{
	return l->width;
}

void
layout_set_width(struct layout *l, int width)
{
	l->width = width < 1 ? 1 : width;
	cache_clear(l);
	table_clear(l);
}

void
layout_invalidate(struct layout *l)
{
	cache_clear(l);
	brk_clear(l);
	table_clear(l);
	l->bar_w = (int)u8_str_width(bar_glyph, sizeof bar_glyph - 1);
	l->bullet_w = (int)u8_str_width(bullet_glyph, sizeof bullet_glyph - 1);
	l->cut_w = (int)u8_str_width(cut_glyph, sizeof cut_glyph - 1);
	l->rule_w = (int)u8_str_width(rule_glyph, sizeof rule_glyph - 1);
	l->box_narrow = l->rule_w == 1 &&
		u8_str_width(cell_bar_glyph, sizeof cell_bar_glyph - 1) == 1 &&
		u8_str_width(cell_cross_glyph, sizeof cell_cross_glyph - 1) == 1;
	for (int c = 0; c < 128; c++) {
		char ch = (char)c;
		l->ascii_w[c] = (signed char)u8_cluster_width(&ch, 1);
	}
}

/* The number of rows of e known so far, the separator included. */
static size_t
entry_rows(const struct block_rows *e)
{
	return e->nrows + (e->separator ? 1 : 0);
}

/* Makes sure row r of e's block is known if it exists; true if it does. */
static bool
entry_has_row(struct layout *l, struct block_rows *e, size_t r)
{
	size_t sep = e->separator ? 1 : 0;
	if (r < sep)
		return true;
	entry_extend(l, e, r - sep + 1, SIZE_MAX);
	return r - sep < e->nrows;
}

bool
layout_first(struct layout *l, struct layout_pos *pos)
{
	if (l->nblocks == 0)
		return false;
	pos->block = 0;
	pos->row = 0;
	return true;
}

size_t
layout_block_rows(struct layout *l, size_t b)
{
	if (b >= l->nblocks)
		return 0;
	struct block_rows *e = entry_get(l, b);
	entry_extend(l, e, SIZE_MAX, SIZE_MAX);
	return entry_rows(e);
}

bool
layout_last(struct layout *l, struct layout_pos *pos)
{
	if (l->nblocks == 0)
		return false;
	size_t n = layout_block_rows(l, l->nblocks - 1);
	pos->block = l->nblocks - 1;
	pos->row = n - 1;
	return true;
}

bool
layout_next_row(struct layout *l, struct layout_pos *pos)
{
	if (pos->block >= l->nblocks)
		return false;
	struct block_rows *e = entry_get(l, pos->block);
	if (entry_has_row(l, e, pos->row + 1)) {
		pos->row++;
		return true;
	}
	if (pos->block + 1 >= l->nblocks)
		return false;
	pos->block++;
	pos->row = 0;
	return true;
}

bool
layout_prev_row(struct layout *l, struct layout_pos *pos)
{
	if (pos->block >= l->nblocks)
		return false;
	if (pos->row > 0) {
		pos->row--;
		return true;
	}
	if (pos->block == 0)
		return false;
	pos->block--;
	pos->row = layout_block_rows(l, pos->block) - 1;
	return true;
}

size_t
layout_move(struct layout *l, struct layout_pos *pos, long n)
{
	size_t moved = 0;
	if (n >= 0) {
		while ((long)moved < n && layout_next_row(l, pos))
			moved++;
	} else {
		while ((long)moved < -n && layout_prev_row(l, pos))
			moved++;
	}
	return moved;
}

/* ---------------------------------------------------------- row cells */

void
layout_row_free(struct layout_row *row)
{
	free(row->cells);
	buf_free(&row->glyphs_);
	row->cells = NULL;
	row->cells_cap_ = 0;
	row->ncells = 0;
}

static struct layout_cell *
cell_add(struct layout_row *row)
{
	if (row->ncells == row->cells_cap_) {
		row->cells_cap_ = row->cells_cap_ ? row->cells_cap_ * 2 : 64;
		row->cells = xreallocarray(row->cells, row->cells_cap_, sizeof *row->cells);
	}
	return &row->cells[row->ncells++];
}

/* Readies the row's glyph storage for a write: reserved whole (room for
 * every glyph a row can store, glyphs_room_) at its first use, so that the
 * glyph pointers handed out stay put.  Most rows store none (their glyphs
 * are the text's own bytes) and so allocate nothing: the 23 rows of a
 * first screen had taken 47 KB of fresh memory, a page fault each 4 KB. */
static void
glyphs_ready(struct layout_row *row)
{
	if (row->glyphs_.len == 0)
		buf_reserve(&row->glyphs_, row->glyphs_room_);
}

/* Copies s into the row's glyph storage (earlier glyph pointers stay
 * valid). */
static const char *
glyph_store(struct layout_row *row, const char *s, size_t n)
{
	glyphs_ready(row);
	const char *p = row->glyphs_.data + row->glyphs_.len;
	buf_append(&row->glyphs_, s, n);
	return p;
}

static void
decoration(struct layout_row *row, int *col, const char *glyph, size_t len, int width,
	   unsigned attrs)
{
	if (width <= 0)
		return;
	struct layout_cell *c = cell_add(row);
	c->start = c->end = row->start;
	c->glyph = glyph;
	c->glyph_len = len;
	c->col = *col;
	c->width = width;
	c->attrs = attrs | LAYOUT_ATTR_DECORATION;
	*col += width;
}

static void
blank_cells(struct layout_row *row, int *col, int n, unsigned attrs)
{
	if (n <= 0)
		return;
	const char *g = (size_t)n < sizeof spaces ? spaces : NULL;
	if (!g) {
		glyphs_ready(row);
		g = row->glyphs_.data + row->glyphs_.len;
		for (int k = 0; k < n; k++)
			buf_putc(&row->glyphs_, ' ');
	}
	decoration(row, col, g, (size_t)n, n, attrs);
}

static void
bar_cells(const struct layout *l, struct layout_row *row, int *col, int bars)
{
	for (int k = 0; k < bars; k++)
		decoration(row, col, bar_glyph, sizeof bar_glyph - 1, l->bar_w,
			   LAYOUT_ATTR_QUOTE);
}

/* The decorations of st's first n containers (nest_style) on the block's
 * first row or on a later one; the blank columns of list levels next to
 * each other are one cell. */
static void
nest_cells(const struct layout *l, const struct style *st, size_t n, bool first,
	   struct layout_row *row, int *col, unsigned attrs)
{
	int blank = 0;
	for (size_t i = 0; i < n; i++) {
		const struct nest_deco *d = &st->deco[i];
		if (d->bar || (first && d->marker)) {
			blank_cells(row, col, blank, attrs);
			blank = 0;
		}
		if (d->bar) {
			decoration(row, col, bar_glyph, sizeof bar_glyph - 1, l->bar_w,
				   LAYOUT_ATTR_QUOTE);
		} else if (first && d->marker && d->ordered) {
			char num[24];
			int w = snprintf(num, sizeof num, "%u. ", d->number);
			decoration(row, col, glyph_store(row, num, (size_t)w), (size_t)w, w, attrs);
		} else if (first && d->marker) {
			decoration(row, col, bullet_glyph, sizeof bullet_glyph - 1, d->first_w, attrs);
		} else {
			blank += first ? d->first_w : d->rest_w;
		}
	}
	blank_cells(row, col, blank, attrs);
}

/* A cell of a ruby reading: it stands for no text, at the base's end. */
static void
ruby_cell(struct layout_row *row, int *col, size_t at, const char *glyph, size_t len,
	  int width, unsigned attrs)
{
	struct layout_cell *c = cell_add(row);
	c->start = c->end = at;
	c->glyph = glyph;
	c->glyph_len = len;
	c->col = *col;
	c->width = width;
	c->attrs = attrs | LAYOUT_ATTR_DECORATION;
	*col += width;
}

/* The first span that ends after `off` (spans are sorted and disjoint). */
static size_t
span_from(const struct doc *d, size_t off)
{
	size_t lo = 0, hi = doc_span_count(d);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc_span(d, mid)->end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The text cells of [start, end) from column `col`; tabs count from
 * `col0`, the first column of the text. */
static void
text_cells(struct layout *l, const struct doc_block *blk, const struct style *st,
	   int content, struct layout_row *row, size_t start, size_t end, int col0, int *col)
{
	const struct doc *d = l->doc;
	size_t nspans = doc_span_count(d);
	size_t sp = nspans ? span_from(d, start) : 0;
	/* Code rows (code_row) keep no room for readings. */
	size_t rk = l->nruby && !st->code ? ruby_from(l, start) : l->nruby;
	size_t i = start;
	while (i < end) {
		size_t j = cluster_end(l, blk->start, blk->end, i);
		int tcol = *col - col0;
		int w = cluster_cols(l, i, j, tcol, content);
		struct layout_cell *c = cell_add(row);
		c->start = i;
		c->end = j;
		c->col = *col;
		c->attrs = st->attrs;
		int32_t cp;
		size_t cplen = u8_decode(l->text, j, i, &cp);
		char ph[16];
		if (w > content) {
			c->glyph = too_wide_glyph;
			c->glyph_len = 1;
			w = 1;
			c->attrs |= LAYOUT_ATTR_PLACEHOLDER;
		} else if (cp == '\t' && cplen == j - i) {
			c->glyph = spaces;
			c->glyph_len = (size_t)w;
			c->attrs |= LAYOUT_ATTR_TAB;
		} else if (cp == '|' && st->kind == DOC_BLOCK_TABLE_ROW && is_cell_bar(blk, i)) {
			c->glyph = l->box_narrow ? cell_bar_glyph : "|";
			c->glyph_len = strlen(c->glyph);
			c->attrs |= LAYOUT_ATTR_CELL_SEP;
		} else if (cplen == j - i && cp >= 0x20 && cp < 0x7f) {
			c->glyph = l->text + i;
			c->glyph_len = 1;
		} else if (cplen == j - i && u8_placeholder(cp, ph)) {
			size_t n = strlen(ph);
			c->glyph = glyph_store(row, ph, n);
			c->glyph_len = n;
			c->attrs |= LAYOUT_ATTR_PLACEHOLDER;
		} else {
			c->glyph = l->text + i;
			c->glyph_len = j - i;
		}
		c->width = w;
		while (sp < nspans && doc_span(d, sp)->end <= i)
			sp++;
		if (sp < nspans && doc_span(d, sp)->start < j)
			c->attrs |= doc_span(d, sp)->attrs & LAYOUT_ATTR_DOC_MASK;
		*col += w;
		/* As flow_row: a plain space or LF carries no reading. */
		bool blank = j == i + 1 && (l->text[i] == ' ' || l->text[i] == '\n');
		i = j;
		int rw;
		const char *reading = rk < l->nruby && !blank
			? ruby_after(l, &rk, j, w, content, &rw) : NULL;
		if (reading) {
			unsigned ra = st->attrs | LAYOUT_ATTR_RUBY;
			size_t rlen = strlen(reading);
			ruby_cell(row, col, j, ruby_open_glyph, 1, 1, ra);
			ruby_cell(row, col, j, reading, rlen, rw - 2, ra);
			ruby_cell(row, col, j, ruby_close_glyph, 1, 1, ra);
		}
	}
}

/* Blank columns standing at text offset `at`. */
static void
pad_cells(struct layout_row *row, int *col, int n, unsigned attrs, size_t at)
{
	size_t pad = row->ncells;
	blank_cells(row, col, n, attrs);
	if (row->ncells > pad)
		row->cells[pad].start = row->cells[pad].end = at;
}

/* The row of an aligned table: each cell's text, padded to its column
 * as the column is aligned (padding before the text stands at the
 * cell's start, after it at its end), and the separators between them
 * (text_cells draws their bar as │). */
static void
table_cells(struct layout *l, const struct table_cols *t, const struct doc_block *blk,
	    const struct style *st, int content, struct layout_row *row, int col0, int *col)
{
	size_t n = row_ncells(blk);
	for (size_t k = 0; k < n; k++) {
		size_t s, e;
		int before, after;
		aligned_cell(l, t, blk, k, n, &s, &e, &before, &after);
		pad_cells(row, col, before, st->attrs, s);
		text_cells(l, blk, st, content, row, s, e, col0, col);
		pad_cells(row, col, after, st->attrs, e);
		if (k + 1 < n) {
			size_t next, next_end;
			row_cell(blk, k + 1, &next, &next_end);
			text_cells(l, blk, st, content, row, e, next, col0, col);
		}
	}
}

/* The rule under a table's header row, with a cross under each bar when
 * the table is aligned, else across the width. */
static void
header_rule(const struct layout *l, const struct table_cols *t, struct layout_row *row,
	    int *col)
{
	const char *dash = l->box_narrow ? rule_glyph : "-";
	const char *cross = l->box_narrow ? cell_cross_glyph : "+";
	size_t dlen = strlen(dash), xlen = strlen(cross);
	glyphs_ready(row);
	const char *p = row->glyphs_.data + row->glyphs_.len;
	size_t start = row->glyphs_.len;
	int w = 0;
	if (t->aligned) {
		for (size_t k = 0; k < t->ncols; k++) {
			int n = t->colw[k] + (k > 0) + (k + 1 < t->ncols);
			for (int m = 0; m < n; m++)
				buf_append(&row->glyphs_, dash, dlen);
			w += n;
			if (k + 1 < t->ncols) {
				buf_append(&row->glyphs_, cross, xlen);
				w++;
			}
		}
	} else {
		for (; w < l->width - *col; w++)
			buf_append(&row->glyphs_, dash, dlen);
	}
	decoration(row, col, p, row->glyphs_.len - start, w,
		   LAYOUT_ATTR_TABLE | LAYOUT_ATTR_RULE);
}

static void
fill_row(struct layout *l, struct block_rows *e, size_t r, struct layout_row *row)
{
	const struct doc_block *blk = doc_block(l->doc, e->block);
	struct style st;
	block_style(l, e->block, &st);
	size_t sep = e->separator ? 1 : 0;

	row->pos.block = e->block;
	row->pos.row = r;
	row->ncells = 0;
	buf_clear(&row->glyphs_);
	/* Every glyph the row stores fits in this (glyphs_ready), so
	   pointers stay put. */
	row->glyphs_room_ = (size_t)l->width * 20 + 64;
	int col = 0;

	if (r < sep) {
		int bars;
		block_separator(l, e->block, &bars);
		row->start = row->text_end = row->end = blk->start;
		row->flags = LAYOUT_ROW_BLANK;
		bool rule = blk->kind == DOC_BLOCK_TABLE_ROW && e->block > 0 &&
			is_table_row(l, e->block - 1);
		if (st.ndeco > 0) {
			/* The containers both blocks are in go on: their bars
			   (and, under a table rule, their indent). */
			size_t n = nest_shared(doc_block(l->doc, e->block - 1)->nest, blk->nest);
			if (n > st.ndeco)
				n = st.ndeco;
			while (!rule && n > 0 && !st.deco[n - 1].bar)
				n--;
			nest_cells(l, &st, n, false, row, &col,
				   st.attrs & ~(unsigned)LAYOUT_ATTR_HEADING);
		} else {
			bar_cells(l, row, &col, bars);
		}
		if (rule)
			header_rule(l, table_get(l, e->block), row, &col);
		row->width = col;
		return;
	}
	size_t k = r - sep;
	const struct row_info *ri = &e->rows[k];
	row->start = ri->start;
	row->text_end = ri->text_end;
	row->end = k + 1 < e->nrows ? e->rows[k + 1].start : e->resume;
	row->flags = ri->flags;
	if (k == 0)
		row->flags |= LAYOUT_ROW_FIRST;
	if (e->complete && k + 1 == e->nrows)
		row->flags |= LAYOUT_ROW_LAST;

	unsigned deco = st.attrs & ~(unsigned)LAYOUT_ATTR_HEADING;
	bar_cells(l, row, &col, st.bars);
	if (st.ndeco > 0) {
		nest_cells(l, &st, st.ndeco, k == 0, row, &col, deco);
	} else if (k == 0) {
		blank_cells(row, &col, st.indent, deco);
		if (st.bullet) {
			/* "N. " lives in st: copy it into the row. */
			const char *g = st.bullet == st.number
				? glyph_store(row, st.number, st.bullet_len) : st.bullet;
			decoration(row, &col, g, st.bullet_len, st.bullet_w, deco);
		}
	} else {
		blank_cells(row, &col, st.hang, deco);
	}
	int content = k == 0 ? st.content_first : st.content_rest;
	if (st.rule) {
		int n = content >= l->rule_w ? content / l->rule_w : content;
		const char *g = content >= l->rule_w ? rule_glyph : "-";
		size_t glen = strlen(g);
		glyphs_ready(row);
		const char *p = row->glyphs_.data + row->glyphs_.len;
		for (int m = 0; m < n; m++)
			buf_append(&row->glyphs_, g, glen);
		decoration(row, &col, p, glen * (size_t)n,
			   n * (content >= l->rule_w ? l->rule_w : 1), LAYOUT_ATTR_RULE);
		row->width = col;
		return;
	}
	int col0 = col;
	if (st.kind == DOC_BLOCK_TABLE_ROW && table_get(l, e->block)->aligned) {
		table_cells(l, table_get(l, e->block), blk, &st, content, row, col0, &col);
		row->width = col;
		return;
	}
	text_cells(l, blk, &st, content, row, ri->start, ri->text_end, col0, &col);
	if (ri->flags & LAYOUT_ROW_CUT) {
		blank_cells(row, &col, col0 + content - l->cut_w - col, deco);
		decoration(row, &col, cut_glyph, sizeof cut_glyph - 1, l->cut_w,
			   deco | LAYOUT_ATTR_CUT);
	}
	row->width = col;
}

bool
layout_get_row(struct layout *l, struct layout_pos pos, struct layout_row *row)
{
	if (pos.block >= l->nblocks)
		return false;
	struct block_rows *e = entry_get(l, pos.block);
	/* One row more, to know whether this one is the last. */
	if (!entry_has_row(l, e, pos.row))
		return false;
	entry_has_row(l, e, pos.row + 1);
	fill_row(l, e, pos.row, row);
	return true;
}

/* The row of e (laid out as far as off) that holds off. */
static size_t
entry_row_at(struct layout *l, struct block_rows *e, size_t off)
{
	entry_extend(l, e, 1, off);
	size_t lo = 0, hi = e->nrows;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->rows[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (e->separator ? 1 : 0);
}

struct layout_pos
layout_pos_at(struct layout *l, size_t off, int *col)
{
	struct layout_pos pos = { 0, 0 };
	if (col)
		*col = 0;
	if (l->nblocks == 0)
		return pos;
	size_t b = doc_block_at(l->doc, off);
	if (b >= l->nblocks)
		b = l->nblocks - 1;
	const struct doc_block *blk = doc_block(l->doc, b);
	if (off < blk->start)
		off = blk->start;
	if (off > blk->end)
		off = blk->end;
	struct block_rows *e = entry_get(l, b);
	pos.block = b;
	pos.row = entry_row_at(l, e, off);
	if (!col)
		return pos;
	layout_get_row(l, pos, &l->scratch);
	const struct layout_row *row = &l->scratch;
	*col = row->width;
	for (size_t k = 0; k < row->ncells; k++) {
		const struct layout_cell *c = &row->cells[k];
		if (c->attrs & LAYOUT_ATTR_CUT) {
			*col = c->col;
			break;
		}
		if (c->start < c->end && c->start <= off && off < c->end) {
			*col = c->col;
			break;
		}
	}
	if (*col == row->width && !(row->flags & LAYOUT_ROW_CUT)) {
		/* Not shown: just after the last text cell. */
		for (size_t k = row->ncells; k-- > 0;) {
			const struct layout_cell *c = &row->cells[k];
			if (c->start < c->end) {
				*col = c->col + c->width;
				break;
			}
		}
	}
	return pos;
}

size_t
layout_offset_at(struct layout *l, struct layout_pos pos, int col)
{
	if (!layout_get_row(l, pos, &l->scratch))
		return l->text_len;
	const struct layout_row *row = &l->scratch;
	if (row->flags & LAYOUT_ROW_BLANK)
		return row->start;
	bool before = true;
	for (size_t k = 0; k < row->ncells; k++) {
		const struct layout_cell *c = &row->cells[k];
		if (c->start == c->end) {
			/* A reading's columns stand for the end of its base. */
			if ((c->attrs & (LAYOUT_ATTR_RUBY | LAYOUT_ATTR_TABLE)) &&
			    col >= c->col && col < c->col + c->width)
				return c->start;
			continue;
		}
		if (before && col < c->col)
			return c->start;
		before = false;
		if (c->width > 0 && col >= c->col && col < c->col + c->width)
			return c->start;
	}
	return row->text_end;
}

size_t
layout_cached_rows(const struct layout *l)
{
	return l->cached_rows;
}

size_t
layout_row_offset(struct layout *l, struct layout_pos pos)
{
	if (pos.block >= l->nblocks)
		return l->text_len;
	struct block_rows *e = entry_get(l, pos.block);
	if (!entry_has_row(l, e, pos.row))
		return l->text_len;
	size_t sep = e->separator ? 1 : 0;
	if (pos.row < sep)
		return doc_block(l->doc, pos.block)->start;
	return e->rows[pos.row - sep].start;
}

/* ------------------------------------------------------------------ dump */

struct mark_state {
	const struct layout_mark *marks;
	size_t n, next;
	size_t *open;      /* indices of open marks */
	size_t nopen;
};

static void
marks_close(struct mark_state *ms, size_t upto, struct buf *out)
{
	size_t keep = 0;
	for (size_t k = 0; k < ms->nopen; k++) {
		if (ms->marks[ms->open[k]].end <= upto) {
			buf_puts(out, "]]");
			if (ms->marks[ms->open[k]].after)
				buf_puts(out, ms->marks[ms->open[k]].after);
		} else
			ms->open[keep++] = ms->open[k];
	}
	ms->nopen = keep;
}

static void
dump_row(const struct layout_row *row, unsigned flags, struct mark_state *ms,
	 struct buf *out)
{
	if (flags & LAYOUT_DUMP_OFFSETS)
		buf_printf(out, "%zu-%zu\t", row->start, row->end);
	size_t line_start = out->len;
	for (size_t k = 0; k < row->ncells; k++) {
		const struct layout_cell *c = &row->cells[k];
		bool text = c->start < c->end;
		if (text) {
			/* Marks that begin in this cell (or began in text not
			 * shown before it). */
			while (ms->next < ms->n && ms->marks[ms->next].start < c->end) {
				if (ms->marks[ms->next].end > c->start) {
					buf_puts(out, "[[");
					ms->open[ms->nopen++] = ms->next;
				}
				ms->next++;
			}
		}
		buf_append(out, c->glyph, c->glyph_len);
		if (text && ms->nopen)
			marks_close(ms, c->end, out);
	}
	while (out->len > line_start && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->data)   /* NULL while nothing was written (a first row with no cells) */
		out->data[out->len] = '\0';
	if (ms->nopen) {
		size_t upto = row->end + ((row->flags & LAYOUT_ROW_LAST) ? 1 : 0);
		marks_close(ms, upto, out);
	}
	if ((flags & LAYOUT_DUMP_FORCED) && (row->flags & LAYOUT_ROW_FORCED))
		buf_puts(out, "\tforced");
	if ((flags & LAYOUT_DUMP_FORCED) && (row->flags & LAYOUT_ROW_CUT))
		buf_puts(out, "\tcut");
	buf_putc(out, '\n');
}

void
layout_dump(struct layout *l, size_t from, unsigned flags,
	    const struct layout_mark *marks, size_t nmarks, struct buf *out)
{
	if (l->nblocks == 0)
		return;
	struct mark_state ms = { marks, marks ? nmarks : 0, 0, NULL, 0 };
	if (ms.n)
		ms.open = xcalloc(ms.n, sizeof *ms.open);
	struct layout_pos pos;
	pos.block = doc_block_at(l->doc, from);
	if (pos.block >= l->nblocks)
		pos.block = l->nblocks - 1;
	struct block_rows *e = entry_get(l, pos.block);
	pos.row = e->separator ? 1 : 0;
	struct layout_row row = LAYOUT_ROW_INIT;
	do {
		if (!layout_get_row(l, pos, &row))
			break;
		dump_row(&row, flags, &ms, out);
	} while (layout_next_row(l, &pos));
	marks_close(&ms, SIZE_MAX, out);
	layout_row_free(&row);
	free(ms.open);
}
