/* pane-outline: the headings of the article, indented by level, the
 * section being read marked with ">", and how many annotations each
 * section holds.  Focused, j/k choose a heading and Enter jumps to it;
 * unfocused, the choice follows the text. */
#include "config.h"

#include "gloss/pane.h"
#include "gloss/u8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct outline_priv {
	size_t chosen;       /* the heading chosen (focused: by the keys) */
	size_t scroll;       /* the first heading shown */
	size_t current;      /* the section the text's top is in, or -1 */
};

static size_t
entries(const struct pane *p)
{
	return outline_count(p->sh->outline);
}

static int
list_rows(const struct pane *p)
{
	return p->h > 1 ? p->h - 1 : 0;   /* row 0 is the header */
}

static void
keep_visible(struct pane *p, size_t i)
{
	struct outline_priv *o = p->priv;
	size_t rows = (size_t)(list_rows(p) > 0 ? list_rows(p) : 1);
	if (i < o->scroll)
		o->scroll = i;
	else if (i >= o->scroll + rows)
		o->scroll = i - rows + 1;
}

static void
outline_open(struct pane *p)
{
	p->priv = xcalloc(1, sizeof(struct outline_priv));
	((struct outline_priv *)p->priv)->current = (size_t)-1;
}

static void
outline_close(struct pane *p)
{
	free(p->priv);
	p->priv = NULL;
}

static void
outline_reload(struct pane *p)
{
	struct outline_priv *o = p->priv;
	o->chosen = o->scroll = 0;
	o->current = (size_t)-1;
	p->dirty = true;
}

static void
outline_select(struct pane *p, size_t offset)
{
	struct outline_priv *o = p->priv;
	size_t cur = outline_section_at(p->sh->outline, offset);
	if (cur != o->current) {
		o->current = cur;
		p->dirty = true;
	}
	if (!p->focused && cur != (size_t)-1 && cur != o->chosen) {
		o->chosen = cur;
		keep_visible(p, cur);
		p->dirty = true;
	}
}

static void
outline_draw(struct pane *p)
{
	struct outline_priv *o = p->priv;
	if (!p->win || p->h <= 0)
		return;
	outline_select(p, p->sh->top);
	if (!p->dirty)
		return;
	const struct outline *ol = p->sh->outline;
	size_t n = entries(p);
	ui_win_clear_eol(p->win, 0, 0, UI_NORMAL);
	char head[64];
	snprintf(head, sizeof head, "Outline (%zu)", n);
	pane_put_clipped(p->win, 0, 1, head, strlen(head), p->w - 1, UI_TITLE);
	int rows = list_rows(p);
	if (o->chosen >= n && n)
		o->chosen = n - 1;
	keep_visible(p, o->chosen);
	int step = p->w >= 30 ? 2 : 1;
	for (int y = 0; y < rows; y++) {
		int row = y + 1;
		ui_win_clear_eol(p->win, row, 0, UI_NORMAL);
		size_t i = o->scroll + (size_t)y;
		if (n == 0 && y == 0) {
			pane_put_clipped(p->win, row, 2, "(no headings)", 13, p->w - 2, UI_DIM);
			continue;
		}
		if (i >= n)
			continue;
		const struct outline_entry *e = outline_entry(ol, i);
		bool chosen = p->focused && i == o->chosen;
		if (i == o->current)
			ui_put_text(p->win, row, 0, ">", 1, 1, UI_MARGIN);
		int indent = (e->level > 1 ? e->level - 1 : 0) * step;
		if (indent > p->w / 3)
			indent = p->w / 3;
		char count[32] = "";
		size_t c = p->sh->section_counts ? p->sh->section_counts[i] : 0;
		if (c)
			snprintf(count, sizeof count, " %zu", c);
		int cw = (int)strlen(count);
		int x = 1 + indent;
		int avail = p->w - x - cw;
		enum ui_style s = e->level <= 1 ? UI_TITLE : (i == o->current ? UI_HEADING : UI_NORMAL);
		if (avail > 0)
			pane_put_clipped(p->win, row, x, e->title, strlen(e->title), avail, s);
		if (cw && p->w - cw > x)
			ui_put_text(p->win, row, p->w - cw, count, (size_t)cw, cw, UI_MARGIN);
		if (chosen)
			ui_restyle(p->win, row, 0, p->w, UI_CHOSEN);
	}
	p->dirty = false;
}

