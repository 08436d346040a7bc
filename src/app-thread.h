/* app-thread.h: the reader's thread view (part of the app module; only
 * app.c includes it).  An annotation shown whole: its quote, every line
 * of its note, tags, author, state, times, and each reply with its author
 * and time, as lines of text wrapped to the screen's width, each line
 * knowing which annotation of the thread it shows (so that e and D act on
 * the reply chosen).  Pure: no curses, no store. */
#ifndef GLOSS_APP_THREAD_H
#define GLOSS_APP_THREAD_H

#include "gloss/store.h"

#include <stdbool.h>
#include <stddef.h>

struct thread_lines {
	char **text;        /* each line, NUL-terminated (owned) */
	size_t *item;       /* per line: 0 the annotation, k the k-th reply
			       (replies to replies counted, in display order) */
	bool *head;         /* per line: the first line of an item (its header) */
	bool *body;         /* per line: the item's own text (header, tags,
			       quote, note), not a blank between items or the
			       count of replies: what is highlighted when the
			       item is chosen */
	size_t n;
	size_t nitems;      /* 1 + the number of replies */
};

/* Lays out `root` and its replies (the annotations in all[0, n) whose
 * parent is root->id, in the order given, each followed by the replies to
 * it, indented two columns a level) in at most `width` columns;
 * `me` is the reader's name (shown as "you").  *replies (may be NULL)
 * gets a pointer to each reply in item order (caller frees the array;
 * the pointers are into `all`).  Free out with thread_lines_free. */
void thread_lines_build(const struct store_annotation *root,
			const struct store_annotation *all, size_t n,
			const char *me, int width, struct thread_lines *out,
			const struct store_annotation ***replies);
void thread_lines_free(struct thread_lines *t);

/* The line of item `item`'s header (0 for the annotation); t->n when
 * there is no such item. */
size_t thread_item_head(const struct thread_lines *t, size_t item);

/* The first and last lines of item `item`'s own text (t->body), for
 * showing it whole; false when there is no such item. */
bool thread_item_span(const struct thread_lines *t, size_t item, size_t *first,
		      size_t *last);

#endif
