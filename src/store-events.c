/* store-events: the append-only log of changes, and undo/redo worked out
 * from it.
 *
 * Every change appends an event: who, what, the annotation, and its JSON
 * snapshot before and after.  Undo and redo keep no state of their own:
 * replaying the author's events in order gives the editor-like stacks
 * (a change pushes on the undo stack and empties the redo stack; an undo
 * moves the top of the undo stack to the redo stack; a redo moves it
 * back), so they work the same after a restart and in another process. */
#include "config.h"

#include "store-internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- snapshots */

static json_t *
string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
store_annotation_to_json(const struct store_annotation *a)
{
	json_t *o = json_object();
	json_t *tags = json_array();
	for (size_t i = 0; i < a->tag_count; i++)
		json_array_append_new(tags, json_string(a->tags[i]));
	json_object_set_new(o, "id", string_or_null(a->id));
	json_object_set_new(o, "document", string_or_null(a->document));
	json_object_set_new(o, "version", string_or_null(a->version));
	json_object_set_new(o, "renderer", json_integer(a->renderer));
	json_object_set_new(o, "author", string_or_null(a->author));
	json_object_set_new(o, "parent", string_or_null(a->parent));
	json_object_set_new(o, "start", a->start < 0 ? json_null() : json_integer(a->start));
	json_object_set_new(o, "end", a->start < 0 ? json_null() : json_integer(a->end));
	json_object_set_new(o, "exact", string_or_null(a->exact));
	json_object_set_new(o, "prefix", string_or_null(a->prefix));
	json_object_set_new(o, "suffix", string_or_null(a->suffix));
	json_object_set_new(o, "style", string_or_null(a->style));
	json_object_set_new(o, "note", string_or_null(a->note));
	json_object_set_new(o, "status", json_string(store_status_name(a->status)));
	json_object_set_new(o, "anchor", json_string(store_anchor_state_name(a->anchor)));
	json_object_set_new(o, "private", json_boolean(a->is_private));
	json_object_set_new(o, "deleted", json_boolean(a->deleted));
	json_object_set_new(o, "created", string_or_null(a->created));
	json_object_set_new(o, "updated", string_or_null(a->updated));
	json_object_set_new(o, "tags", tags);
	return o;
}

static char *
get_string(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? xstrdup(v) : NULL;
}

bool
store_annotation_from_json(const json_t *o, struct store_annotation *a)
{
	memset(a, 0, sizeof *a);
	if (!json_is_object(o))
		return false;
	a->id = get_string(o, "id");
	a->document = get_string(o, "document");
	a->version = get_string(o, "version");
	a->renderer = (int)json_integer_value(json_object_get(o, "renderer"));
	a->author = get_string(o, "author");
	a->parent = get_string(o, "parent");
	json_t *start = json_object_get(o, "start");
	json_t *end = json_object_get(o, "end");
	if (json_is_integer(start) && json_is_integer(end)) {
		a->start = json_integer_value(start);
		a->end = json_integer_value(end);
	} else {
		a->start = a->end = -1;
	}
	a->exact = get_string(o, "exact");
	a->prefix = get_string(o, "prefix");
	a->suffix = get_string(o, "suffix");
	a->style = get_string(o, "style");
	a->note = get_string(o, "note");
	if (!store_status_parse(json_string_value(json_object_get(o, "status")),
				&a->status))
		a->status = STORE_STATUS_OPEN;
	if (!store_anchor_state_parse(json_string_value(json_object_get(o, "anchor")),
				      &a->anchor))
		a->anchor = STORE_ANCHOR_NONE;
	a->is_private = json_is_true(json_object_get(o, "private"));
	a->deleted = json_is_true(json_object_get(o, "deleted"));
	a->created = get_string(o, "created");
	a->updated = get_string(o, "updated");
	json_t *tags = json_object_get(o, "tags");
	size_t n = json_array_size(tags);
	if (n) {
		a->tags = xcalloc(n, sizeof *a->tags);
		for (size_t i = 0; i < n; i++) {
			const char *t = json_string_value(json_array_get(tags, i));
			if (t && *t)
				a->tags[a->tag_count++] = xstrdup(t);
		}
	}
	return a->id && a->document && a->version && a->author;
}

