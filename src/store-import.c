/* store-import: merging annotations that come from outside (gloss
 * import): each one keeps the id, author, parent and times it was made
 * with, and is added, updated or left alone by its id. */
#include "config.h"

#include "store-internal.h"

#include <stdlib.h>
#include <string.h>

/* A lowercase UUID in its text form (any version). */
static bool
is_uuid(const char *id)
{
	if (!id || strlen(id) != STORE_ID_LEN)
		return false;
	for (size_t i = 0; i < STORE_ID_LEN; i++) {
		char c = id[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* The row as the import wants it stored.  Fields an import never sets
 * (deleted) are false; empty note and style are NULL, as the other
 * calls store them. */
static bool
build(const struct store_annotation *in, struct store_annotation *a)
{
	memset(a, 0, sizeof *a);
	a->id = xstrdup(in->id);
	a->document = xstrdup(in->document);
	a->version = xstrdup(in->version);
	a->renderer = in->renderer;
	a->author = xstrdup(in->author);
	a->parent = dup_or_null(in->parent);
	a->start = in->start < 0 ? -1 : in->start;
	a->end = in->start < 0 ? -1 : in->end;
	if (a->start >= 0) {
		a->exact = xstrdup(in->exact ? in->exact : "");
		a->prefix = in->prefix ? xstrdup(in->prefix) : NULL;
		a->suffix = in->suffix ? xstrdup(in->suffix) : NULL;
		a->anchor = in->anchor == STORE_ANCHOR_NONE ? STORE_ANCHOR_EXACT
							    : in->anchor;
	} else {
		a->anchor = STORE_ANCHOR_NONE;
	}
	a->style = dup_or_null(in->style);
	a->note = dup_or_null(in->note);
	a->status = in->status;
	a->is_private = in->is_private;
	a->created = xstrdup(in->created);
	a->updated = xstrdup(in->updated && strcmp(in->updated, in->created) > 0
			     ? in->updated : in->created);
	if (in->tag_count) {
		a->tags = xcalloc(in->tag_count, sizeof *a->tags);
		for (size_t i = 0; i < in->tag_count; i++)
			a->tags[a->tag_count++] = xstrdup(in->tags[i] ? in->tags[i] : "");
	}
	return store_normalize_tags(a);
}

/* Inserts a new row with its tags and full-text entry. */
static enum gl_status
insert_row(struct store *s, const struct store_annotation *a, struct gl_error *err)
{
	sqlite3_stmt *q = store_stmt(s, ST_ANN_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, a->id);
	store_bind_text(q, 2, a->document);
	store_bind_text(q, 3, a->version);
	sqlite3_bind_int(q, 4, a->renderer);
	store_bind_text(q, 5, a->author);
	store_bind_text(q, 6, a->parent);
	if (a->start < 0) {
		sqlite3_bind_null(q, 7);
		sqlite3_bind_null(q, 8);
	} else {
		sqlite3_bind_int64(q, 7, a->start);
		sqlite3_bind_int64(q, 8, a->end);
	}
	store_bind_text(q, 9, a->exact);
	store_bind_text(q, 10, a->prefix);
	store_bind_text(q, 11, a->suffix);
	store_bind_text(q, 12, a->style);
	store_bind_text(q, 13, a->note);
	store_bind_text(q, 14, store_status_name(a->status));
	store_bind_text(q, 15, store_anchor_state_name(a->anchor));
	sqlite3_bind_int(q, 16, a->is_private);
	sqlite3_bind_int(q, 17, 0);
	store_bind_text(q, 18, a->created);
	store_bind_text(q, 19, a->updated);
	int rc = sqlite3_step(q);
	store_stmt_done(q);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return gl_fail(err, GL_NO_MATCH, "annotation %s: no such document, "
			       "version or parent in the store", a->id);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, rc, "cannot save the annotation", err);
	for (size_t i = 0; i < a->tag_count; i++) {
		q = store_stmt(s, ST_TAG_INSERT, err);
		if (!q)
			return err ? err->status : GL_STORE;
		store_bind_text(q, 1, a->id);
		store_bind_text(q, 2, a->tags[i]);
		rc = sqlite3_step(q);
		store_stmt_done(q);
		if (rc != SQLITE_DONE)
			return store_sql_fail(s, rc, "cannot save the tags", err);
	}
	q = store_stmt(s, ST_FTS_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, a->id);
	rc = sqlite3_step(q);
	store_stmt_done(q);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, rc, "cannot update the search index", err);
	return GL_OK;
}

/* True when the two differ in what an import carries (times aside, and
 * what an import never changes: document, author, parent, creation). */
static bool
content_differs(const struct store_annotation *a, const struct store_annotation *b)
{
	static const char *const ignored[] = {
		"document", "author", "parent", "created", "updated", "deleted",
	};
	json_t *ja = store_annotation_to_json(a);
	json_t *jb = store_annotation_to_json(b);
	for (size_t i = 0; i < GL_ARRAY_LEN(ignored); i++) {
		json_object_del(ja, ignored[i]);
		json_object_del(jb, ignored[i]);
	}
	bool differ = !json_equal(ja, jb);
	json_decref(ja);
	json_decref(jb);
	return differ;
}

enum gl_status
store_annotation_import(struct store *s, const struct store_annotation *in,
			enum store_import_result *result, struct gl_error *err)
{
	struct store_annotation a, old;
	enum gl_status st;

	if (!is_uuid(in->id))
		return gl_fail(err, GL_USAGE, "'%s' is not an annotation id",
			       in->id ? in->id : "");
	if (!in->document || !in->version || !in->author || !*in->author ||
	    !in->created || !*in->created)
		return gl_fail(err, GL_USAGE, "annotation %s lacks its document, "
			       "version, author or creation time", in->id);
	if ((in->start < 0) != (in->end < 0) ||
	    (in->start >= 0 && in->start > in->end))
		return gl_fail(err, GL_USAGE, "annotation %s: bad range %lld:%lld",
			       in->id, in->start, in->end);
	if ((st = store_check_writable(s, err)) != GL_OK)
		return st;
	if (!build(in, &a)) {
		store_annotation_clear(&a);
		return gl_fail(err, GL_USAGE, "annotation %s: a tag cannot be empty",
			       in->id);
	}

	st = store_begin(s, err);
	if (st != GL_OK) {
		store_annotation_clear(&a);
		return st;
	}
	st = store_fetch_annotation(s, a.id, false, &old, err);
	if (st == GL_NO_MATCH) {
		st = insert_row(s, &a, err);
		if (st == GL_OK)
			st = store_log_event(s, "import", a.id, NULL, &a, 0, err);
		*result = STORE_IMPORT_ADDED;
	} else if (st == GL_OK) {
		bool visible = !old.is_private || strcmp(old.author, s->author) == 0;
		*result = STORE_IMPORT_UNCHANGED;
		/* Newer wins; an equal or older copy changes nothing, so
		   importing the same file twice is harmless.  Someone else's
		   private annotation is never touched. */
		if (visible && content_differs(&old, &a) &&
		    strcmp(a.updated, old.updated) > 0) {
			struct store_annotation next = a;
			/* What an import never changes stays as stored. */
			next.document = old.document;
			next.author = old.author;
			next.parent = old.parent;
			next.created = old.created;
			next.deleted = old.deleted;
			st = store_write_annotation(s, &next, err);
			if (st == GL_OK)
				st = store_log_event(s, "import", a.id, &old, &next, 0, err);
			*result = STORE_IMPORT_UPDATED;
		}
		store_annotation_clear(&old);
	}
	st = store_end(s, st, err);
	store_annotation_clear(&a);
	return st;
}
