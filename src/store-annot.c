/* store-annot: documents, versions, annotations, tags, positions, "seen",
 * and the queries over them (lists, full-text search). */
#include "config.h"

#include "store-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- freeing */

void
store_document_clear(struct store_document *d)
{
	if (!d)
		return;
	free(d->id);
	free(d->title);
	free(d->source);
	free(d->created);
	memset(d, 0, sizeof *d);
}

void
store_document_list_free(struct store_document_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		store_document_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void
store_version_clear(struct store_version *v)
{
	if (!v)
		return;
	free(v->hash);
	free(v->document);
	free(v->text);
	free(v->first_seen);
	memset(v, 0, sizeof *v);
}

void
store_annotation_clear(struct store_annotation *a)
{
	if (!a)
		return;
	free(a->id);
	free(a->document);
	free(a->version);
	free(a->author);
	free(a->parent);
	free(a->exact);
	free(a->prefix);
	free(a->suffix);
	free(a->style);
	free(a->note);
	free(a->created);
	free(a->updated);
	for (size_t i = 0; i < a->tag_count; i++)
		free(a->tags[i]);
	free(a->tags);
	memset(a, 0, sizeof *a);
}

void
store_annotation_list_free(struct store_annotation_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		store_annotation_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void
store_tag_list_free(struct store_tag_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].tag);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

bool
store_annotation_is_page(const struct store_annotation *a)
{
	return !a->parent && a->start < 0;
}

/* --------------------------------------------------------------- names */

static const char *const anchor_names[] = {
	[STORE_ANCHOR_NONE] = "none",
	[STORE_ANCHOR_EXACT] = "exact",
	[STORE_ANCHOR_MOVED] = "moved",
	[STORE_ANCHOR_FUZZY] = "fuzzy",
	[STORE_ANCHOR_ORPHAN] = "orphan",
};

const char *
store_anchor_state_name(enum store_anchor_state s)
{
	if ((size_t)s >= GL_ARRAY_LEN(anchor_names))
		return "none";
	return anchor_names[s];
}

bool
store_anchor_state_parse(const char *name, enum store_anchor_state *out)
{
	for (size_t i = 0; name && i < GL_ARRAY_LEN(anchor_names); i++) {
		if (strcmp(name, anchor_names[i]) == 0) {
			*out = (enum store_anchor_state)i;
			return true;
		}
	}
	return false;
}

const char *
store_status_name(enum store_status s)
{
	return s == STORE_STATUS_RESOLVED ? "resolved" : "open";
}

bool
store_status_parse(const char *name, enum store_status *out)
{
	if (name && strcmp(name, "open") == 0)
		*out = STORE_STATUS_OPEN;
	else if (name && strcmp(name, "resolved") == 0)
		*out = STORE_STATUS_RESOLVED;
	else
		return false;
	return true;
}

/* ------------------------------------------------------------ documents */

static void
read_document(struct db_stmt *q, struct store_document *d)
{
	d->id = store_column_text(q, 0);
	d->title = store_column_text(q, 1);
	if (!d->title)
		d->title = xstrdup("");
	d->source = store_column_text(q, 2);
	d->created = store_column_text(q, 3);
	d->annotations = db_column_int64(q, 4);
	d->open = db_column_int64(q, 5);
	d->versions = db_column_int64(q, 6);
}

enum gl_status
store_document_create(struct store *s, const char *title, const char *source,
		      char **id, struct gl_error *err)
{
	char uuid[STORE_ID_LEN + 1];
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	store_new_uuid(uuid);
	struct db_stmt *q = store_stmt(s, ST_DOC_INSERT, err);
	if (!q)
		return store_end(s, err ? err->status : GL_STORE, err);
	store_bind_text(q, 1, uuid);
	store_bind_text(q, 2, title ? title : "");
	store_bind_text(q, 3, source);
	store_bind_text(q, 4, store_now(s));
	int rc = db_step(q);
	if (rc != DB_DONE)
		st = store_sql_fail(s, rc, "cannot save the document", err);
	store_stmt_done(q);
	st = store_end(s, st, err);
	if (st == GL_OK)
		*id = xstrdup(uuid);
	return st;
}

enum gl_status
store_document_update(struct store *s, const char *id, const char *title,
		      const char *source, struct gl_error *err)
{
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	struct db_stmt *q = store_stmt(s, ST_DOC_UPDATE, err);
	if (!q)
		return store_end(s, err ? err->status : GL_STORE, err);
	store_bind_text(q, 1, id);
	store_bind_text(q, 2, title ? title : "");
	store_bind_text(q, 3, source);
	int rc = db_step(q);
	if (rc != DB_DONE)
		st = store_sql_fail(s, rc, "cannot save the document", err);
	else if (db_changes(s->db) == 0)
		st = gl_fail(err, GL_NO_MATCH, "no document %s in the store", id);
	store_stmt_done(q);
	return store_end(s, st, err);
}

/* Runs a document query whose ?2 is `key` and reads one row. */
static enum gl_status
document_one(struct store *s, enum store_stmt which, const char *key,
	     struct store_document *out, struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, which, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	store_bind_text(q, 2, key);
	enum gl_status st = GL_OK;
	int rc = db_step(q);
	if (rc == DB_ROW)
		read_document(q, out);
	else if (rc == DB_DONE)
		st = gl_fail(err, GL_NO_MATCH, "no document for %s in the store", key);
	else
		st = store_sql_fail(s, rc, "cannot read the documents", err);
	store_stmt_done(q);
	return st;
}

enum gl_status
store_document_get(struct store *s, const char *id, struct store_document *out,
		   struct gl_error *err)
{
	return document_one(s, ST_DOC_GET, id, out, err);
}

enum gl_status
store_document_by_source(struct store *s, const char *source,
			 struct store_document *out, struct gl_error *err)
{
	return document_one(s, ST_DOC_BY_SOURCE, source, out, err);
}

enum gl_status
store_documents_list(struct store *s, struct store_document_list *out,
		     struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, ST_DOC_LIST, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	size_t cap = 0;
	int rc;
	while ((rc = db_step(q)) == DB_ROW) {
		if (out->count == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xreallocarray(out->items, cap, sizeof *out->items);
		}
		memset(&out->items[out->count], 0, sizeof out->items[0]);
		read_document(q, &out->items[out->count++]);
	}
	store_stmt_done(q);
	if (rc != DB_DONE) {
		store_document_list_free(out);
		return store_sql_fail(s, rc, "cannot read the documents", err);
	}
	return GL_OK;
}

/* ------------------------------------------------------------- versions */

static void
read_version(struct db_stmt *q, struct store_version *v)
{
	v->hash = store_column_text(q, 0);
	v->renderer = db_column_int(q, 1);
	v->document = store_column_text(q, 2);
	v->length_cp = db_column_int64(q, 3);
	v->text = store_column_text(q, 4);
	v->text_len = v->text ? (size_t)db_column_bytes(q, 4) : 0;
	v->first_seen = store_column_text(q, 5);
}

enum gl_status
store_version_find(struct store *s, const char *hash, int renderer,
		   bool with_text, struct store_version *out,
		   struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, ST_VER_FIND, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, hash);
	db_bind_int64(q, 2, renderer);
	db_bind_int64(q, 3, with_text);
	enum gl_status st = GL_OK;
	int rc = db_step(q);
	if (rc == DB_ROW)
		read_version(q, out);
	else if (rc == DB_DONE)
		st = gl_fail(err, GL_NO_MATCH, "no version %s in the store", hash);
	else
		st = store_sql_fail(s, rc, "cannot read the versions", err);
	store_stmt_done(q);
	return st;
}