static char *
dump_snapshot(const struct store_annotation *a)
{
	if (!a)
		return NULL;
	json_t *j = store_annotation_to_json(a);
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text) {
		/* jansson fails only on allocation (its hooks are malloc). */
		fprintf(stderr, "gloss: out of memory\n");
		exit(GL_EXIT_NOMEM);
	}
	return text;
}

/* ---------------------------------------------------------------- log */

enum gl_status
store_log_event(struct store *s, const char *what, const char *annotation,
		const struct store_annotation *before,
		const struct store_annotation *after, long long reverts,
		struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, ST_EVENT_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	char *b = dump_snapshot(before), *a = dump_snapshot(after);
	store_bind_text(q, 1, store_now(s));
	store_bind_text(q, 2, s->author);
	store_bind_text(q, 3, what);
	store_bind_text(q, 4, annotation);
	store_bind_text(q, 5, b);
	store_bind_text(q, 6, a);
	if (reverts > 0)
		db_bind_int64(q, 7, reverts);
	int rc = db_step(q);
	store_stmt_done(q);
	free(b);
	free(a);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot record the change", err);
	return GL_OK;
}

void
store_event_clear(struct store_event *e)
{
	if (!e)
		return;
	free(e->time);
	free(e->who);
	free(e->what);
	free(e->annotation);
	free(e->before);
	free(e->after);
	memset(e, 0, sizeof *e);
}

void
store_event_list_free(struct store_event_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		store_event_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

static void
read_event(struct db_stmt *q, struct store_event *e)
{
	e->seq = db_column_int64(q, 0);
	e->time = store_column_text(q, 1);
	e->who = store_column_text(q, 2);
	e->what = store_column_text(q, 3);
	e->annotation = store_column_text(q, 4);
	e->before = store_column_text(q, 5);
	e->after = store_column_text(q, 6);
	e->reverts = db_column_int64(q, 7);
}

enum gl_status
store_events_list(struct store *s, const char *annotation,
		  struct store_event_list *out, struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, annotation ? ST_EVENT_LIST_ONE
						   : ST_EVENT_LIST_ALL, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	if (annotation)
		store_bind_text(q, 2, annotation);
	size_t cap = 0;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		if (out->count == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xreallocarray(out->items, cap, sizeof *out->items);
		}
		memset(&out->items[out->count], 0, sizeof out->items[0]);
		read_event(q, &out->items[out->count++]);
	}
	store_stmt_done(q);
	if (rc != DB_DONE) {
		store_event_list_free(out);
		return store_sql_fail(s, rc, "cannot read the change log", err);
	}
	return GL_OK;
}

static enum gl_status
get_event(struct store *s, long long seq, struct store_event *out,
	  struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, ST_EVENT_GET, err);
	if (!q)
		return err ? err->status : GL_STORE;
	db_bind_int64(q, 1, seq);
	enum gl_status st = GL_OK;
	int rc = db_step(q);
	if (rc == DB_ROW)
		read_event(q, out);
	else if (rc == DB_DONE)
		st = gl_fail(err, GL_STORE, "%s: change %lld is missing from the log",
			     s->path, seq);
	else
		st = store_sql_fail(s, rc, "cannot read the change log", err);
	store_stmt_done(q);
	return st;
}

/* ------------------------------------------------------------ undo, redo */

struct stack {
	long long *seq;
	size_t n, cap;
};

static void
push(struct stack *st, long long seq)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->seq = xreallocarray(st->seq, st->cap, sizeof *st->seq);
	}
	st->seq[st->n++] = seq;
}