static void
choose(struct pane *p, long delta)
{
	struct outline_priv *o = p->priv;
	size_t n = entries(p);
	if (!n)
		return;
	long i = (long)o->chosen + delta;
	if (i < 0)
		i = 0;
	if ((size_t)i >= n)
		i = (long)n - 1;
	o->chosen = (size_t)i;
	keep_visible(p, o->chosen);
	p->dirty = true;
}

static void
open_chosen(struct pane *p)
{
	struct outline_priv *o = p->priv;
	if (o->chosen >= entries(p))
		return;
	const struct outline_entry *e = outline_entry(p->sh->outline, o->chosen);
	p->sh->jump(p->sh->app, e->start, true);
	p->sh->close_overlay(p->sh->app);
}

static enum action
outline_handle(struct pane *p, enum action a, long count, bool counted)
{
	long page = list_rows(p) > 1 ? list_rows(p) - 1 : 1;
	switch (a) {
	case ACTION_LINE_DOWN: choose(p, count); break;
	case ACTION_LINE_UP: choose(p, -count); break;
	case ACTION_PAGE_DOWN: choose(p, count * page); break;
	case ACTION_PAGE_UP: choose(p, -count * page); break;
	case ACTION_HALF_PAGE_DOWN: choose(p, count * (page / 2 + 1)); break;
	case ACTION_HALF_PAGE_UP: choose(p, -count * (page / 2 + 1)); break;
	case ACTION_TOP:
		/* With a count: the Nth heading. */
		choose(p, counted ? count - 1 - (long)((struct outline_priv *)p->priv)->chosen
				  : -(long)entries(p));
		break;
	case ACTION_BOTTOM: choose(p, (long)entries(p)); break;
	case ACTION_OPEN: open_chosen(p); break;
	default:
		return a;
	}
	return ACTION_NONE;
}

static void
outline_mouse(struct pane *p, enum ui_mouse_kind kind, int y, int x)
{
	struct outline_priv *o = p->priv;
	(void)x;
	if (kind == UI_MOUSE_WHEEL_DOWN || kind == UI_MOUSE_WHEEL_UP) {
		size_t n = entries(p), rows = (size_t)(list_rows(p) > 0 ? list_rows(p) : 1);
		if (kind == UI_MOUSE_WHEEL_DOWN && o->scroll + rows < n)
			o->scroll = o->scroll + 3 + rows < n ? o->scroll + 3 : n - rows;
		else if (kind == UI_MOUSE_WHEEL_UP)
			o->scroll = o->scroll > 3 ? o->scroll - 3 : 0;
		p->dirty = true;
		return;
	}
	if (kind != UI_MOUSE_PRESS)
		return;
	if (y < 1)
		return;
	size_t i = o->scroll + (size_t)(y - 1);
	if (i >= entries(p))
		return;
	o->chosen = i;
	p->dirty = true;
	open_chosen(p);
}

static void
outline_state(struct pane *p, struct buf *out)
{
	struct outline_priv *o = p->priv;
	outline_select(p, p->sh->top);
	if (o->current != (size_t)-1) {
		buf_puts(out, "section: ");
		u8_safe(out, outline_entry(p->sh->outline, o->current)->title,
			strlen(outline_entry(p->sh->outline, o->current)->title));
		buf_putc(out, '\n');
	} else {
		buf_puts(out, "section: -\n");
	}
	if (entries(p)) {
		buf_puts(out, "outline-chosen: ");
		const char *t = outline_entry(p->sh->outline, o->chosen)->title;
		u8_safe(out, t, strlen(t));
		buf_putc(out, '\n');
	}
}

const struct pane_ops pane_outline_ops = {
	.name = "outline",
	.mode = KEYMAP_OUTLINE,
	.open = outline_open,
	.close = outline_close,
	.reload = outline_reload,
	.draw = outline_draw,
	.handle = outline_handle,
	.select = outline_select,
	.mouse = outline_mouse,
	.state = outline_state,
};