enum gl_status
store_version_latest(struct store *s, const char *document, bool with_text,
		     struct store_version *out, struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, ST_VER_LATEST, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, document);
	db_bind_int64(q, 2, with_text);
	enum gl_status st = GL_OK;
	int rc = db_step(q);
	if (rc == DB_ROW)
		read_version(q, out);
	else if (rc == DB_DONE)
		st = gl_fail(err, GL_NO_MATCH, "document %s has no version", document);
	else
		st = store_sql_fail(s, rc, "cannot read the versions", err);
	store_stmt_done(q);
	return st;
}

enum gl_status
store_version_add(struct store *s, const char *document, const char *hash,
		  int renderer, const char *text, size_t text_len,
		  long long length_cp, struct gl_error *err)
{
	struct store_version old;
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	st = store_version_find(s, hash, renderer, false, &old, err);
	if (st == GL_OK) {
		if (strcmp(old.document, document) != 0)
			st = gl_fail(err, GL_USAGE,
				     "version %s belongs to another document", hash);
		store_version_clear(&old);
		return store_end(s, st, err);
	}
	if (st != GL_NO_MATCH)
		return store_end(s, st, err);
	st = GL_OK;
	struct db_stmt *q = store_stmt(s, ST_VER_INSERT, err);
	if (!q)
		return store_end(s, err ? err->status : GL_STORE, err);
	store_bind_text(q, 1, hash);
	db_bind_int64(q, 2, renderer);
	store_bind_text(q, 3, document);
	db_bind_int64(q, 4, length_cp);
	db_bind_textn(q, 5, text ? text : "", text ? text_len : 0);
	store_bind_text(q, 6, store_now(s));
	int rc = db_step(q);
	if (rc == DB_CONSTRAINT_FK)
		st = gl_fail(err, GL_NO_MATCH, "no document %s in the store", document);
	else if (rc != DB_DONE)
		st = store_sql_fail(s, rc, "cannot save the document's text", err);
	store_stmt_done(q);
	return store_end(s, st, err);
}

/* ---------------------------------------------------------- annotations */

void
store_read_annotation(struct db_stmt *q, struct store_annotation *a)
{
	memset(a, 0, sizeof *a);
	a->id = store_column_text(q, 0);
	a->document = store_column_text(q, 1);
	a->version = store_column_text(q, 2);
	a->renderer = db_column_int(q, 3);
	a->author = store_column_text(q, 4);
	a->parent = store_column_text(q, 5);
	if (db_column_is_null(q, 6)) {
		a->start = a->end = -1;
	} else {
		a->start = db_column_int64(q, 6);
		a->end = db_column_int64(q, 7);
	}
	a->exact = store_column_text(q, 8);
	a->prefix = store_column_text(q, 9);
	a->suffix = store_column_text(q, 10);
	a->style = store_column_text(q, 11);
	a->note = store_column_text(q, 12);
	const char *status = (const char *)db_column_text(q, 13);
	if (!store_status_parse(status, &a->status))
		a->status = STORE_STATUS_OPEN;
	const char *anchor = (const char *)db_column_text(q, 14);
	if (!store_anchor_state_parse(anchor, &a->anchor))
		a->anchor = STORE_ANCHOR_NONE;
	a->is_private = db_column_int(q, 15) != 0;
	a->deleted = db_column_int(q, 16) != 0;
	a->created = store_column_text(q, 17);
	a->updated = store_column_text(q, 18);

	/* Tags come as one JSON array (json_group_array), so that a list
	   costs one query however many tags there are. */
	const char *tags = (const char *)db_column_text(q, 19);
	json_t *arr = tags ? json_loads(tags, 0, NULL) : NULL;
	if (json_is_array(arr) && json_array_size(arr) > 0) {
		a->tags = xcalloc(json_array_size(arr), sizeof *a->tags);
		for (size_t i = 0; i < json_array_size(arr); i++) {
			const char *t = json_string_value(json_array_get(arr, i));
			if (t)
				a->tags[a->tag_count++] = xstrdup(t);
		}
	}
	json_decref(arr);
}

