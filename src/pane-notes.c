/* pane-notes: this document's annotations in text order, three rows
 * each: the quote in its highlight style (a colleague's in the author's
 * colour; one not placed on this text with the context it was made in),
 * the first line of the note, then "new" when a colleague made it since
 * the reader's last visit, the author in the author's colour, state, tags
 * and replies.  Enter (or a click) jumps to the annotation; unfocused, the
 * choice follows the text.  An item chosen in the focused pane is seen. */
#include "config.h"

#include "gloss/pane.h"
#include "gloss/u8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_ROWS 3

struct notes_priv {
	size_t chosen;
	size_t scroll;       /* the first item shown */
	size_t *vis;         /* the annotations the filter lets through */
	size_t nvis;
	/* What vis was made from: it is made again only when the list or
	   the filter changed, not on every draw. */
	bool vis_valid;
	unsigned long vis_generation;
	const struct pane_annot *vis_annots;
	size_t vis_nannots;
	char *vis_tag, *vis_author;
	int vis_style;
	bool vis_status_set, vis_hide_others;
	enum store_status vis_status;
};

static bool
same_string(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* True when vis still is what the filter lets through of the list. */
static bool
vis_current(const struct notes_priv *n, const struct pane_shared *sh)
{
	return n->vis_valid && n->vis_generation == sh->annots_generation &&
	       n->vis_annots == sh->annots && n->vis_nannots == sh->nannots &&
	       same_string(n->vis_tag, sh->filter_tag) && same_string(n->vis_author, sh->filter_author) &&
	       n->vis_style == sh->filter_style && n->vis_status_set == sh->filter_status_set &&
	       (!sh->filter_status_set || n->vis_status == sh->filter_status) &&
	       n->vis_hide_others == sh->hide_others;
}

static void
remember_vis(struct notes_priv *n, const struct pane_shared *sh)
{
	free(n->vis_tag);
	free(n->vis_author);
	n->vis_tag = sh->filter_tag ? xstrdup(sh->filter_tag) : NULL;
	n->vis_author = sh->filter_author ? xstrdup(sh->filter_author) : NULL;
	n->vis_generation = sh->annots_generation;
	n->vis_annots = sh->annots;
	n->vis_nannots = sh->nannots;
	n->vis_style = sh->filter_style;
	n->vis_status_set = sh->filter_status_set;
	n->vis_status = sh->filter_status;
	n->vis_hide_others = sh->hide_others;
	n->vis_valid = true;
}

/* The list shown: the annotations that pass the filter (:filter). */
static void
refresh(struct pane *p)
{
	struct notes_priv *n = p->priv;
	if (!vis_current(n, p->sh)) {
		n->vis = xreallocarray(n->vis, p->sh->nannots ? p->sh->nannots : 1, sizeof *n->vis);
		n->nvis = 0;
		for (size_t i = 0; i < p->sh->nannots; i++)
			if (pane_annot_visible(p->sh, &p->sh->annots[i]))
				n->vis[n->nvis++] = i;
		remember_vis(n, p->sh);
	}
	if (n->chosen >= n->nvis)
		n->chosen = n->nvis ? n->nvis - 1 : 0;
	p->sh->notes_chosen = n->nvis ? n->vis[n->chosen] : (size_t)-1;
}

static size_t
items(const struct pane *p)
{
	const struct notes_priv *n = p->priv;
	return n->nvis;
}

static const struct pane_annot *
item(const struct pane *p, size_t i)
{
	const struct notes_priv *n = p->priv;
	return &p->sh->annots[n->vis[i]];
}

static size_t
visible_items(const struct pane *p)
{
	int rows = p->h - 1;
	return rows >= ITEM_ROWS ? (size_t)(rows / ITEM_ROWS) : 1;
}

static void
keep_visible(struct pane *p, size_t i)
{
	struct notes_priv *n = p->priv;
	size_t v = visible_items(p);
	if (i < n->scroll)
		n->scroll = i;
	else if (i >= n->scroll + v)
		n->scroll = i - v + 1;
}

static void
notes_open(struct pane *p)
{
	p->priv = xcalloc(1, sizeof(struct notes_priv));
}

static void
notes_close(struct pane *p)
{
	struct notes_priv *n = p->priv;
	if (n) {
		free(n->vis);
		free(n->vis_tag);
		free(n->vis_author);
	}
	free(p->priv);
	p->priv = NULL;
}

static void
notes_reload(struct pane *p)
{
	struct notes_priv *n = p->priv;
	n->vis_valid = false;   /* the controller says the list changed */
	refresh(p);
	if (n->chosen >= items(p))
		n->chosen = items(p) ? items(p) - 1 : 0;
	keep_visible(p, n->chosen);
	p->dirty = true;
}

/* pane_annot_overlapping's visitor: an annotation the list shows. */
static bool
shown_visit(const struct pane_shared *sh, size_t i, void *ctx)
{
	(void)ctx;
	return pane_annot_visible(sh, &sh->annots[i]);
}

/* The position in vis of annotation i, which vis holds (binary search:
 * vis is in list order). */
static size_t
vis_position(const struct notes_priv *n, size_t i)
{
	size_t lo = 0, hi = n->nvis;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->vis[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Unfocused, the choice is the first placed annotation at or after the
 * top of the text (or the last one before it). */
static void
notes_select(struct pane *p, size_t offset)
{
	struct notes_priv *n = p->priv;
	refresh(p);
	if (p->focused || !items(p))
		return;
	size_t best = n->chosen;
	bool found = false;
	if (p->sh->annot_index.list_order) {
		/* The first shown that ends after offset, by start (the
		   index), else the last placed one shown. */
		size_t at = pane_annot_overlapping(p->sh, offset, SIZE_MAX, shown_visit, NULL);
		size_t i = items(p);
		if (at != (size_t)-1)
			i = vis_position(n, at);
		else
			while (i > 0 && !item(p, i - 1)->placed)
				i--;
		if (i < items(p) && at != (size_t)-1) {
			best = i;
			found = true;
		} else if (at == (size_t)-1 && i > 0) {
			best = i - 1;
			found = true;
		}
	} else {
		for (size_t i = 0; i < items(p); i++) {
			const struct pane_annot *an = item(p, i);
			if (!an->placed)
				continue;
			best = i;
			found = true;
			if (an->end > offset)
				break;
		}
	}
	if (found && best != n->chosen) {
		n->chosen = best;
		p->sh->notes_chosen = n->vis[best];
		keep_visible(p, best);
		p->dirty = true;
	}
}

/* The end of s[0, n) that fits in `cols` columns, on a cluster boundary:
 * the offset where it starts. */
static size_t
tail_fitting(const char *s, size_t n, int cols)
{
	size_t from = n;
	while (from > 0) {
		size_t prev = u8_prev_cluster(s, n, from);
		if ((int)u8_str_width(s + prev, n - prev) > cols)
			break;
		from = prev;
	}
	return from;
}

/* The first line of a context, as a length. */
static size_t
context_line(const char *s)
{
	return s ? pane_first_line(s) : 0;
}

/* The item chosen in the focused pane has been seen: tell the
 * controller, which stops marking it new. */
static void
mark_seen(struct pane *p)
{
	struct notes_priv *n = p->priv;
	if (!p->focused || n->chosen >= n->nvis || !p->sh->seen)
		return;
	const struct pane_annot *an = &p->sh->annots[n->vis[n->chosen]];
	if (an->is_new || an->new_replies)
		p->sh->seen(p->sh->app, n->vis[n->chosen]);
}

static void
draw_item(struct pane *p, int row, const struct pane_annot *an, bool chosen)
{
	const struct store_annotation *a = an->a;
	int w = p->w;
	struct buf line = BUF_INIT;
	/* The quote, in the annotation's own style (a colleague's in the
	   author's colour). */
	if (chosen)
		ui_put_text(p->win, row, 0, ">", 1, 1, UI_MARGIN);
	enum ui_style hl = !an->placed ? UI_DIM
			   : an->mine ? (enum ui_style)(UI_HL1 + (an->style >= 1 && an->style <= 5 ? an->style - 1 : 0))
				      : (enum ui_style)(UI_OTHER0 + ui_author_colour(a->author));
	int x = 1;
	if (a->exact && !an->placed) {
		/* Not on this text (an orphan): the quote among the words it
		   was made on, so the reader can find where it belongs. */
		const char *ell = pane_glyph("\xE2\x80\xA6", "~");
		const char *pl = a->prefix ? a->prefix : "";
		const char *nl = strrchr(pl, '\n');   /* only its last line */
		if (nl)
			pl = nl + 1;
		size_t plen = strlen(pl);
		int room = (w - 1) / 4;
		if (plen && room > 1) {
			size_t from = tail_fitting(pl, plen, room - 1);
			if (from < plen) {
				x += pane_put_clipped(p->win, row, x, ell, strlen(ell), 1, UI_DIM);
				x += pane_put_clipped(p->win, row, x, pl + from, plen - from, w - x, UI_DIM);
			}
		}
	}
	if (a->exact) {
		buf_puts(&line, pane_glyph("\xE2\x80\x9C", "\""));
		const char *q = a->exact;
		buf_append(&line, q, pane_first_line(q));
		buf_puts(&line, pane_glyph("\xE2\x80\x9D", "\""));
	} else {
		buf_puts(&line, "(page note)");
	}
	x += pane_put_clipped(p->win, row, x, line.data, line.len, w - x, a->exact ? hl : UI_DIM);
	if (a->exact && !an->placed && context_line(a->suffix) && x < w)
		pane_put_clipped(p->win, row, x, a->suffix, context_line(a->suffix), w - x, UI_DIM);
	/* The first line of the note. */
	buf_clear(&line);
	if (row + 1 < p->h) {
		if (a->note && *a->note)
			pane_put_clipped(p->win, row + 1, 3, a->note, pane_first_line(a->note), w - 3,
					 UI_NORMAL);
		else
			pane_put_clipped(p->win, row + 1, 3, "(no note)", 9, w - 3, UI_DIM);
	}
	/* New?  Who (in the author's colour), its state, tags, replies. */
	if (row + 2 < p->h) {
		const char *dot = pane_glyph("\xC2\xB7", "-");
		int mx = 3;
		if (an->is_new)
			mx += pane_put_clipped(p->win, row + 2, mx, "new ", 4, w - mx, UI_NEW);
		const char *who = a->author ? a->author : "?";
		mx += pane_put_clipped(p->win, row + 2, mx, who, strlen(who), w - mx,
				       pane_author_style(who));
		buf_printf(&line, " %s %s", dot, store_status_name(a->status));
		if (!an->placed && a->exact)
			buf_printf(&line, " %s %s", dot, a->anchor == STORE_ANCHOR_ORPHAN ? "orphan"
									   : "not on this text");
		else if (a->anchor == STORE_ANCHOR_MOVED || a->anchor == STORE_ANCHOR_FUZZY)
			buf_printf(&line, " %s %s", dot, store_anchor_state_name(a->anchor));
		if (a->is_private)
			buf_printf(&line, " %s private", dot);
		for (size_t t = 0; t < a->tag_count; t++)
			buf_printf(&line, " #%s", a->tags[t]);
		if (an->replies)
			buf_printf(&line, " %s %zu repl%s", dot, an->replies, an->replies == 1 ? "y" : "ies");
		if (mx < w)
			mx += pane_put_clipped(p->win, row + 2, mx, line.data, line.len, w - mx, UI_DIM);
		if (an->new_replies && mx < w) {
			char nr[32];
			snprintf(nr, sizeof nr, " (%zu new)", an->new_replies);
			pane_put_clipped(p->win, row + 2, mx, nr, strlen(nr), w - mx, UI_NEW);
		}
	}
	buf_free(&line);
	if (chosen && p->focused)
		ui_restyle(p->win, row, 0, w, UI_CHOSEN);
}

static void
notes_draw(struct pane *p)
{
	struct notes_priv *n = p->priv;
	if (!p->win || p->h <= 0)
		return;
	notes_select(p, p->sh->top);
	if (!p->dirty)
		return;
	ui_win_clear_eol(p->win, 0, 0, UI_NORMAL);
	char head[80];
	bool filtered = p->sh->filter_tag || p->sh->filter_author || p->sh->filter_style ||
			p->sh->filter_status_set;
	if (filtered || p->sh->hide_others)
		snprintf(head, sizeof head, "Notes (%zu of %zu, %s)", items(p), p->sh->nannots,
			 !filtered ? "others hidden" : p->sh->hide_others ? "filtered, others hidden"
									 : "filtered");
	else
		snprintf(head, sizeof head, "Notes (%zu)", items(p));
	pane_put_clipped(p->win, 0, 1, head, strlen(head), p->w - 1, UI_TITLE);
	for (int y = 1; y < p->h; y++)
		ui_win_clear_eol(p->win, y, 0, UI_NORMAL);
	if (!items(p)) {
		const char *none = filtered ? "(no notes pass the filter)"
				   : p->sh->hide_others && p->sh->nannots ? "(only others' notes: O shows them)"
									  : "(no notes yet)";
		pane_put_clipped(p->win, 1, 2, none, strlen(none), p->w - 2, UI_DIM);
		if (p->h > 2 && !filtered && !p->sh->nannots)
			pane_put_clipped(p->win, 2, 2, "select with v, then c", 21, p->w - 2, UI_DIM);
		p->dirty = false;
		return;
	}
	keep_visible(p, n->chosen);
	for (size_t i = n->scroll; i < items(p); i++) {
		int row = 1 + (int)(i - n->scroll) * ITEM_ROWS;
		if (row >= p->h)
			break;
		draw_item(p, row, item(p, i), i == n->chosen);
	}
	p->dirty = false;
}

static void
choose(struct pane *p, long delta)
{
	struct notes_priv *n = p->priv;
	if (!items(p))
		return;
	long i = (long)n->chosen + delta;
	if (i < 0)
		i = 0;
	if ((size_t)i >= items(p))
		i = (long)items(p) - 1;
	n->chosen = (size_t)i;
	p->sh->notes_chosen = n->vis[n->chosen];
	keep_visible(p, n->chosen);
	p->dirty = true;
	mark_seen(p);
}

static void
open_chosen(struct pane *p)
{
	struct notes_priv *n = p->priv;
	if (n->chosen >= items(p))
		return;
	const struct pane_annot *an = item(p, n->chosen);
	if ((an->is_new || an->new_replies) && p->sh->seen)
		p->sh->seen(p->sh->app, n->vis[n->chosen]);
	if (!an->placed) {
		p->sh->message(p->sh->app, true,
			       !an->a->exact ? "a page note has no place in the text"
			       : an->a->anchor == STORE_ANCHOR_ORPHAN
				       ? "an orphan: its text is gone from this version; select where it "
					 "belongs and type :reanchor"
				       : "this note is not placed on this text");
		return;
	}
	p->sh->jump(p->sh->app, an->start, true);
	p->sh->close_overlay(p->sh->app);
}

static enum action
notes_handle(struct pane *p, enum action a, long count, bool counted)
{
	(void)counted;
	long page = (long)visible_items(p);
	switch (a) {
	case ACTION_LINE_DOWN: choose(p, count); break;
	case ACTION_LINE_UP: choose(p, -count); break;
	case ACTION_PAGE_DOWN: choose(p, count * page); break;
	case ACTION_PAGE_UP: choose(p, -count * page); break;
	case ACTION_HALF_PAGE_DOWN: choose(p, count * (page / 2 + 1)); break;
	case ACTION_HALF_PAGE_UP: choose(p, -count * (page / 2 + 1)); break;
	case ACTION_TOP: choose(p, -(long)items(p)); break;
	case ACTION_BOTTOM: choose(p, (long)items(p)); break;
	case ACTION_OPEN: open_chosen(p); break;
	default:
		return a;
	}
	return ACTION_NONE;
}

static void
notes_mouse(struct pane *p, enum ui_mouse_kind kind, int y, int x)
{
	struct notes_priv *n = p->priv;
	(void)x;
	if (kind == UI_MOUSE_WHEEL_DOWN || kind == UI_MOUSE_WHEEL_UP) {
		size_t v = visible_items(p);
		if (kind == UI_MOUSE_WHEEL_DOWN && n->scroll + v < items(p))
			n->scroll++;
		else if (kind == UI_MOUSE_WHEEL_UP && n->scroll > 0)
			n->scroll--;
		p->dirty = true;
		return;
	}
	if (kind != UI_MOUSE_PRESS || y < 1)
		return;
	size_t i = n->scroll + (size_t)((y - 1) / ITEM_ROWS);
	if (i >= items(p))
		return;
	n->chosen = i;
	p->sh->notes_chosen = n->vis[i];
	p->dirty = true;
	open_chosen(p);
}

static void
notes_state(struct pane *p, struct buf *out)
{
	struct notes_priv *n = p->priv;
	notes_select(p, p->sh->top);
	buf_printf(out, "notes: %zu\n", items(p));
	for (size_t i = 0; i < items(p); i++) {
		const struct pane_annot *an = item(p, i);
		buf_printf(out, "note%s ", i == n->chosen ? "*" : "");
		if (an->placed)
			buf_printf(out, "[%zu,%zu)", doc_byte_to_cp(p->sh->doc, an->start),
				   doc_byte_to_cp(p->sh->doc, an->end));
		else
			buf_puts(out, "-");
		buf_printf(out, " style=%d author=", an->style);
		u8_safe(out, an->a->author ? an->a->author : "", strlen(an->a->author ? an->a->author : ""));
		if (an->is_new || an->new_replies)
			buf_printf(out, " new=%d+%zu", an->is_new ? 1 : 0, an->new_replies);
		if (!an->placed && an->a->anchor == STORE_ANCHOR_ORPHAN)
			buf_puts(out, " orphan");
		buf_printf(out, " %s quote=\"", store_status_name(an->a->status));
		if (an->a->exact)
			u8_safe(out, an->a->exact, strlen(an->a->exact));
		buf_puts(out, "\" tags=");
		for (size_t k = 0; k < an->a->tag_count; k++)
			buf_printf(out, "%s%s", k ? "," : "", an->a->tags[k]);
		buf_puts(out, " note=\"");
		if (an->a->note)
			u8_safe(out, an->a->note, strlen(an->a->note));
		buf_puts(out, "\"\n");
	}
}

const struct pane_ops pane_notes_ops = {
	.name = "notes",
	.mode = KEYMAP_NOTES,
	.open = notes_open,
	.close = notes_close,
	.reload = notes_reload,
	.draw = notes_draw,
	.handle = notes_handle,
	.select = notes_select,
	.mouse = notes_mouse,
	.state = notes_state,
};
