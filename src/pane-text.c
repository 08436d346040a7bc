/* pane-text: the article, as layout cuts it, with headings, annotations
 * and search matches styled.  It owns the reading position: the row at
 * the top, kept as a text offset (the anchor) so that a new width shows
 * the same text at the top.
 *
 * Built for slow links: a scroll of a few rows moves the window's
 * contents (ui_win_scroll, so ncurses can use the terminal's scrolling
 * region when the pane is as wide as the screen) and paints only the
 * rows that came free. */
#include "config.h"

#include "gloss/pane.h"
#include "gloss/u8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct text_priv {
	struct layout_pos top;     /* the first row shown */
	size_t anchor;             /* the offset kept at the top */
	int margin;                /* blank columns left and right */
	/* Rows scrolled since the last draw, when nothing else changed. */
	long scrolled;
	bool drawn;                /* the window shows top - scrolled */
	struct layout_row *rows;   /* the rows on screen, fetched each draw */
	bool *have;
	int rows_cap;
	bool follow;               /* the view follows the cursor at the next draw */
};

/* ------------------------------------------------------------- helpers */

int
pane_put_clipped(struct ui_win *w, int y, int x, const char *s, size_t n, int max_w,
		 enum ui_style style)
{
	if (max_w <= 0)
		return 0;
	struct buf safe = BUF_INIT;
	u8_safe(&safe, s, n);
	const char *ell = pane_glyph("\xE2\x80\xA6", "~");
	int total = (int)u8_str_width(safe.data ? safe.data : "", safe.len);
	int used;
	if (total <= max_w) {
		used = ui_put_text(w, y, x, safe.data ? safe.data : "", safe.len, max_w, style);
	} else {
		used = ui_put_text(w, y, x, safe.data, safe.len, max_w - 1, style);
		used += ui_put_text(w, y, x + used, ell, strlen(ell), 1, style);
	}
	buf_free(&safe);
	return used;
}

const char *
pane_glyph(const char *fancy, const char *plain)
{
	return u8_ambiguous_width() == 1 ? fancy : plain;
}

size_t
pane_first_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? (size_t)(nl - s) : strlen(s);
}

bool
pane_selection(const struct pane_shared *sh, size_t *start, size_t *end)
{
	if (!sh->selecting || !sh->doc)
		return false;
	size_t len;
	const char *text = doc_text(sh->doc, &len);
	size_t lo = sh->sel_anchor < sh->cursor ? sh->sel_anchor : sh->cursor;
	size_t hi = sh->sel_anchor < sh->cursor ? sh->cursor : sh->sel_anchor;
	if (hi >= len)
		return false;
	*start = lo;
	*end = u8_next_cluster(text, len, hi);
	return *end > *start;
}

/* ------------------------------------------- the annotations by place */

static int
order_cmp(const void *x, const void *y, const struct pane_annot *annots)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	if (annots[i].start != annots[j].start)
		return annots[i].start < annots[j].start ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* qsort has no context argument in C11: the list being indexed. */
static const struct pane_annot *sorting;

static int
order_cmp_qsort(const void *x, const void *y)
{
	return order_cmp(x, y, sorting);
}

void
pane_annot_index_free(struct pane_annot_index *ix)
{
	free(ix->order);
	free(ix->max_end);
	memset(ix, 0, sizeof *ix);
	ix->root_level = -1;
}