/* Removes `seq` (normally the top) from a stack. */
static void
remove_seq(struct stack *st, long long seq)
{
	for (size_t i = st->n; i-- > 0;) {
		if (st->seq[i] == seq) {
			memmove(&st->seq[i], &st->seq[i + 1],
				(st->n - i - 1) * sizeof *st->seq);
			st->n--;
			return;
		}
	}
}

/* Replays the author's events into the undo and redo stacks. */
static enum gl_status
replay(struct store *s, struct stack *undo, struct stack *redo,
       struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, ST_EVENT_MINE, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		long long seq = db_column_int64(q, 0);
		const char *what = (const char *)db_column_text(q, 1);
		long long reverts = db_column_int64(q, 2);
		if (!what)
			continue;
		if (strcmp(what, "undo") == 0) {
			remove_seq(undo, reverts);
			push(redo, reverts);
		} else if (strcmp(what, "redo") == 0) {
			remove_seq(redo, reverts);
			push(undo, reverts);
		} else {
			push(undo, seq);
			redo->n = 0;
		}
	}
	store_stmt_done(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot read the change log", err);
	return GL_OK;
}

/* The fields a change may have altered and undo may put back. */
static const char *const mergeable[] = {
	"document",   /* only an import that moves an annotation changes it */
	"version", "renderer", "start", "end", "exact", "prefix", "suffix",
	"style", "note", "status", "anchor", "private", "deleted",
};

static bool
in_array(const json_t *arr, const json_t *v)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
		if (json_equal(x, v))
			return true;
	return false;
}

/* Moves `cur` from the state `from` to the state `to`, field by field,
 * touching only the fields that differ between them and that still hold
 * `from` in `cur` (what someone else changed since is kept).  Tags are a
 * set: those `to` lacks are removed, those it adds are added. */
static void
merge_snapshot(json_t *cur, const json_t *from, const json_t *to)
{
	for (size_t i = 0; i < GL_ARRAY_LEN(mergeable); i++) {
		const char *k = mergeable[i];
		json_t *f = json_object_get(from, k), *t = json_object_get(to, k);
		json_t *c = json_object_get(cur, k);
		if (!f || !t || json_equal(f, t) || !c || !json_equal(c, f))
			continue;
		json_object_set(cur, k, t);
	}
	json_t *ftags = json_object_get(from, "tags");
	json_t *ttags = json_object_get(to, "tags");
	json_t *ctags = json_object_get(cur, "tags");
	json_t *result = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(ctags, i, x)
		if (!(in_array(ftags, x) && !in_array(ttags, x)))
			json_array_append(result, x);
	json_array_foreach(ttags, i, x)
		if (!in_array(ftags, x) && !in_array(result, x))
			json_array_append(result, x);
	json_object_set_new(cur, "tags", result);
}

/* The position in `st` (from the top) of the newest change made on an
 * annotation of `document`, or -1 when there is none (or on an error,
 * which *status then says). */
static ptrdiff_t
top_in_document(struct store *s, const struct stack *st, const char *document,
		enum gl_status *status, struct gl_error *err)
{
	*status = GL_OK;
	for (size_t i = st->n; i-- > 0;) {
		struct store_event ev = { 0 };
		struct store_annotation ann = { 0 };
		*status = get_event(s, st->seq[i], &ev, err);
		if (*status == GL_OK)
			*status = store_fetch_annotation(s, ev.annotation, false,
							 &ann, err);
		bool here = *status == GL_OK && ann.document &&
			    strcmp(ann.document, document) == 0;
		store_event_clear(&ev);
		store_annotation_clear(&ann);
		if (*status == GL_NO_MATCH) {
			*status = GL_OK; /* an annotation purged since */
			continue;
		}
		if (*status != GL_OK)
			return -1;
		if (here)
			return (ptrdiff_t)i;
	}
	return -1;
}