enum gl_status
store_fetch_annotation(struct store *s, const char *id, bool only_visible,
		       struct store_annotation *out, struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *q = store_stmt(s, only_visible ? ST_ANN_GET : ST_ANN_GET_ANY,
				     err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	store_bind_text(q, 2, id);
	enum gl_status st = GL_OK;
	int rc = db_step(q);
	if (rc == DB_ROW)
		store_read_annotation(q, out);
	else if (rc == DB_DONE)
		st = gl_fail(err, GL_NO_MATCH, "no annotation %s", id);
	else
		st = store_sql_fail(s, rc, "cannot read the annotation", err);
	store_stmt_done(q);
	return st;
}

enum gl_status
store_annotation_get(struct store *s, const char *id,
		     struct store_annotation *out, struct gl_error *err)
{
	return store_fetch_annotation(s, id, true, out, err);
}

static int
compare_tags(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool
store_normalize_tags(struct store_annotation *a)
{
	for (size_t i = 0; i < a->tag_count; i++)
		if (!a->tags[i] || !a->tags[i][0])
			return false;
	if (a->tag_count > 1)
		qsort(a->tags, a->tag_count, sizeof *a->tags, compare_tags);
	size_t n = 0;
	for (size_t i = 0; i < a->tag_count; i++) {
		if (n > 0 && strcmp(a->tags[n - 1], a->tags[i]) == 0)
			free(a->tags[i]);
		else
			a->tags[n++] = a->tags[i];
	}
	a->tag_count = n;
	return true;
}

/* Binds the columns of ST_ANN_INSERT / ST_ANN_UPDATE that both have. */
static void
bind_range(struct db_stmt *q, int istart, int iend, const struct store_annotation *a)
{
	if (a->start < 0) {
		db_bind_null(q, istart);
		db_bind_null(q, iend);
	} else {
		db_bind_int64(q, istart, a->start);
		db_bind_int64(q, iend, a->end);
	}
}

/* True when the stored tags of `a` are a->tags (sorted, unique). */
static enum gl_status
tags_unchanged(struct store *s, const struct store_annotation *a, bool *same,
	       struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, ST_TAG_GET, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, a->id);
	size_t n = 0;
	int rc;
	*same = true;
	while ((rc = db_step(q)) == DB_ROW) {
		if (n >= a->tag_count || strcmp(db_column_text(q, 0), a->tags[n]) != 0)
			*same = false;
		n++;
	}
	store_stmt_done(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot read the tags", err);
	if (n != a->tag_count)
		*same = false;
	return GL_OK;
}

/* Replaces the tags and the full-text row of annotation `id`.  Tags that
 * did not change are not rewritten: on PostgreSQL only an annotation's
 * author may write its tags (row-level security), and a colleague's
 * resolve or a re-anchoring must still work. */
static enum gl_status
write_tags_and_fts(struct store *s, const struct store_annotation *a,
		   bool is_new, struct gl_error *err)
{
	bool same = false;
	int rc;
	enum gl_status st = is_new ? GL_OK : tags_unchanged(s, a, &same, err);
	if (st != GL_OK)
		return st;
	bool fts = s->db->ops->has_fts5;
	const enum store_stmt before[] = { ST_TAG_CLEAR, ST_FTS_DELETE };
	for (size_t i = 0; i < GL_ARRAY_LEN(before); i++) {
		if (is_new || (i == 0 && same) || (i == 1 && !fts))
			continue;
		struct db_stmt *q = store_stmt(s, before[i], err);
		if (!q)
			return err ? err->status : GL_STORE;
		store_bind_text(q, 1, a->id);
		rc = db_step(q);
		store_stmt_done(q);
		if (rc != DB_DONE)
			return store_sql_fail(s, rc, "cannot save the tags", err);
	}
	for (size_t i = 0; !same && i < a->tag_count; i++) {
		struct db_stmt *q = store_stmt(s, ST_TAG_INSERT, err);
		if (!q)
			return err ? err->status : GL_STORE;
		store_bind_text(q, 1, a->id);
		store_bind_text(q, 2, a->tags[i]);
		rc = db_step(q);
		store_stmt_done(q);
		if (rc != DB_DONE)
			return store_sql_fail(s, rc, "cannot save the tags", err);
	}
	/* PostgreSQL searches the columns themselves (pg_trgm indexes). */
	if (!fts)
		return GL_OK;
	struct db_stmt *q = store_stmt(s, ST_FTS_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, a->id);
	rc = db_step(q);
	store_stmt_done(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot update the search index", err);
	return GL_OK;
}

enum gl_status
store_write_annotation(struct store *s, const struct store_annotation *a,
		       struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, ST_ANN_UPDATE, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, a->id);
	store_bind_text(q, 2, a->version);
	db_bind_int64(q, 3, a->renderer);
	bind_range(q, 4, 5, a);
	store_bind_text(q, 6, a->exact);
	store_bind_text(q, 7, a->prefix);
	store_bind_text(q, 8, a->suffix);
	store_bind_text(q, 9, a->style);
	store_bind_text(q, 10, a->note);
	store_bind_text(q, 11, store_status_name(a->status));
	store_bind_text(q, 12, store_anchor_state_name(a->anchor));
	db_bind_int64(q, 13, a->is_private);
	db_bind_int64(q, 14, a->deleted);
	store_bind_text(q, 15, a->updated);
	int rc = db_step(q);
	store_stmt_done(q);
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot save the annotation", err);
	return write_tags_and_fts(s, a, false, err);
}

/* Inserts a complete annotation (its id, times and author set) with its
 * tags and full-text row, and logs `what`. */
static enum gl_status
insert_annotation(struct store *s, const struct store_annotation *a,
		  const char *what, struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, ST_ANN_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, a->id);
	store_bind_text(q, 2, a->document);
	store_bind_text(q, 3, a->version);
	db_bind_int64(q, 4, a->renderer);
	store_bind_text(q, 5, a->author);
	store_bind_text(q, 6, a->parent);
	bind_range(q, 7, 8, a);
	store_bind_text(q, 9, a->exact);
	store_bind_text(q, 10, a->prefix);
	store_bind_text(q, 11, a->suffix);
	store_bind_text(q, 12, a->style);
	store_bind_text(q, 13, a->note);
	store_bind_text(q, 14, store_status_name(a->status));
	store_bind_text(q, 15, store_anchor_state_name(a->anchor));
	db_bind_int64(q, 16, a->is_private);
	db_bind_int64(q, 17, a->deleted);
	store_bind_text(q, 18, a->created);
	store_bind_text(q, 19, a->updated);
	int rc = db_step(q);
	store_stmt_done(q);
	if (rc == DB_CONSTRAINT_FK)
		return gl_fail(err, GL_NO_MATCH,
			       "no such document or version in the store");
	if (rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot save the annotation", err);
	enum gl_status st = write_tags_and_fts(s, a, true, err);
	if (st != GL_OK)
		return st;
	return store_log_event(s, what, a->id, NULL, a, 0, err);
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

enum gl_status
store_annotation_add(struct store *s, const struct store_new_annotation *n,
		     char **id, struct gl_error *err)
{
	struct store_annotation a;
	char uuid[STORE_ID_LEN + 1];

	if (!n->document || !n->version)
		return gl_fail(err, GL_USAGE, "an annotation needs a document and a version");
	if ((n->start < 0) != (n->end < 0) || (n->start >= 0 && n->start > n->end))
		return gl_fail(err, GL_USAGE, "bad range %lld:%lld", n->start, n->end);
	enum gl_status st = store_check_writable(s, err);
	if (st != GL_OK)
		return st;

	memset(&a, 0, sizeof a);
	store_new_uuid(uuid);
	a.id = xstrdup(uuid);
	a.document = xstrdup(n->document);
	a.version = xstrdup(n->version);
	a.renderer = n->renderer;
	a.author = xstrdup(s->author);
	a.start = n->start < 0 ? -1 : n->start;
	a.end = n->start < 0 ? -1 : n->end;
	if (a.start >= 0) {
		a.exact = xstrdup(n->exact ? n->exact : "");
		a.prefix = xstrdup(n->prefix ? n->prefix : "");
		a.suffix = xstrdup(n->suffix ? n->suffix : "");
		a.anchor = n->anchor == STORE_ANCHOR_NONE ? STORE_ANCHOR_EXACT
							  : n->anchor;
	} else {
		a.anchor = STORE_ANCHOR_NONE;
	}
	a.style = dup_or_null(n->style);
	a.note = dup_or_null(n->note);
	a.status = STORE_STATUS_OPEN;
	a.is_private = n->is_private;
	a.created = xstrdup(store_now(s));
	a.updated = xstrdup(a.created);
	if (n->tag_count) {
		a.tags = xcalloc(n->tag_count, sizeof *a.tags);
		for (size_t i = 0; i < n->tag_count; i++)
			a.tags[a.tag_count++] = xstrdup(n->tags[i] ? n->tags[i] : "");
	}
	if (!store_normalize_tags(&a)) {
		store_annotation_clear(&a);
		return gl_fail(err, GL_USAGE, "a tag cannot be empty");
	}

	st = store_begin(s, err);
	if (st == GL_OK) {
		st = insert_annotation(s, &a, "add", err);
		st = store_end(s, st, err);
	}
	if (st == GL_OK)
		*id = xstrdup(a.id);
	store_annotation_clear(&a);
	return st;
}

/* Fetches a visible, not deleted annotation for a change. */
static enum gl_status
fetch_live(struct store *s, const char *id, struct store_annotation *a,
	   struct gl_error *err)
{
	enum gl_status st = store_fetch_annotation(s, id, true, a, err);
	if (st == GL_OK && a->deleted) {
		store_annotation_clear(a);
		st = gl_fail(err, GL_NO_MATCH, "annotation %s was deleted", id);
	}
	return st;
}

enum gl_status
store_annotation_reply(struct store *s, const char *parent, const char *note,
		       bool is_private, char **id, struct gl_error *err)
{
	struct store_annotation p, a;
	char uuid[STORE_ID_LEN + 1];

	if (!note || !*note)
		return gl_fail(err, GL_USAGE, "a reply needs a note");
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	st = fetch_live(s, parent, &p, err);
	if (st != GL_OK)
		return store_end(s, st, err);
	memset(&a, 0, sizeof a);
	store_new_uuid(uuid);
	a.id = xstrdup(uuid);
	a.document = xstrdup(p.document);
	a.version = xstrdup(p.version);
	a.renderer = p.renderer;
	a.author = xstrdup(s->author);
	a.parent = xstrdup(p.id);
	a.start = a.end = -1;
	a.anchor = STORE_ANCHOR_NONE;
	a.note = xstrdup(note);
	a.status = STORE_STATUS_OPEN;
	/* A reply to a private note stays private: it would tell others
	   that the note exists. */
	a.is_private = is_private || p.is_private;
	a.created = xstrdup(store_now(s));
	a.updated = xstrdup(a.created);
	st = insert_annotation(s, &a, "reply", err);
	st = store_end(s, st, err);
	if (st == GL_OK)
		*id = xstrdup(a.id);
	store_annotation_clear(&a);
	store_annotation_clear(&p);
	return st;
}

/* A deep copy through the event snapshot form, which carries every
 * field. */
static void
copy_annotation(const struct store_annotation *from, struct store_annotation *to)
{
	json_t *j = store_annotation_to_json(from);
	store_annotation_from_json(j, to);
	json_decref(j);
}

/* True when a change left some field different ("updated" aside). */
static bool
annotations_differ(const struct store_annotation *a,
		   const struct store_annotation *b)
{
	json_t *ja = store_annotation_to_json(a);
	json_t *jb = store_annotation_to_json(b);
	json_object_del(ja, "updated");
	json_object_del(jb, "updated");
	bool differ = !json_equal(ja, jb);
	json_decref(ja);
	json_decref(jb);
	return differ;
}

static void
set_string(char **field, const char *value)
{
	free(*field);
	*field = dup_or_null(value);
}

static bool
has_tag(const struct store_annotation *a, const char *tag)
{
	for (size_t i = 0; i < a->tag_count; i++)
		if (strcmp(a->tags[i], tag) == 0)
			return true;
	return false;
}

/* The common shape of a change by the store's author: fetch, check who
 * may, change a copy, write it and log `what` if anything changed. */
enum change_kind { CHANGE_EDIT, CHANGE_DELETE, CHANGE_STATUS };

enum gl_status
store_refuse_if_replied(struct store *s, const struct store_annotation *a,
			struct gl_error *err)
{
	struct store_filter f = { .parent = a->id };
	struct store_annotation_list l;
	enum gl_status st = store_annotations_list(s, &f, &l, err);
	if (st != GL_OK || l.count == 0) {
		if (st == GL_OK)
			store_annotation_list_free(&l);
		return st;
	}
	/* "1 reply by bob", "3 replies by bob, carol": who would lose what. */
	struct buf who = BUF_INIT;
	bool others = false;
	for (size_t i = 0; i < l.count; i++) {
		const char *name = l.items[i].author;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(l.items[j].author, name) == 0;
		if (seen)
			continue;
		others = others || strcmp(name, s->author) != 0;
		buf_printf(&who, "%s%s", who.len ? ", " : "",
			   strcmp(name, s->author) == 0 ? "you" : name);
	}
	st = gl_fail(err, GL_DENIED,
		     "annotation %.8s is kept: this thread has %zu repl%s by %s; %s",
		     a->id, l.count, l.count == 1 ? "y" : "ies", who.data,
		     others ? "resolve it instead (R, gloss resolve), so the replies "
			      "stay readable"
			    : "delete the replies first");
	buf_free(&who);
	store_annotation_list_free(&l);
	return st;
}

static enum gl_status
change_annotation(struct store *s, const char *id, enum change_kind kind,
		  const struct store_edit *e, enum store_status status,
		  struct gl_error *err)
{
	struct store_annotation before, after;
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	st = fetch_live(s, id, &before, err);
	if (st != GL_OK)
		return store_end(s, st, err);
	if (kind != CHANGE_STATUS && strcmp(before.author, s->author) != 0) {
		st = gl_fail(err, GL_DENIED,
			     "only its author (%s) may %s annotation %.8s",
			     before.author, kind == CHANGE_EDIT ? "edit" : "delete",
			     before.id);
		store_annotation_clear(&before);
		return store_end(s, st, err);
	}
	copy_annotation(&before, &after);

	const char *what = "edit";
	if (kind == CHANGE_EDIT) {
		if (e->set_note)
			set_string(&after.note, e->note);
		if (e->set_style)
			set_string(&after.style, e->style);
		if (e->set_private)
			after.is_private = e->set_private > 0;
		for (size_t i = 0; i < e->add_count; i++) {
			if (!e->add_tags[i] || !e->add_tags[i][0]) {
				st = gl_fail(err, GL_USAGE, "a tag cannot be empty");
				break;
			}
			if (has_tag(&after, e->add_tags[i]))
				continue;
			after.tags = xreallocarray(after.tags, after.tag_count + 1,
						   sizeof *after.tags);
			after.tags[after.tag_count++] = xstrdup(e->add_tags[i]);
		}
		for (size_t i = 0; i < e->remove_count; i++) {
			for (size_t j = 0; j < after.tag_count; j++) {
				if (strcmp(after.tags[j], e->remove_tags[i]) == 0) {
					free(after.tags[j]);
					after.tags[j] = after.tags[--after.tag_count];
					break;
				}
			}
		}
		store_normalize_tags(&after);
	} else if (kind == CHANGE_DELETE) {
		what = "delete";
		after.deleted = true;
		st = store_refuse_if_replied(s, &before, err);
	} else {
		what = status == STORE_STATUS_RESOLVED ? "resolve" : "reopen";
		after.status = status;
	}

	if (st == GL_OK && annotations_differ(&before, &after)) {
		set_string(&after.updated, store_now(s));
		st = store_write_annotation(s, &after, err);
		if (st == GL_OK)
			st = store_log_event(s, what, after.id, &before, &after, 0, err);
	}
	store_annotation_clear(&before);
	store_annotation_clear(&after);
	return store_end(s, st, err);
}

enum gl_status
store_annotation_edit(struct store *s, const char *id, const struct store_edit *e,
		      struct gl_error *err)
{
	return change_annotation(s, id, CHANGE_EDIT, e, STORE_STATUS_OPEN, err);
}

enum gl_status
store_annotation_delete(struct store *s, const char *id, struct gl_error *err)
{
	return change_annotation(s, id, CHANGE_DELETE, NULL, STORE_STATUS_OPEN, err);
}

enum gl_status
store_annotation_set_status(struct store *s, const char *id,
			    enum store_status status, struct gl_error *err)
{
	return change_annotation(s, id, CHANGE_STATUS, NULL, status, err);
}

enum gl_status
store_annotation_reanchor(struct store *s, const char *id, const char *version,
			  int renderer, long long start, long long end,
			  enum store_anchor_state state, struct gl_error *err)
{
	struct store_annotation before, after;
	if ((start < 0) != (end < 0) || start > end || !version)
		return gl_fail(err, GL_USAGE, "bad range %lld:%lld", start, end);
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	st = store_fetch_annotation(s, id, true, &before, err);
	if (st != GL_OK)
		return store_end(s, st, err);
	copy_annotation(&before, &after);
	set_string(&after.version, version);
	after.renderer = renderer;
	after.start = start;
	after.end = end;
	after.anchor = state;
	if (annotations_differ(&before, &after)) {
		st = store_write_annotation(s, &after, err);
		if (st == GL_OK)
			st = store_log_event(s, "reanchor", after.id, &before, &after,
					     0, err);
	}
	store_annotation_clear(&before);
	store_annotation_clear(&after);
	return store_end(s, st, err);
}

enum gl_status
store_annotation_place(struct store *s, const char *id, const char *version,
		       int renderer, long long start, long long end,
		       const char *exact, const char *prefix,
		       const char *suffix, struct gl_error *err)
{
	struct store_annotation before, after;
	struct store_version v;
	if (start < 0 || start > end || !version || !exact)
		return gl_fail(err, GL_USAGE, "bad range %lld:%lld", start, end);
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	st = fetch_live(s, id, &before, err);
	if (st != GL_OK)
		return store_end(s, st, err);
	if (!before.exact || before.parent) {
		st = gl_fail(err, GL_USAGE, "annotation %.8s has no place in the text "
			     "(a page note or a reply)", before.id);
		store_annotation_clear(&before);
		return store_end(s, st, err);
	}
	st = store_version_find(s, version, renderer, false, &v, err);
	if (st == GL_OK && strcmp(v.document, before.document) != 0)
		st = gl_fail(err, GL_NO_MATCH, "that text is not a version of the "
			     "annotation's document");
	if (st == GL_OK && end > v.length_cp)
		st = gl_fail(err, GL_USAGE, "bad range %lld:%lld", start, end);
	store_version_clear(&v);
	if (st != GL_OK) {
		store_annotation_clear(&before);
		return store_end(s, st, err);
	}
	copy_annotation(&before, &after);
	set_string(&after.version, version);
	after.renderer = renderer;
	after.start = start;
	after.end = end;
	set_string(&after.exact, exact);
	set_string(&after.prefix, prefix);
	set_string(&after.suffix, suffix);
	after.anchor = STORE_ANCHOR_EXACT;
	if (annotations_differ(&before, &after)) {
		set_string(&after.updated, store_now(s));
		st = store_write_annotation(s, &after, err);
		/* A change of the reader's own ("place"), which undo puts
		   back, unlike the automatic "reanchor" that undo skips. */
		if (st == GL_OK)
			st = store_log_event(s, "place", after.id, &before, &after,
					     0, err);
	}
	store_annotation_clear(&before);
	store_annotation_clear(&after);
	return store_end(s, st, err);
}

enum gl_status
store_resolve_id(struct store *s, const char *prefix, char **id,
		 struct gl_error *err)
{
	size_t n = prefix ? strlen(prefix) : 0;
	if (n < STORE_ID_MIN_PREFIX)
		return gl_fail(err, GL_USAGE,
			       "annotation id '%s' is too short: give at least %d "
			       "characters", prefix ? prefix : "",
			       STORE_ID_MIN_PREFIX);
	if (n > STORE_ID_LEN)
		return gl_fail(err, GL_NO_MATCH, "no annotation %s", prefix);
	char lower[STORE_ID_LEN + 1];
	for (size_t i = 0; i < n; i++) {
		char c = prefix[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
			return gl_fail(err, GL_USAGE,
				       "'%s' is not an annotation id", prefix);
		lower[i] = c;
	}
	lower[n] = '\0';

	struct db_stmt *q = store_stmt(s, ST_ANN_PREFIX, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	store_bind_text(q, 2, lower);
	char *found = NULL;
	int matches = 0, rc;
	while ((rc = db_step(q)) == DB_ROW) {
		if (matches++ == 0)
			found = store_column_text(q, 0);
	}
	store_stmt_done(q);
	if (rc != DB_DONE) {
		free(found);
		return store_sql_fail(s, rc, "cannot read the annotations", err);
	}
	if (matches == 0)
		return gl_fail(err, GL_NO_MATCH, "no annotation %s", lower);
	if (matches > 1) {
		free(found);
		return gl_fail(err, GL_USAGE,
			       "annotation id %s is ambiguous: give more characters",
			       lower);
	}
	*id = found;
	return GL_OK;
}

/* --------------------------------------------------------------- queries */

/* The parameters of a query built at run time; ?1 is always the author. */
struct query {
	struct buf sql;
	const char *param[12];
	int nparam;   /* param[0] is ?2 */
	char renderer[24];
};

static int
query_param(struct query *q, const char *value)
{
	q->param[q->nparam++] = value;
	return q->nparam + 1;
}

static void
add_filter(struct query *q, const struct store_filter *f)
{
	if (!f)
		return;
	if (!f->include_deleted)
		buf_puts(&q->sql, " AND a.deleted = 0");
	if (f->document)
		buf_printf(&q->sql, " AND a.document = ?%d", query_param(q, f->document));
	if (f->author)
		buf_printf(&q->sql, " AND a.author = ?%d", query_param(q, f->author));
	if (f->parent)
		buf_printf(&q->sql, " AND a.parent = ?%d", query_param(q, f->parent));
	if (f->tag)
		buf_printf(&q->sql, " AND EXISTS (SELECT 1 FROM tags t WHERE "
			   "t.annotation = a.id AND t.tag = ?%d)",
			   query_param(q, f->tag));
	if (f->status_set)
		buf_printf(&q->sql, " AND a.status = ?%d",
			   query_param(q, store_status_name(f->status)));
	if (f->orphans_only)
		buf_puts(&q->sql, " AND a.anchor = 'orphan'");
	if (f->stale_version) {
		/* A bound text compares as a number with an INTEGER column. */
		snprintf(q->renderer, sizeof q->renderer, "%d", f->stale_renderer);
		int v = query_param(q, f->stale_version);
		int r = query_param(q, q->renderer);
		buf_printf(&q->sql, " AND a.start_cp IS NOT NULL AND "
			   "(a.anchor = 'orphan' OR NOT "
			   "(a.version = ?%d AND a.renderer = ?%d))", v, r);
	}
}

static const struct store_annotation_list *sorting_list;

static int
compare_list_ids(const void *a, const void *b)
{
	return strcmp(sorting_list->items[*(const size_t *)a].id,
		      sorting_list->items[*(const size_t *)b].id);
}

/* The query keeps a reply right after its parent, one level deep: a
 * reply to a reply (Hypothesis allows them, gloss reply too) would sort
 * first.  Here every reply goes right after its parent's thread, depth
 * first, the query's order kept among siblings and among threads. */
static void
nest_threads(struct store_annotation_list *l)
{
	size_t n = l->count, none = (size_t)-1;
	bool replies = false;
	for (size_t i = 0; i < n && !replies; i++)
		replies = l->items[i].parent != NULL;
	if (!replies)
		return;
	size_t *by_id = xcalloc(n, sizeof *by_id);
	size_t *parent = xcalloc(n, sizeof *parent);
	size_t *first = xcalloc(n, sizeof *first), *last = xcalloc(n, sizeof *last);
	size_t *next = xcalloc(n, sizeof *next), *order = xcalloc(n, sizeof *order);
	bool *done = xcalloc(n, sizeof *done);
	for (size_t i = 0; i < n; i++) {
		by_id[i] = i;
		first[i] = last[i] = next[i] = parent[i] = none;
	}
	sorting_list = l;
	qsort(by_id, n, sizeof *by_id, compare_list_ids);
	sorting_list = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *pid = l->items[i].parent;
		size_t lo = 0, hi = n;
		while (pid && lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(l->items[by_id[mid]].id, pid);
			if (c == 0) {
				parent[i] = by_id[mid];
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t p = parent[i];
		if (p == none || p == i)
			continue;
		if (last[p] == none)
			first[p] = i;
		else
			next[last[p]] = i;
		last[p] = i;
	}
	size_t k = 0;
	for (size_t r = 0; r < n; r++) {
		if (parent[r] != none && parent[r] != r)
			continue;
		/* Pre-order walk of r's thread by the parent links. */
		size_t x = r;
		while (x != none && !done[x]) {
			done[x] = true;
			order[k++] = x;
			if (first[x] != none && !done[first[x]]) {
				x = first[x];
				continue;
			}
			while (x != r && next[x] == none)
				x = parent[x];
			x = x == r ? none : next[x];
		}
	}
	for (size_t i = 0; i < n; i++)   /* a loop of replies: as it came */
		if (!done[i])
			order[k++] = i;
	struct store_annotation *items = xcalloc(n, sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = l->items[order[i]];
	memcpy(l->items, items, n * sizeof *items);
	free(items);
	free(by_id);
	free(parent);
	free(first);
	free(last);
	free(next);
	free(order);
	free(done);
}

/* Runs a list query and reads every annotation it gives. */
/* Prepares qu (freeing its SQL) with its parameters bound: ?1 the author,
 * then qu's.  On failure *out is NULL and the db's code is returned. */
static int
prepare_query(struct store *s, struct query *qu, struct db_stmt **out)
{
	*out = NULL;
	int rc = db_prepare(s->db, qu->sql.data, out);
	buf_free(&qu->sql);
	if (rc != DB_OK) {
		db_finalize(*out);
		*out = NULL;
		return rc;
	}
	store_bind_text(*out, 1, s->author);
	for (int i = 0; i < qu->nparam; i++)
		store_bind_text(*out, i + 2, qu->param[i]);
	return DB_OK;
}

static enum gl_status
run_annotation_query(struct store *s, struct query *qu,
		     struct store_annotation_list *out, struct gl_error *err)
{
	/* Threads stay together: a reply sorts right after its parent. */
	buf_puts(&qu->sql, " ORDER BY a.document, coalesce(p.start_cp, "
		 "a.start_cp, -1), coalesce(p.seq, a.seq), a.seq");
	struct db_stmt *q;
	int rc = prepare_query(s, qu, &q);
	if (rc != DB_OK)
		return store_sql_fail(s, rc, "cannot read the annotations", err);
	size_t cap = 0;
	while ((rc = db_step(q)) == DB_ROW) {
		if (out->count == cap) {
			cap = cap ? cap * 2 : 64;
			out->items = xreallocarray(out->items, cap, sizeof *out->items);
		}
		store_read_annotation(q, &out->items[out->count++]);
	}
	db_finalize(q);
	if (rc != DB_DONE) {
		store_annotation_list_free(out);
		return store_sql_fail(s, rc, "cannot read the annotations", err);
	}
	nest_threads(out);
	return GL_OK;
}

/* Starts a query of the annotations the author may see: `what` is the
 * select list (the columns store_read_annotation reads, or a constant
 * when only "any?" is asked), `join` a join before the parent's. */
static void
query_select(struct query *q, const char *what, const char *join)
{
	memset(q, 0, sizeof *q);
	buf_printf(&q->sql, "SELECT %s FROM annotations a ", what);
	buf_puts(&q->sql, join);
	buf_puts(&q->sql, " LEFT JOIN annotations p ON p.id = a.parent WHERE "
		 STORE_VISIBLE);
}

static void
query_start(struct query *q, const char *join)
{
	query_select(q, STORE_ANNOTATION_COLUMNS, join);
}

enum gl_status
store_annotations_list(struct store *s, const struct store_filter *f,
		       struct store_annotation_list *out, struct gl_error *err)
{
	struct query q;
	struct store_filter none = { 0 };
	memset(out, 0, sizeof *out);
	query_start(&q, "");
	add_filter(&q, f ? f : &none);
	return run_annotation_query(s, &q, out, err);
}

enum gl_status
store_annotations_exist(struct store *s, const struct store_filter *f, bool *any,
			struct gl_error *err)
{
	struct query q;
	struct store_filter none = { 0 };
	*any = false;
	query_select(&q, "1", "");
	add_filter(&q, f ? f : &none);
	buf_puts(&q.sql, " LIMIT 1");
	struct db_stmt *st;
	int rc = prepare_query(s, &q, &st);
	if (rc != DB_OK)
		return store_sql_fail(s, rc, "cannot read the annotations", err);
	rc = db_step(st);
	*any = rc == DB_ROW;
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_sql_fail(s, rc, "cannot read the annotations", err);
	return GL_OK;
}

/* Code points in a UTF-8 string: the bytes that do not continue one. */
static size_t
count_code_points(const char *str)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)str; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

/* The FTS5 string of one phrase: the trigram tokenizer makes it a
 * phrase of trigrams, i.e. a substring match.  Quotes are doubled.
 * Caller frees. */
static char *
fts_phrase(const char *text)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			buf_putc(&b, '"');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '"');
	return buf_steal(&b, NULL);
}

/* True when the annotation's quote, note or one of its tags holds the
 * needle under the text fold (smart case). */
static bool
fold_match(const struct store_text_fold *tf, const struct store_annotation *a,
	   const struct buf *needle, bool cs)
{
	if (a->exact && tf->contains(needle->data, needle->len, cs, a->exact, strlen(a->exact)))
		return true;
	if (a->note && tf->contains(needle->data, needle->len, cs, a->note, strlen(a->note)))
		return true;
	for (size_t i = 0; i < a->tag_count; i++)
		if (tf->contains(needle->data, needle->len, cs, a->tags[i], strlen(a->tags[i])))
			return true;
	return false;
}

/* store_search with a text fold.  The SQL finds candidates: every
 * annotation whose fields, folded, hold the folded query (a superset:
 * tags are joined, and the trigram tokenizer folds case again); the
 * fold's `contains` then keeps the true matches, with smart case, as
 * the reader's / does.  SQLite, index built with this fold: a MATCH of
 * the folded query (three code points or more), else an instr() scan
 * of the index's own folded text, which is far cheaper than folding
 * every annotation; with a backlog, its rows are folded and scanned as
 * well.  An index built with another fold (a read-only store of schema
 * 3) or PostgreSQL (whose pg_trgm indexes hold text unfolded): a scan,
 * gloss_fold() in SQL or every visible annotation here. */
static enum gl_status
search_folded(struct store *s, const struct store_text_fold *tf, const char *query,
	      const struct store_filter *f, struct store_annotation_list *out,
	      struct gl_error *err)
{
	struct buf needle = BUF_INIT, key = BUF_INIT;
	bool cs = tf->query(&needle, query, strlen(query));
	tf->fold(&key, query, strlen(query), NULL);
	if (needle.len == 0 || key.len == 0) {
		buf_free(&needle);
		buf_free(&key);
		return gl_fail(err, GL_USAGE, "nothing to search for");
	}
	struct query q;
	char *phrase = NULL;
	long long after = 0, upto = 0;
	if (!s->db->ops->has_fts5) {
		query_start(&q, "");
	} else if (store_search_index_folded(s)) {
		query_start(&q, "");
		int k = query_param(&q, key.data);
		if (count_code_points(key.data) >= 3) {
			phrase = fts_phrase(key.data);
			buf_printf(&q.sql, " AND (a.seq IN (SELECT rowid FROM annotations_fts"
				   " WHERE annotations_fts MATCH ?%d)",
				   query_param(&q, phrase));
		} else {
			/* No trigram: FTS5 answers neither MATCH nor LIKE
			   (SQLite 3.40); its table is read whole. */
			buf_printf(&q.sql, " AND (a.seq IN (SELECT rowid FROM annotations_fts"
				   " WHERE instr(exact, ?%d) > 0 OR instr(note, ?%d) > 0"
				   " OR instr(tags, ?%d) > 0)", k, k, k);
		}
		if (store_search_backlog(s, &after, &upto))
			buf_printf(&q.sql, " OR (a.seq > %lld AND a.seq <= %lld"
				   " AND (instr(gloss_fold(coalesce(a.exact, '')), ?%d) > 0"
				   " OR instr(gloss_fold(coalesce(a.note, '')), ?%d) > 0"
				   " OR EXISTS (SELECT 1 FROM tags t WHERE t.annotation = a.id"
				   " AND instr(gloss_fold(t.tag), ?%d) > 0)))",
				   after, upto, k, k, k);
		buf_putc(&q.sql, ')');
	} else {
		query_start(&q, "");
		int k = query_param(&q, key.data);
		buf_printf(&q.sql,
			   " AND (instr(gloss_fold(coalesce(a.exact, '')), ?%d) > 0"
			   " OR instr(gloss_fold(coalesce(a.note, '')), ?%d) > 0"
			   " OR EXISTS (SELECT 1 FROM tags t WHERE t.annotation = a.id"
			   " AND instr(gloss_fold(t.tag), ?%d) > 0))", k, k, k);
	}
	struct store_filter none = { 0 };
	add_filter(&q, f ? f : &none);
	enum gl_status st = run_annotation_query(s, &q, out, err);
	if (st == GL_OK) {
		size_t kept = 0;
		for (size_t i = 0; i < out->count; i++) {
			if (fold_match(tf, &out->items[i], &needle, cs))
				out->items[kept++] = out->items[i];
			else
				store_annotation_clear(&out->items[i]);
		}
		out->count = kept;
	}
	free(phrase);
	buf_free(&needle);
	buf_free(&key);
	return st;
}

enum gl_status
store_search(struct store *s, const char *query, const struct store_filter *f,
	     struct store_annotation_list *out, struct gl_error *err)
{
	struct query q;
	struct store_filter none = { 0 };
	memset(out, 0, sizeof *out);
	if (!query || !*query)
		return gl_fail(err, GL_USAGE, "nothing to search for");
	const struct store_text_fold *tf = store_text_fold();
	if (tf)
		return search_folded(s, tf, query, f, out, err);

	char *phrase = NULL;
	if (!s->db->ops->has_fts5) {
		/* PostgreSQL: ILIKE over the same fields, answered by the
		   pg_trgm GIN indexes of search_text (the shared annotations)
		   for three or more characters, and by a scan for a shorter
		   pattern, which has no trigram, so a two-character CJK query
		   finds every match; the author's private annotations are
		   searched among those (store-pg.c says why).  %, _ and \
		   are escaped. */
		struct buf b = BUF_INIT;
		buf_putc(&b, '%');
		for (const char *p = query; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '%');
		phrase = buf_steal(&b, NULL);
		/* The matches are found once, first (a materialized CTE),
		   then joined: whatever the planner believes of the tables'
		   sizes, the search never runs once per annotation. */
		query_start(&q, "JOIN hits ON hits.seq = a.seq");
		int i = query_param(&q, phrase);
		/* A pattern without a trigram would make a full scan of
		   each index, slower than reading the table: "|| ''" keeps
		   the planner from the indexes then. */
		const char *plain = count_code_points(query) < 3 ? " || ''" : "";
		struct buf sql = BUF_INIT;
		buf_printf(&sql,
			   "WITH hits AS MATERIALIZED (SELECT x.seq FROM search_text x"
			   " WHERE (x.exact%s) ILIKE ?%d OR (x.note%s) ILIKE ?%d"
			   " OR (x.tags%s) ILIKE ?%d"
			   " UNION SELECT b.seq FROM annotations b"
			   " WHERE b.private = 1 AND b.author = ?1"
			   " AND (b.exact ILIKE ?%d OR b.note ILIKE ?%d"
			   " OR EXISTS (SELECT 1 FROM tags t WHERE t.annotation = b.id"
			   " AND t.tag ILIKE ?%d))) ", plain, i, plain, i, plain, i,
			   i, i, i);
		buf_append(&sql, q.sql.data, q.sql.len);
		buf_free(&q.sql);
		q.sql = sql;
	} else if (count_code_points(query) >= 3) {
		phrase = fts_phrase(query);
		long long after, upto;
		if (!store_search_backlog(s, &after, &upto)) {
			query_start(&q, "JOIN annotations_fts ON annotations_fts.rowid = a.seq");
			buf_printf(&q.sql, " AND annotations_fts MATCH ?%d",
				   query_param(&q, phrase));
		} else {
			/* A big import's rows not indexed yet (store-import.c):
			   the index's matches and a scan of those rows, over
			   the same text the index would hold (tags joined by
			   a space).  lower() folds ASCII only, where the
			   trigram tokenizer folds all of Unicode's cases. */
			query_start(&q, "");
			int m = query_param(&q, phrase);
			int i = query_param(&q, query);
			buf_printf(&q.sql,
				   " AND (a.seq IN (SELECT rowid FROM annotations_fts"
				   " WHERE annotations_fts MATCH ?%d)"
				   " OR (a.seq > %lld AND a.seq <= %lld"
				   " AND (instr(lower(coalesce(a.exact, '')), lower(?%d)) > 0"
				   " OR instr(lower(coalesce(a.note, '')), lower(?%d)) > 0"
				   " OR instr(lower(coalesce((SELECT group_concat(tag, ' ')"
				   " FROM (SELECT tag FROM tags WHERE annotation = a.id"
				   " ORDER BY tag)), '')), lower(?%d)) > 0)))",
				   m, after, upto, i, i, i);
		}
	} else {
		/* Too short for a trigram: FTS5 answers neither MATCH nor
		   LIKE for it (SQLite 3.40), so scan the same fields. */
		query_start(&q, "");
		int i = query_param(&q, query);
		buf_printf(&q.sql,
			   " AND (instr(lower(coalesce(a.exact, '')), lower(?%d)) > 0"
			   " OR instr(lower(coalesce(a.note, '')), lower(?%d)) > 0"
			   " OR EXISTS (SELECT 1 FROM tags t WHERE t.annotation = a.id"
			   " AND instr(lower(t.tag), lower(?%d)) > 0))", i, i, i);
	}
	add_filter(&q, f ? f : &none);
	enum gl_status st = run_annotation_query(s, &q, out, err);
	free(phrase);
	return st;
}

/* ------------------------------------------------------------------ tags */

enum gl_status
store_tags_list(struct store *s, const char *document, struct store_tag_list *out,
		struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	const char *sql = document
		? "SELECT t.tag, count(*) FROM tags t JOIN annotations a ON "
		  "a.id = t.annotation WHERE a.deleted = 0 AND " STORE_VISIBLE
		  " AND a.document = ?2 GROUP BY t.tag ORDER BY t.tag"
		: "SELECT t.tag, count(*) FROM tags t JOIN annotations a ON "
		  "a.id = t.annotation WHERE a.deleted = 0 AND " STORE_VISIBLE
		  " GROUP BY t.tag ORDER BY t.tag";
	struct db_stmt *q = NULL;
	int rc = db_prepare(s->db, sql, &q);
	if (rc != DB_OK) {
		db_finalize(q);
		return store_sql_fail(s, rc, "cannot read the tags", err);
	}
	store_bind_text(q, 1, s->author);
	if (document)
		store_bind_text(q, 2, document);
	size_t cap = 0;
	while ((rc = db_step(q)) == DB_ROW) {
		if (out->count == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xreallocarray(out->items, cap, sizeof *out->items);
		}
		out->items[out->count].tag = store_column_text(q, 0);
		out->items[out->count].count = db_column_int64(q, 1);
		out->count++;
	}
	db_finalize(q);
	if (rc != DB_DONE) {
		store_tag_list_free(out);
		return store_sql_fail(s, rc, "cannot read the tags", err);
	}
	return GL_OK;
}

/* ------------------------------------------------- positions and "seen" */

/* Runs an upsert of the author's row for `document`; ?3 is `value` (a
 * number when is_offset), ?4 the time. */
static enum gl_status
upsert_reader_row(struct store *s, enum store_stmt which, const char *document,
		  long long offset, struct gl_error *err)
{
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	struct db_stmt *q = store_stmt(s, which, err);
	if (!q)
		return store_end(s, err ? err->status : GL_STORE, err);
	store_bind_text(q, 1, s->author);
	store_bind_text(q, 2, document);
	if (which == ST_POS_SET) {
		db_bind_int64(q, 3, offset);
		store_bind_text(q, 4, store_now(s));
	} else {
		store_bind_text(q, 3, store_now(s));
	}
	int rc = db_step(q);
	store_stmt_done(q);
	if (rc == DB_CONSTRAINT_FK)
		st = gl_fail(err, GL_NO_MATCH, "no document %s in the store", document);
	else if (rc != DB_DONE)
		st = store_sql_fail(s, rc, "cannot save the reading position", err);
	return store_end(s, st, err);
}

enum gl_status
store_position_set(struct store *s, const char *document, long long offset,
		   struct gl_error *err)
{
	if (offset < 0)
		return gl_fail(err, GL_USAGE, "bad reading position %lld", offset);
	return upsert_reader_row(s, ST_POS_SET, document, offset, err);
}

enum gl_status
store_seen_mark(struct store *s, const char *document, struct gl_error *err)
{
	return upsert_reader_row(s, ST_SEEN_SET, document, 0, err);
}

/* Reads the author's row for `document` from a ST_*_GET statement. */
static enum gl_status
get_reader_row(struct store *s, enum store_stmt which, const char *document,
	       long long *offset, char **time, struct gl_error *err)
{
	struct db_stmt *q = store_stmt(s, which, err);
	if (!q)
		return err ? err->status : GL_STORE;
	store_bind_text(q, 1, s->author);
	store_bind_text(q, 2, document);
	enum gl_status st = GL_OK;
	int rc = db_step(q);
	if (rc == DB_ROW) {
		if (offset)
			*offset = db_column_int64(q, 0);
		if (time)
			*time = store_column_text(q, 0);
	} else if (rc == DB_DONE) {
		st = gl_fail(err, GL_NO_MATCH, "nothing recorded for document %s",
			     document);
	} else {
		st = store_sql_fail(s, rc, "cannot read the reading position", err);
	}
	store_stmt_done(q);
	return st;
}

enum gl_status
store_position_get(struct store *s, const char *document, long long *offset,
		   struct gl_error *err)
{
	return get_reader_row(s, ST_POS_GET, document, offset, NULL, err);
}

enum gl_status
store_seen_get(struct store *s, const char *document, char **time,
	       struct gl_error *err)
{
	return get_reader_row(s, ST_SEEN_GET, document, NULL, time, err);
}