void
pane_annot_index_build(struct pane_annot_index *ix, const struct pane_annot *annots, size_t n)
{
	pane_annot_index_free(ix);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += annots[i].placed;
	ix->list_order = true;
	if (!m)
		return;
	ix->order = xreallocarray(NULL, m, sizeof *ix->order);
	ix->max_end = xreallocarray(NULL, m, sizeof *ix->max_end);
	for (size_t i = 0; i < n; i++)
		if (annots[i].placed) {
			if (ix->n && annots[ix->order[ix->n - 1]].start > annots[i].start)
				ix->list_order = false;
			ix->order[ix->n++] = i;
		}
	if (!ix->list_order) {
		sorting = annots;
		qsort(ix->order, m, sizeof *ix->order, order_cmp_qsort);
		sorting = NULL;
	}
	/* The implicit tree: the leaves are the even positions; a node at
	   level k has its k low bits set and bit k clear, its children at
	   ±2^(k-1).  Each node keeps the largest end below it; a child past
	   the end of the array stands for the last real subtree (`last`). */
	size_t last_i = 0, last = 0;
	for (size_t i = 0; i < m; i += 2) {
		last_i = i;
		last = ix->max_end[i] = annots[ix->order[i]].end;
	}
	int k;
	for (k = 1; ((size_t)1 << k) <= m; k++) {
		size_t x = (size_t)1 << (k - 1), i0 = (x << 1) - 1, step = x << 2;
		for (size_t i = i0; i < m; i += step) {
			size_t el = ix->max_end[i - x];
			size_t er = i + x < m ? ix->max_end[i + x] : last;
			size_t e = annots[ix->order[i]].end;
			e = e > el ? e : el;
			ix->max_end[i] = e > er ? e : er;
		}
		last_i = (last_i >> k & 1) ? last_i - x : last_i + x;
		if (last_i < m && ix->max_end[last_i] > last)
			last = ix->max_end[last_i];
	}
	ix->root_level = k - 1;
}

