/* The reader's thread view: an annotation and its replies as lines (see
 * app-thread.h). */
#include "config.h"

#include "app-thread.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <stdlib.h>
#include <string.h>

/* Adds a line of item `item`; `body`: of the item's own text (else a
 * blank between items or the count of replies). */
static void
push_line(struct thread_lines *t, const char *s, size_t len, size_t item, bool head,
	  bool body)
{
	t->text = xreallocarray(t->text, t->n + 1, sizeof *t->text);
	t->item = xreallocarray(t->item, t->n + 1, sizeof *t->item);
	t->head = xreallocarray(t->head, t->n + 1, sizeof *t->head);
	t->body = xreallocarray(t->body, t->n + 1, sizeof *t->body);
	t->text[t->n] = xstrndup(s, len);
	t->item[t->n] = item;
	t->head[t->n] = head;
	t->body[t->n] = body;
	t->n++;
}

/* Pushes `text` (any number of lines) wrapped to `width` columns after
 * `indent` spaces: lines end where UAX #14 allows, or mid-word when a
 * word is wider than the line.  Empty lines are kept. */
static void
push_wrapped(struct thread_lines *t, const char *text, int indent, int width,
	     size_t item)
{
	int room = width - indent > 8 ? width - indent : 8;
	struct buf line = BUF_INIT;
	for (const char *p = text;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		unsigned char *brk = xmalloc(n + 1);
		u8_line_breaks(p, n, brk);
		size_t start = 0;
		do {
			/* The longest run from start that fits, ended at a
			   break opportunity if there is one. */
			size_t i = start, fit = start, last_break = 0;
			int w = 0;
			while (i < n) {
				size_t next = u8_next_cluster(p, n, i);
				int cw = u8_cluster_width(p + i, next - i);
				if (w + cw > room)
					break;
				w += cw;
				i = next;
				fit = i;
				if (brk[i] != U8_BREAK_NONE)
					last_break = i;
			}
			size_t end = fit == n || last_break <= start ? fit : last_break;
			if (end == start && start < n)
				end = u8_next_cluster(p, n, start);
			buf_clear(&line);
			buf_printf(&line, "%*s", indent, "");
			size_t e = end;
			while (e > start && p[e - 1] == ' ')
				e--;
			buf_append(&line, p + start, e - start);
			push_line(t, line.data, line.len, item, false, true);
			start = end;
			while (start < n && p[start] == ' ')
				start++;
		} while (start < n);
		free(brk);
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_free(&line);
}

/* "2024-03-01T10:00:00Z" as "2024-03-01 10:00"; other forms as they are. */
static void
put_time(struct buf *b, const char *iso)
{
	if (!iso) {
		buf_puts(b, "?");
		return;
	}
	size_t n = strlen(iso);
	if (n >= 16 && iso[10] == 'T') {
		buf_append(b, iso, 10);
		buf_putc(b, ' ');
		buf_append(b, iso + 11, 5);
	} else {
		buf_puts(b, iso);
	}
}

static const char *
who(const char *author, const char *me)
{
	return author && me && strcmp(author, me) == 0 ? "you" : author ? author : "?";
}

struct reply_list {
	const struct store_annotation **r;
	int *depth;
	size_t n;
};

/* The replies to `parent` in the order given, each followed by the
 * replies to it (a reply to a reply: Hypothesis allows them), depth
 * first. */
static void
collect_replies(const struct store_annotation *all, size_t n, const char *parent,
		int depth, struct reply_list *out)
{
	if (depth > 32)   /* the store makes no loops; a guard all the same */
		return;
	for (size_t i = 0; i < n; i++) {
		if (!all[i].parent || strcmp(all[i].parent, parent) != 0)
			continue;
		out->r = xreallocarray(out->r, out->n + 1, sizeof *out->r);
		out->depth = xreallocarray(out->depth, out->n + 1, sizeof *out->depth);
		out->r[out->n] = &all[i];
		out->depth[out->n++] = depth;
		collect_replies(all, n, all[i].id, depth + 1, out);
	}
}

void
thread_lines_build(const struct store_annotation *root,
		   const struct store_annotation *all, size_t n,
		   const char *me, int width, struct thread_lines *out,
		   const struct store_annotation ***replies)
{
	memset(out, 0, sizeof *out);
	struct buf b = BUF_INIT;

	/* The annotation: who, state, when. */
	buf_printf(&b, "%s by %s \xC2\xB7 %s%s \xC2\xB7 made ",
		   store_annotation_is_page(root) ? "Page note" : "Note",
		   who(root->author, me), store_status_name(root->status),
		   root->is_private ? " \xC2\xB7 private" : "");
	put_time(&b, root->created);
	if (root->updated && root->created && strcmp(root->updated, root->created) != 0) {
		buf_puts(&b, " \xC2\xB7 changed ");
		put_time(&b, root->updated);
	}
	push_wrapped(out, b.data, 0, width, 0);
	out->head[0] = true;
	buf_clear(&b);
	if (root->tag_count) {
		buf_puts(&b, "Tags:");
		for (size_t i = 0; i < root->tag_count; i++)
			buf_printf(&b, " #%s", root->tags[i]);
	} else {
		buf_puts(&b, "No tags");
	}
	if (root->style)
		buf_printf(&b, " \xC2\xB7 style %s", root->style);
	push_wrapped(out, b.data, 0, width, 0);
	if (root->exact) {
		buf_clear(&b);
		buf_printf(&b, "%s\xE2\x80\x9C%s\xE2\x80\x9D",
			   root->anchor == STORE_ANCHOR_ORPHAN ? "Orphan, made on " : "On ",
			   root->exact);
		push_wrapped(out, b.data, 0, width, 0);
	}
	push_line(out, "", 0, 0, false, true);   /* between the header and the note */
	if (root->note && *root->note)
		push_wrapped(out, root->note, 2, width, 0);
	else
		push_line(out, "  (no note)", 11, 0, false, true);

	/* The replies, oldest first as the store gives them, each reply's
	   own replies under it, indented a step further. */
	struct reply_list rl = { 0 };
	collect_replies(all, n, root->id, 0, &rl);
	const struct store_annotation **rs = rl.r;
	size_t nr = rl.n;
	push_line(out, "", 0, 0, false, false);
	buf_clear(&b);
	if (nr)
		buf_printf(&b, "%zu repl%s (r replies)", nr, nr == 1 ? "y" : "ies");
	else
		buf_puts(&b, "No replies (r replies)");
	push_line(out, b.data, b.len, 0, false, false);
	for (size_t k = 0; k < nr; k++) {
		const struct store_annotation *r = rs[k];
		push_line(out, "", 0, k + 1, false, false);
		buf_clear(&b);
		buf_printf(&b, "%s \xC2\xB7 ", who(r->author, me));
		put_time(&b, r->created);
		if (r->updated && r->created && strcmp(r->updated, r->created) != 0) {
			buf_puts(&b, " \xC2\xB7 changed ");
			put_time(&b, r->updated);
		}
		if (r->is_private)
			buf_puts(&b, " \xC2\xB7 private");
		size_t first = out->n;
		int step = 2 * (rl.depth[k] < 6 ? rl.depth[k] : 6);
		push_wrapped(out, b.data, 2 + step, width, k + 1);
		out->head[first] = true;
		push_wrapped(out, r->note ? r->note : "", 4 + step, width, k + 1);
	}
	free(rl.depth);
	out->nitems = nr + 1;
	if (replies)
		*replies = rs;
	else
		free(rs);
	buf_free(&b);
}

void
thread_lines_free(struct thread_lines *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->text[i]);
	free(t->text);
	free(t->item);
	free(t->head);
	free(t->body);
	memset(t, 0, sizeof *t);
}

size_t
thread_item_head(const struct thread_lines *t, size_t item)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->item[i] == item && t->head[i])
			return i;
	return t->n;
}

bool
thread_item_span(const struct thread_lines *t, size_t item, size_t *first,
		 size_t *last)
{
	bool found = false;
	for (size_t i = 0; i < t->n; i++) {
		if (t->item[i] != item || !t->body[i])
			continue;
		if (!found)
			*first = i;
		*last = i;
		found = true;
	}
	return found;
}