/* Undoes (`forward` false) or redoes (true) the event on top of the
 * matching stack, or the newest one on `document` when it is not NULL. */
static enum gl_status
undo_redo(struct store *s, bool forward, const char *document,
	  struct store_event *done_event, struct gl_error *err)
{
	struct stack undo = { 0 }, redo = { 0 };
	struct store_event ev = { 0 };
	struct store_annotation cur = { 0 }, next = { 0 };
	json_t *before = NULL, *after = NULL, *curj = NULL;

	if (done_event)
		memset(done_event, 0, sizeof *done_event);
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	st = replay(s, &undo, &redo, err);
	if (st != GL_OK)
		goto out;
	struct stack *from = forward ? &redo : &undo;
	ptrdiff_t top = (ptrdiff_t)from->n - 1;
	if (document && top >= 0) {
		top = top_in_document(s, from, document, &st, err);
		if (st != GL_OK)
			goto out;
	}
	if (top < 0) {
		st = gl_fail(err, GL_NO_MATCH, "nothing to %s%s",
			     forward ? "redo" : "undo",
			     document ? " in this document" : "");
		goto out;
	}
	st = get_event(s, from->seq[top], &ev, err);
	if (st != GL_OK)
		goto out;
	after = ev.after ? json_loads(ev.after, 0, NULL) : NULL;
	before = ev.before ? json_loads(ev.before, 0, NULL) : NULL;
	if (!after) {
		st = gl_fail(err, GL_STORE, "%s: change %lld in the log is unreadable",
			     s->path, ev.seq);
		goto out;
	}
	if (!before) {
		/* An add has no "before": the annotation did not exist, which
		   undo expresses as a tombstone. */
		before = json_deep_copy(after);
		json_object_set_new(before, "deleted", json_true());
	}
	st = store_fetch_annotation(s, ev.annotation, false, &cur, err);
	if (st != GL_OK)
		goto out;
	curj = store_annotation_to_json(&cur);
	if (forward)
		merge_snapshot(curj, before, after);
	else
		merge_snapshot(curj, after, before);
	store_annotation_from_json(curj, &next);
	store_normalize_tags(&next);
	if (next.deleted && !cur.deleted) {
		/* Undoing an add is a delete: never strand a reply. */
		st = store_refuse_if_replied(s, &cur, err);
		if (st != GL_OK)
			goto out;
	}
	free(next.updated);
	next.updated = xstrdup(store_now(s));
	/* An import that moved it to another document is undone there too. */
	if (next.document && cur.document && strcmp(next.document, cur.document) != 0)
		st = store_move_annotation(s, next.id, next.document, err);
	if (st == GL_OK)
		st = store_write_annotation(s, &next, err);
	if (st == GL_OK)
		st = store_log_event(s, forward ? "redo" : "undo", ev.annotation,
				     &cur, &next, ev.seq, err);
out:
	st = store_end(s, st, err);
	if (st == GL_OK && done_event) {
		*done_event = ev;
		memset(&ev, 0, sizeof ev);
	}
	store_event_clear(&ev);
	store_annotation_clear(&cur);
	store_annotation_clear(&next);
	json_decref(before);
	json_decref(after);
	json_decref(curj);
	free(undo.seq);
	free(redo.seq);
	return st;
}

enum gl_status
store_undo(struct store *s, struct store_event *undone, struct gl_error *err)
{
	return undo_redo(s, false, NULL, undone, err);
}

enum gl_status
store_undo_in(struct store *s, const char *document,
	      struct store_event *undone, struct gl_error *err)
{
	return undo_redo(s, false, document, undone, err);
}

enum gl_status
store_redo_in(struct store *s, const char *document,
	      struct store_event *redone, struct gl_error *err)
{
	return undo_redo(s, true, document, redone, err);
}

enum gl_status
store_redo(struct store *s, struct store_event *redone, struct gl_error *err)
{
	return undo_redo(s, true, NULL, redone, err);
}
