/* pane-notes: this document's annotations in text order, three rows
 * each: the quote in its highlight style, the first line of the note,
 * then author, state, tags and replies.  Enter (or a click) jumps to the
 * annotation; unfocused, the choice follows the text. */
#include "config.h"

#include "gloss/pane.h"
#include "gloss/u8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_ROWS 3

struct notes_priv {
	size_t chosen;
	size_t scroll;       /* the first item shown */
	size_t *vis;         /* the annotations the filter lets through */
	size_t nvis;
};

/* The list shown: the annotations that pass the filter (:filter). */
static void
refresh(struct pane *p)
{
	struct notes_priv *n = p->priv;
	n->vis = xreallocarray(n->vis, p->sh->nannots ? p->sh->nannots : 1, sizeof *n->vis);
	n->nvis = 0;
	for (size_t i = 0; i < p->sh->nannots; i++)
		if (pane_annot_visible(p->sh, &p->sh->annots[i]))
			n->vis[n->nvis++] = i;
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
	if (n)
		free(n->vis);
	free(p->priv);
	p->priv = NULL;
}

static void
notes_reload(struct pane *p)
{
	struct notes_priv *n = p->priv;
	refresh(p);
	if (n->chosen >= items(p))
		n->chosen = items(p) ? items(p) - 1 : 0;
	keep_visible(p, n->chosen);
	p->dirty = true;
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
	for (size_t i = 0; i < items(p); i++) {
		const struct pane_annot *an = item(p, i);
		if (!an->placed)
			continue;
		best = i;
		found = true;
		if (an->end > offset)
			break;
	}
	if (found && best != n->chosen) {
		n->chosen = best;
		p->sh->notes_chosen = n->vis[best];
		keep_visible(p, best);
		p->dirty = true;
	}
}

static void
draw_item(struct pane *p, int row, const struct pane_annot *an, bool chosen)
{
	const struct store_annotation *a = an->a;
	int w = p->w;
	struct buf line = BUF_INIT;
	/* The quote, in the annotation's own style. */
	if (chosen)
		ui_put_text(p->win, row, 0, ">", 1, 1, UI_MARGIN);
	enum ui_style hl = an->placed ? (enum ui_style)(UI_HL1 + (an->style >= 1 && an->style <= 5 ? an->style - 1 : 0))
				      : UI_DIM;
	if (a->exact) {
		buf_puts(&line, pane_glyph("\xE2\x80\x9C", "\""));
		const char *q = a->exact;
		buf_append(&line, q, pane_first_line(q));
		buf_puts(&line, pane_glyph("\xE2\x80\x9D", "\""));
	} else {
		buf_puts(&line, "(page note)");
	}
	pane_put_clipped(p->win, row, 1, line.data, line.len, w - 1, a->exact ? hl : UI_DIM);
	/* The first line of the note. */
	buf_clear(&line);
	if (row + 1 < p->h) {
		if (a->note && *a->note)
			pane_put_clipped(p->win, row + 1, 3, a->note, pane_first_line(a->note), w - 3,
					 UI_NORMAL);
		else
			pane_put_clipped(p->win, row + 1, 3, "(no note)", 9, w - 3, UI_DIM);
	}
	/* Who, its state, tags, replies. */
	if (row + 2 < p->h) {
		const char *dot = pane_glyph("\xC2\xB7", "-");
		buf_puts(&line, a->author ? a->author : "?");
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
		pane_put_clipped(p->win, row + 2, 3, line.data, line.len, w - 3, UI_DIM);
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
	char head[64];
	bool filtered = p->sh->filter_tag || p->sh->filter_author || p->sh->filter_style ||
			p->sh->filter_status_set;
	if (filtered)
		snprintf(head, sizeof head, "Notes (%zu of %zu, filtered)", items(p), p->sh->nannots);
	else
		snprintf(head, sizeof head, "Notes (%zu)", items(p));
	pane_put_clipped(p->win, 0, 1, head, strlen(head), p->w - 1, UI_TITLE);
	for (int y = 1; y < p->h; y++)
		ui_win_clear_eol(p->win, y, 0, UI_NORMAL);
	if (!items(p)) {
		const char *none = filtered ? "(no notes pass the filter)" : "(no notes yet)";
		pane_put_clipped(p->win, 1, 2, none, strlen(none), p->w - 2, UI_DIM);
		if (p->h > 2 && !filtered)
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
}

static void
open_chosen(struct pane *p)
{
	struct notes_priv *n = p->priv;
	if (n->chosen >= items(p))
		return;
	const struct pane_annot *an = item(p, n->chosen);
	if (!an->placed) {
		p->sh->message(p->sh->app, true, an->a->exact ? "this note is not placed on this text"
							 : "a page note has no place in the text");
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