size_t
pane_annot_lower_bound(const struct pane_shared *sh, size_t off)
{
	const struct pane_annot_index *ix = &sh->annot_index;
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sh->annots[ix->order[mid]].start < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
pane_annot_overlapping(const struct pane_shared *sh, size_t from, size_t to,
		       bool (*visit)(const struct pane_shared *sh, size_t i, void *ctx), void *ctx)
{
	const struct pane_annot_index *ix = &sh->annot_index;
	if (!ix->n || ix->root_level < 0)
		return (size_t)-1;
	const struct pane_annot *an = sh->annots;
	const size_t *ord = ix->order;
	size_t n = ix->n;
	/* In order (left subtree, node, right subtree), skipping a left
	   subtree that ends before `from` and a right one that starts at or
	   after `to`; a small subtree is scanned. */
	struct {
		size_t x;
		int k, w;
	} stack[2 * (int)(sizeof(size_t) * 8) + 2];
	int t = 0;
	stack[t].k = ix->root_level;
	stack[t].x = ((size_t)1 << ix->root_level) - 1;
	stack[t++].w = 0;
	while (t) {
		int zk = stack[t - 1].k, zw = stack[t - 1].w;
		size_t zx = stack[--t].x;
		if (zk <= 3) {
			size_t i0 = zx >> zk << zk, i1 = i0 + ((size_t)1 << (zk + 1)) - 1;
			if (i1 > n)
				i1 = n;
			for (size_t i = i0; i < i1 && an[ord[i]].start < to; i++)
				if (from < an[ord[i]].end && visit(sh, ord[i], ctx))
					return ord[i];
		} else if (zw == 0) {
			size_t y = zx - ((size_t)1 << (zk - 1));
			stack[t].k = zk;
			stack[t].x = zx;
			stack[t++].w = 1;
			if (y >= n || ix->max_end[y] > from) {
				stack[t].k = zk - 1;
				stack[t].x = y;
				stack[t++].w = 0;
			}
		} else if (zx < n && an[ord[zx]].start < to) {
			if (from < an[ord[zx]].end && visit(sh, ord[zx], ctx))
				return ord[zx];
			stack[t].k = zk - 1;
			stack[t].x = zx + ((size_t)1 << (zk - 1));
			stack[t++].w = 0;
		}
	}
	return (size_t)-1;
}

/* pane_annot_at's visitor: keeps the shortest (the first of equals in
 * the list) that is not hidden. */
static bool
keep_innermost(const struct pane_shared *sh, size_t i, void *ctx)
{
	size_t *best = ctx;
	const struct pane_annot *an = &sh->annots[i];
	if (sh->hide_others && !an->mine)
		return false;
	if (*best == (size_t)-1)
		*best = i;
	else {
		const struct pane_annot *b = &sh->annots[*best];
		size_t len = an->end - an->start, blen = b->end - b->start;
		if (len < blen || (len == blen && i < *best))
			*best = i;
	}
	return false;
}

size_t
pane_annot_at(const struct pane_shared *sh, size_t off)
{
	size_t best = (size_t)-1;
	if (off < SIZE_MAX)
		pane_annot_overlapping(sh, off, off + 1, keep_innermost, &best);
	return best;
}

bool
pane_annot_visible(const struct pane_shared *sh, const struct pane_annot *an)
{
	const struct store_annotation *a = an->a;
	if (sh->hide_others && !an->mine)
		return false;
	if (sh->filter_style && an->style != sh->filter_style)
		return false;
	if (sh->filter_status_set && a->status != sh->filter_status)
		return false;
	if (sh->filter_author && (!a->author || strcmp(a->author, sh->filter_author) != 0))
		return false;
	if (sh->filter_tag) {
		bool has = false;
		for (size_t i = 0; i < a->tag_count && !has; i++)
			has = strcmp(a->tags[i], sh->filter_tag) == 0;
		if (!has)
			return false;
	}
	return true;
}

enum ui_style
pane_author_style(const char *author)
{
	return (enum ui_style)(UI_AUTHOR0 + ui_author_colour(author));
}

static int
pos_cmp(struct layout_pos a, struct layout_pos b)
{
	if (a.block != b.block)
		return a.block < b.block ? -1 : 1;
	if (a.row != b.row)
		return a.row < b.row ? -1 : 1;
	return 0;
}

/* --------------------------------------------------------- the position */

static void
sync_width(struct pane *p)
{
	struct text_priv *t = p->priv;
	struct layout *l = p->sh->layout;
	t->margin = p->w >= 30 ? 1 : 0;
	int want = p->w - 2 * t->margin;
	if (want < 1)
		want = 1;
	if (layout_width(l) != want) {
		layout_set_width(l, want);
		t->top = layout_pos_at(l, t->anchor, NULL);
		t->drawn = false;
		p->dirty = true;
	}
}

/* The lowest the top may go: the last row at the bottom of the pane. */
static struct layout_pos
max_top(struct pane *p)
{
	struct layout_pos pos = { 0, 0 };
	if (!layout_last(p->sh->layout, &pos))
		return pos;
	layout_move(p->sh->layout, &pos, -(long)(p->h > 1 ? p->h - 1 : 0));
	return pos;
}

static void
publish(struct pane *p)
{
	struct text_priv *t = p->priv;
	p->sh->top = t->anchor;
}

/* Scrolls by n rows (up when n < 0), never past the ends; returns the
 * rows moved (signed). */
static long
scroll_by(struct pane *p, long n)
{
	struct text_priv *t = p->priv;
	struct layout *l = p->sh->layout;
	struct layout_pos pos = t->top, limit = max_top(p);
	long moved = 0;
	if (n > 0) {
		while (moved < n && pos_cmp(pos, limit) < 0 && layout_next_row(l, &pos))
			moved++;
	} else {
		while (moved > n && layout_prev_row(l, &pos))
			moved--;
	}
	if (moved == 0)
		return 0;
	t->top = pos;
	t->anchor = layout_row_offset(l, pos);
	t->scrolled += moved;
	publish(p);
	return moved;
}

static void
text_select(struct pane *p, size_t offset)
{
	struct text_priv *t = p->priv;
	struct layout *l = p->sh->layout;
	sync_width(p);
	size_t len = doc_length(p->sh->doc);
	if (offset > len)
		offset = len;
	t->anchor = offset;
	t->top = layout_pos_at(l, offset, NULL);
	/* A jump shows its target at the top, as less does, even near the
	   end; the end itself (G) shows the last page full. */
	struct layout_pos limit = max_top(p);
	if (offset >= len && pos_cmp(t->top, limit) > 0) {
		t->top = limit;
		t->anchor = layout_row_offset(l, limit);
	}
	p->dirty = true;
	publish(p);
}

/* ------------------------------------------------------------ open/close */

static void
text_open(struct pane *p)
{
	struct text_priv *t = xcalloc(1, sizeof *t);
	p->priv = t;
}

static void
free_rows(struct text_priv *t)
{
	for (int i = 0; i < t->rows_cap; i++)
		layout_row_free(&t->rows[i]);
	free(t->rows);
	free(t->have);
	t->rows = NULL;
	t->have = NULL;
	t->rows_cap = 0;
}

static void
text_close(struct pane *p)
{
	struct text_priv *t = p->priv;
	if (!t)
		return;
	free_rows(t);
	free(t);
	p->priv = NULL;
}

static void
text_reload(struct pane *p)
{
	struct text_priv *t = p->priv;
	t->anchor = 0;
	t->top.block = t->top.row = 0;
	t->drawn = false;
	t->follow = false;
	p->sh->cursor = 0;
	p->sh->cursor_shown = false;
	p->sh->selecting = false;
	p->dirty = true;
	publish(p);
}

/* ---------------------------------------------------------------- draw */

static enum ui_style
cell_style(const struct pane *p, const struct layout_row *row, const struct layout_cell *c)
{
	unsigned a = c->attrs;
	if (a & LAYOUT_ATTR_PLACEHOLDER)
		return UI_PLACEHOLDER;
	if (a & (LAYOUT_ATTR_DECORATION | LAYOUT_ATTR_CELL_SEP))
		return UI_BORDER;
	if (a & LAYOUT_ATTR_HEADING) {
		const struct outline *o = p->sh->outline;
		size_t e = outline_section_at(o, row->start);
		if (e != (size_t)-1 && outline_entry(o, e)->level == 1 &&
		    outline_entry(o, e)->block == row->pos.block)
			return UI_TITLE;
		return UI_HEADING;
	}
	if (a & (LAYOUT_ATTR_CODE_SPAN | LAYOUT_ATTR_CODE_BLOCK))
		return UI_CODE;
	if (a & LAYOUT_ATTR_LINK)
		return UI_LINK;
	if (a & LAYOUT_ATTR_STRONG)
		return UI_STRONG;
	if (a & LAYOUT_ATTR_EM)
		return UI_EM;
	return UI_NORMAL;
}

struct overlays {
	struct search_match *matches;
	size_t nmatches;
	bool has_sel;
	size_t sel_start, sel_end;
	/* The annotations on the row being painted (paint_row), so that a
	   cell looks among those few: [row_from, row_to) is the row. */
	const size_t *row_annots;
	size_t nrow_annots, row_from, row_to;
};

/* pane_annot_overlapping's visitor for a row: collects into a buf. */
static bool
collect_annot(const struct pane_shared *sh, size_t i, void *ctx)
{
	(void)sh;
	buf_append(ctx, &i, sizeof i);
	return false;
}

/* pane_annot_at among the row's annotations (the same answer: the
 * shortest, the first of equals in the list). */
static size_t
row_annot_at(const struct pane_shared *sh, const struct overlays *ov, size_t off)
{
	if (off < ov->row_from || off >= ov->row_to)
		return pane_annot_at(sh, off);
	size_t best = (size_t)-1;
	for (size_t k = 0; k < ov->nrow_annots; k++) {
		size_t i = ov->row_annots[k];
		const struct pane_annot *an = &sh->annots[i];
		if (off < an->start || off >= an->end || (sh->hide_others && !an->mine))
			continue;
		if (best == (size_t)-1)
			best = i;
		else {
			size_t len = an->end - an->start;
			size_t blen = sh->annots[best].end - sh->annots[best].start;
			if (len < blen || (len == blen && i < best))
				best = i;
		}
	}
	return best;
}

/* The mark in the left margin of a row where an annotation with a note
 * or a reply starts in [from, to): 1, or 2 when one of them is new (or
 * has new replies); 0 for none. */
static int
note_starts_in(const struct pane_shared *sh, size_t from, size_t to)
{
	int mark = 0;
	const struct pane_annot_index *ix = &sh->annot_index;
	for (size_t k = pane_annot_lower_bound(sh, from); k < ix->n; k++) {
		const struct pane_annot *an = &sh->annots[ix->order[k]];
		if (an->start >= to)
			break;
		if (sh->hide_others && !an->mine)
			continue;
		if (an->is_new || an->new_replies)
			return 2;
		if ((an->a->note && *an->a->note) || an->replies)
			mark = 1;
	}
	return mark;
}

static enum ui_style
overlay_style(const struct pane *p, const struct overlays *ov, const struct layout_cell *c,
	      enum ui_style base)
{
	if (c->start == c->end)
		return base;
	const struct pane_shared *sh = p->sh;
	enum ui_style s = base;
	/* Selecting: the cursor (the moving end), then the selection; else
	   the current search match shows over the cursor that sits on it. */
	bool on_cursor = sh->cursor_shown && c->start <= sh->cursor && sh->cursor < c->end;
	if (on_cursor && ov->has_sel)
		return UI_CURSOR;
	if (ov->has_sel && ov->sel_start <= c->start && c->start < ov->sel_end)
		return UI_SELECTION;
	if (sh->has_current_match && sh->current_match.start <= c->start &&
	    c->start < sh->current_match.end)
		return UI_SEARCH_CURRENT;
	if (on_cursor)
		return UI_CURSOR;
	/* Overlaps: the innermost (shortest) annotation shows. */
	size_t in = row_annot_at(sh, ov, c->start);
	if (in != (size_t)-1) {
		/* The reader's own in their style, a colleague's in the
		   author's colour. */
		const struct pane_annot *an = &sh->annots[in];
		int st = an->style;
		if (an->mine)
			s = (enum ui_style)(UI_HL1 + (st >= 1 && st <= 5 ? st : 1) - 1);
		else
			s = (enum ui_style)(UI_OTHER0 + ui_author_colour(an->a->author));
	}
	for (size_t i = 0; i < ov->nmatches; i++) {
		const struct search_match *m = &ov->matches[i];
		if (m->start <= c->start && c->start < m->end) {
			bool current = sh->has_current_match && sh->current_match.start == m->start;
			return current ? UI_SEARCH_CURRENT : UI_SEARCH;
		}
	}
	return s;
}

static void
paint_row(struct pane *p, int y, const struct overlays *ov)
{
	struct text_priv *t = p->priv;
	ui_win_clear_eol(p->win, y, 0, UI_NORMAL);
	if (!t->have[y]) {
		/* Past the end of the article, as in vi and less. */
		ui_put_text(p->win, y, 0, "~", 1, 1, UI_DIM);
		return;
	}
	const struct layout_row *row = &t->rows[y];
	/* A blank row between blocks stands at the next block's start: it
	   gets no mark (the block's first row has it). */
	int mark = t->margin && row->end > row->start ? note_starts_in(p->sh, row->start, row->end)
						       : 0;
	if (mark == 1) {
		const char *glyph = pane_glyph("\xE2\x96\x8C", "*");   /* ▌ */
		ui_put_text(p->win, y, 0, glyph, strlen(glyph), 1, UI_MARGIN);
	} else if (mark == 2) {
		/* Something new from a colleague starts on this row. */
		ui_put_text(p->win, y, 0, "+", 1, 1, UI_NEW);
	}
	/* The annotations on this row, found once (not per cell). */
	struct overlays rov = *ov;
	struct buf on_row = BUF_INIT;
	if (row->end > row->start)
		pane_annot_overlapping(p->sh, row->start, row->end, collect_annot, &on_row);
	rov.row_annots = (const size_t *)(void *)on_row.data;
	rov.nrow_annots = on_row.len / sizeof(size_t);
	rov.row_from = row->start;
	rov.row_to = row->end;
	for (size_t i = 0; i < row->ncells; i++) {
		const struct layout_cell *c = &row->cells[i];
		if (c->width <= 0)
			continue;
		enum ui_style s = overlay_style(p, &rov, c, cell_style(p, row, c));
		int x = t->margin + c->col;
		if (c->attrs & LAYOUT_ATTR_TAB) {
			for (int k = 0; k < c->width; k++)
				ui_put_cluster(p->win, y, x + k, " ", 1, 1, s);
		} else if (c->attrs & (LAYOUT_ATTR_DECORATION | LAYOUT_ATTR_PLACEHOLDER)) {
			ui_put_text(p->win, y, x, c->glyph, c->glyph_len, c->width, s);
		} else {
			ui_put_cluster(p->win, y, x, c->glyph, c->glyph_len, c->width, s);
		}
	}
	buf_free(&on_row);
}

static void
fetch_rows(struct pane *p)
{
	struct text_priv *t = p->priv;
	struct layout *l = p->sh->layout;
	if (t->rows_cap < p->h) {
		free_rows(t);
		t->rows = xcalloc((size_t)p->h, sizeof *t->rows);
		t->have = xcalloc((size_t)p->h, sizeof *t->have);
		t->rows_cap = p->h;
	}
	struct layout_pos pos = t->top;
	bool more = true;
	for (int y = 0; y < p->h; y++) {
		t->have[y] = more && layout_get_row(l, pos, &t->rows[y]);
		more = t->have[y] && layout_next_row(l, &pos);
	}
	p->sh->at_end = !more;
	/* The end of the last row shown, for the position in %. */
	size_t bottom = t->anchor;
	for (int y = p->h - 1; y >= 0; y--)
		if (t->have[y]) {
			bottom = t->rows[y].end;
			break;
		}
	p->sh->bottom = p->sh->at_end ? doc_length(p->sh->doc) : bottom;
}

/* Brings the cursor into view (after a motion), or the cursor to the
 * view (after a scroll). */
static void
follow_cursor(struct pane *p)
{
	struct text_priv *t = p->priv;
	struct layout *l = p->sh->layout;
	struct pane_shared *sh = p->sh;
	if (!sh->cursor_shown)
		return;
	struct layout_pos cpos = layout_pos_at(l, sh->cursor, NULL);
	if (t->follow || sh->follow) {
		t->follow = false;
		sh->follow = false;
		if (pos_cmp(cpos, t->top) < 0) {
			t->top = cpos;
		} else {
			struct layout_pos pos = t->top;
			int y = 0;
			while (y < p->h && pos_cmp(pos, cpos) < 0 && layout_next_row(l, &pos))
				y++;
			if (y < p->h)
				return;
			t->top = cpos;
			layout_move(l, &t->top, -(long)(p->h > 1 ? p->h - 1 : 0));
		}
		t->anchor = layout_row_offset(l, t->top);
		t->drawn = false;
		p->dirty = true;
		publish(p);
		return;
	}
	if (sh->selecting)
		return;
	/* Scrolled away: the cursor comes along to the nearest row shown. */
	if (pos_cmp(cpos, t->top) < 0) {
		sh->cursor = layout_row_offset(l, t->top);
		p->dirty = true;
	} else {
		struct layout_pos pos = t->top, last = t->top;
		int y = 0;
		while (y < p->h - 1 && layout_next_row(l, &pos)) {
			last = pos;
			y++;
		}
		if (pos_cmp(cpos, last) > 0) {
			sh->cursor = layout_row_offset(l, last);
			p->dirty = true;
		}
	}
}

static void
text_draw(struct pane *p)
{
	struct text_priv *t = p->priv;
	if (!p->win || p->h <= 0)
		return;
	sync_width(p);
	follow_cursor(p);
	fetch_rows(p);
	publish(p);
	int from = 0, to = p->h;
	if (!p->dirty && t->drawn && t->scrolled != 0 && labs(t->scrolled) < p->h) {
		/* Only a scroll since the last draw: move the rows, paint the
		   ones that came free. */
		ui_win_scroll(p->win, (int)t->scrolled);
		if (t->scrolled > 0)
			from = p->h - (int)t->scrolled;
		else
			to = (int)-t->scrolled;
	} else if (!p->dirty && t->drawn && t->scrolled == 0) {
		return;
	}
	struct overlays ov = { 0 };
	size_t start = SIZE_MAX, end = 0;
	for (int y = from; y < to; y++)
		if (t->have[y]) {
			if (t->rows[y].start < start)
				start = t->rows[y].start;
			if (t->rows[y].end > end)
				end = t->rows[y].end;
		}
	if (start < end && p->sh->search && search_has_query(p->sh->search))
		search_matches_in(p->sh->search, start, end, &ov.matches, &ov.nmatches);
	ov.has_sel = pane_selection(p->sh, &ov.sel_start, &ov.sel_end);
	for (int y = from; y < to; y++)
		paint_row(p, y, &ov);
	free(ov.matches);
	t->scrolled = 0;
	t->drawn = true;
	p->dirty = false;
}

/* ------------------------------------------------------------- actions */

/* The cursor appears where the reader looks: at the top of the view
 * unless it is on screen already. */
static void
show_cursor(struct pane *p)
{
	struct pane_shared *sh = p->sh;
	if (!sh->cursor_shown) {
		sh->cursor_shown = true;
		if (sh->cursor < sh->top || sh->cursor >= sh->bottom)
			sh->cursor = sh->top;
	}
}

static void
moved_cursor(struct pane *p)
{
	struct text_priv *t = p->priv;
	t->follow = true;
	p->dirty = true;
}

static enum action
text_handle(struct pane *p, enum action a, long count, bool counted)
{
	(void)counted;
	sync_width(p);
	long page = p->h > 1 ? p->h - 1 : 1;
	long half = p->h / 2 > 0 ? p->h / 2 : 1;
	switch (a) {
	case ACTION_LINE_DOWN:
	case ACTION_LINE_UP:
		if (p->sh->selecting) {
			/* Selecting: the cursor moves a row, keeping its column. */
			int col = 0;
			struct layout *l = p->sh->layout;
			struct layout_pos pos = layout_pos_at(l, p->sh->cursor, &col);
			layout_move(l, &pos, a == ACTION_LINE_DOWN ? count : -count);
			size_t off = layout_offset_at(l, pos, col);
			size_t len;
			const char *text = doc_text(p->sh->doc, &len);
			if (off >= len && len)
				off = u8_prev_cluster(text, len, len);
			p->sh->cursor = off;
			moved_cursor(p);
		} else {
			scroll_by(p, a == ACTION_LINE_DOWN ? count : -count);
		}
		break;
	case ACTION_PAGE_DOWN: scroll_by(p, count * page); break;
	case ACTION_PAGE_UP: scroll_by(p, -count * page); break;
	case ACTION_HALF_PAGE_DOWN: scroll_by(p, count * half); break;
	case ACTION_HALF_PAGE_UP: scroll_by(p, -count * half); break;
	case ACTION_CURSOR_LEFT:
	case ACTION_CURSOR_RIGHT:
	case ACTION_WORD_NEXT:
	case ACTION_WORD_PREV:
	case ACTION_WORD_END:
	case ACTION_CLAUSE_NEXT:
	case ACTION_CLAUSE_PREV:
	case ACTION_SENTENCE_NEXT:
	case ACTION_SENTENCE_PREV:
	case ACTION_PARAGRAPH_NEXT:
	case ACTION_PARAGRAPH_PREV:
		show_cursor(p);
		for (long i = 0; i < count; i++) {
			size_t was = p->sh->cursor;
			p->sh->cursor = p->sh->selecting
				? pane_select_motion(p->sh->doc, &p->sh->sel_anchor, p->sh->cursor, a)
				: pane_motion(p->sh->doc, p->sh->cursor, a);
			/* Word motions keep a selection in its paragraph: say
			   how to go on rather than do nothing silently. */
			if (p->sh->cursor == was && p->sh->selecting &&
			    (a == ACTION_WORD_NEXT || a == ACTION_WORD_END) &&
			    p->sh->cursor >= p->sh->sel_anchor) {
				p->sh->message(p->sh->app, false,
					       "the selection is at the paragraph's last word: } or j goes on");
				break;
			}
		}
		moved_cursor(p);
		break;
	case ACTION_SELECT:
		if (p->sh->selecting) {
			p->sh->selecting = false;
			p->sh->message(p->sh->app, false, "selection cancelled");
		} else {
			show_cursor(p);
			p->sh->selecting = true;
			p->sh->sel_anchor = p->sh->cursor;
		}
		moved_cursor(p);
		break;
	case ACTION_CANCEL:
		if (!p->sh->selecting)
			return a;
		p->sh->selecting = false;
		p->dirty = true;
		break;
	default:
		return a;
	}
	return ACTION_NONE;
}

/* The text offset under (y, x), on a row shown; false on no text. */
static bool
offset_at(struct pane *p, int y, int x, size_t *off)
{
	struct text_priv *t = p->priv;
	if (y < 0 || y >= p->h || !t->rows || y >= t->rows_cap || !t->have[y])
		return false;
	size_t o = layout_offset_at(p->sh->layout, t->rows[y].pos, x - t->margin);
	size_t len;
	const char *text = doc_text(p->sh->doc, &len);
	if (len == 0)
		return false;
	if (o >= len)
		o = u8_prev_cluster(text, len, len);
	*off = o;
	return true;
}

/* A click puts the cursor there; a drag (where the terminal reports
 * motion) selects from the click to the pointer. */
static void
text_mouse(struct pane *p, enum ui_mouse_kind kind, int y, int x)
{
	struct pane_shared *sh = p->sh;
	size_t off;
	if (kind == UI_MOUSE_WHEEL_DOWN) {
		scroll_by(p, 3);
	} else if (kind == UI_MOUSE_WHEEL_UP) {
		scroll_by(p, -3);
	} else if (kind == UI_MOUSE_PRESS && offset_at(p, y, x, &off)) {
		sh->selecting = false;
		sh->cursor = off;
		sh->cursor_shown = true;
		p->dirty = true;
	} else if ((kind == UI_MOUSE_DRAG || kind == UI_MOUSE_RELEASE) && sh->cursor_shown &&
		   offset_at(p, y, x, &off) && (sh->selecting || off != sh->cursor)) {
		if (!sh->selecting) {
			sh->selecting = true;
			sh->sel_anchor = sh->cursor;
		}
		sh->cursor = off;
		moved_cursor(p);
	}
}

static void
text_state(struct pane *p, struct buf *out)
{
	struct text_priv *t = p->priv;
	struct layout *l = p->sh->layout;
	sync_width(p);
	buf_printf(out, "top: %zu\n", doc_byte_to_cp(p->sh->doc, t->anchor));
	buf_printf(out, "text-width: %d\n", layout_width(l));
	const struct pane_shared *sh = p->sh;
	if (sh->cursor_shown)
		buf_printf(out, "cursor: %zu\n", doc_byte_to_cp(sh->doc, sh->cursor));
	else
		buf_puts(out, "cursor: hidden\n");
	size_t ss, se;
	if (pane_selection(sh, &ss, &se)) {
		buf_printf(out, "selection: [%zu,%zu) \"", doc_byte_to_cp(sh->doc, ss),
			   doc_byte_to_cp(sh->doc, se));
		u8_safe(out, doc_text(sh->doc, NULL) + ss, se - ss);
		buf_puts(out, "\"\n");
	} else {
		buf_puts(out, "selection: none\n");
	}
	struct layout_row row = LAYOUT_ROW_INIT;
	buf_puts(out, "top-row: ");
	if (layout_get_row(l, t->top, &row)) {
		for (size_t i = 0; i < row.ncells; i++)
			u8_safe(out, row.cells[i].glyph, row.cells[i].glyph_len);
	}
	buf_putc(out, '\n');
	layout_row_free(&row);
}

const struct pane_ops pane_text_ops = {
	.name = "text",
	.mode = KEYMAP_READING,
	.open = text_open,
	.close = text_close,
	.reload = text_reload,
	.draw = text_draw,
	.handle = text_handle,
	.select = text_select,
	.mouse = text_mouse,
	.state = text_state,
};
