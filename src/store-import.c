/* store-import: merging annotations that come from outside (gloss
 * import): each one keeps the id, author, parent and times it was made
 * with, and is added, updated or left alone by its id. */
#include "config.h"

#include "store-internal.h"

#include <stdio.h>
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

static int
compare_tags(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The row as the import wants it stored, as a view of `in` (nothing is
 * copied but the list of tags, sorted and unique: free a->tags).  Fields
 * an import never sets (deleted) are false; an empty note or style is
 * NULL, as the other calls store them.  False for an empty tag. */
static bool
build(const struct store_annotation *in, struct store_annotation *a)
{
	static char empty[] = "";
	memset(a, 0, sizeof *a);
	a->id = in->id;
	a->document = in->document;
	a->version = in->version;
	a->renderer = in->renderer;
	a->author = in->author;
	a->parent = in->parent && *in->parent ? in->parent : NULL;
	a->start = in->start < 0 ? -1 : in->start;
	a->end = in->start < 0 ? -1 : in->end;
	if (a->start >= 0) {
		a->exact = in->exact ? in->exact : empty;
		a->prefix = in->prefix;
		a->suffix = in->suffix;
		a->anchor = in->anchor == STORE_ANCHOR_NONE ? STORE_ANCHOR_EXACT
							    : in->anchor;
	} else {
		a->anchor = STORE_ANCHOR_NONE;
	}
	a->style = in->style && *in->style ? in->style : NULL;
	a->note = in->note && *in->note ? in->note : NULL;
	a->status = in->status;
	a->is_private = in->is_private;
	a->created = in->created;
	a->updated = in->updated && strcmp(in->updated, in->created) > 0
		     ? in->updated : in->created;
	if (in->tag_count) {
		a->tags = xcalloc(in->tag_count, sizeof *a->tags);
		for (size_t i = 0; i < in->tag_count; i++) {
			if (!in->tags[i] || !in->tags[i][0])
				return false;
			a->tags[i] = in->tags[i];
		}
		if (in->tag_count > 1)
			qsort(a->tags, in->tag_count, sizeof *a->tags, compare_tags);
		for (size_t i = 0; i < in->tag_count; i++)
			if (a->tag_count == 0 || strcmp(a->tags[a->tag_count - 1], a->tags[i]) != 0)
				a->tags[a->tag_count++] = a->tags[i];
	}
	return true;
}

/* Inserts a new row with its tags; its full-text entry is made by
 * index_new_rows, for all the new rows at once. */
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

/* ------------------------------------------------- the event of an add
 * An import logs an event per annotation, as every change does, with the
 * snapshot store_annotation_to_json makes.  For the thousands an import
 * adds it is written directly: the same members, the same JSON, in a
 * fraction of the time jansson's objects take (the lock is held
 * meanwhile).  tests/unit/test-import.c checks the two agree. */

static void
json_text(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, run, (size_t)(p - run));
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_printf(b, "\\u%04x", c); break;
		}
		run = p + 1;
	}
	buf_puts(b, run);
	buf_putc(b, '"');
}

void
store_snapshot_text(struct buf *b, const struct store_annotation *a)
{
	buf_puts(b, "{\"id\":");
	json_text(b, a->id);
	buf_puts(b, ",\"document\":");
	json_text(b, a->document);
	buf_puts(b, ",\"version\":");
	json_text(b, a->version);
	buf_printf(b, ",\"renderer\":%d,\"author\":", a->renderer);
	json_text(b, a->author);
	buf_puts(b, ",\"parent\":");
	json_text(b, a->parent);
	if (a->start < 0)
		buf_puts(b, ",\"start\":null,\"end\":null");
	else
		buf_printf(b, ",\"start\":%lld,\"end\":%lld", a->start, a->end);
	buf_puts(b, ",\"exact\":");
	json_text(b, a->exact);
	buf_puts(b, ",\"prefix\":");
	json_text(b, a->prefix);
	buf_puts(b, ",\"suffix\":");
	json_text(b, a->suffix);
	buf_puts(b, ",\"style\":");
	json_text(b, a->style);
	buf_puts(b, ",\"note\":");
	json_text(b, a->note);
	buf_printf(b, ",\"status\":\"%s\",\"anchor\":\"%s\",\"private\":%s,"
		   "\"deleted\":%s,\"created\":", store_status_name(a->status),
		   store_anchor_state_name(a->anchor), a->is_private ? "true" : "false",
		   a->deleted ? "true" : "false");
	json_text(b, a->created);
	buf_puts(b, ",\"updated\":");
	json_text(b, a->updated);
	buf_puts(b, ",\"tags\":[");
	for (size_t i = 0; i < a->tag_count; i++) {
		if (i)
			buf_putc(b, ',');
		json_text(b, a->tags[i]);
	}
	buf_puts(b, "]}");
}

/* store_log_event(s, "import", a->id, NULL, a, 0) for an added one. */
static enum gl_status
log_added(struct store *s, const struct store_annotation *a, struct buf *scratch,
	  struct gl_error *err)
{
	sqlite3_stmt *q = store_stmt(s, ST_EVENT_INSERT, err);
	if (!q)
		return err ? err->status : GL_STORE;
	buf_clear(scratch);
	store_snapshot_text(scratch, a);
	store_bind_text(q, 1, store_now(s));
	store_bind_text(q, 2, s->author);
	store_bind_text(q, 3, "import");
	store_bind_text(q, 4, a->id);
	sqlite3_bind_null(q, 5);
	sqlite3_bind_text(q, 6, scratch->data, (int)scratch->len, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	store_stmt_done(q);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, rc, "cannot record the change", err);
	return GL_OK;
}

/* Runs one SQL statement with an optional integer parameter ?1. */
static enum gl_status
run_sql(struct store *s, const char *sql, bool with_param, long long param,
	const char *what, struct gl_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc == SQLITE_OK) {
		if (with_param)
			sqlite3_bind_int64(q, 1, param);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return store_sql_fail(s, rc, what, err);
	return GL_OK;
}

static enum gl_status
query_int(struct store *s, const char *sql, long long *out, struct gl_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	*out = -1;
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_type(q, 0) != SQLITE_NULL)
			*out = sqlite3_column_int64(q, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, rc, "cannot read the store", err);
	return GL_OK;
}

/* Indexes every annotation inserted after row `after` in one statement:
 * FTS5 builds its index far faster from one big insert than from one
 * insert per row between other writes.  For a big batch its pending-data
 * buffer (hashsize) is raised for the statement and put back after, so
 * the index is written in a few large segments. */
#define BULK_HASHSIZE (64LL * 1024 * 1024)
#define FTS5_DEFAULT_HASHSIZE (1024LL * 1024)

static enum gl_status
index_new_rows(struct store *s, long long after, size_t count,
	       struct gl_error *err)
{
	enum gl_status st = GL_OK;
	long long old = -1;
	bool big = count >= 1000;
	if (big) {
		st = query_int(s, "SELECT v FROM annotations_fts_config "
			       "WHERE k = 'hashsize'", &old, err);
		if (st == GL_OK)
			st = run_sql(s, "INSERT INTO annotations_fts (annotations_fts, "
				     "rank) VALUES ('hashsize', ?1)", true, BULK_HASHSIZE,
				     "cannot update the search index", err);
	}
	if (st == GL_OK)
		st = run_sql(s, "INSERT INTO annotations_fts (rowid, exact, note, tags) "
			     "SELECT a.seq, coalesce(a.exact, ''), coalesce(a.note, ''), "
			     "coalesce((SELECT group_concat(tag, ' ') FROM "
			     "(SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag)), '') "
			     "FROM annotations a WHERE a.seq > ?1 ORDER BY a.seq",
			     true, after, "cannot update the search index", err);
	if (st == GL_OK && big)
		st = run_sql(s, "INSERT INTO annotations_fts (annotations_fts, rank) "
			     "VALUES ('hashsize', ?1)", true,
			     old > 0 ? old : FTS5_DEFAULT_HASHSIZE,
			     "cannot update the search index", err);
	return st;
}

/* Merges one annotation (see store_annotation_import), inside the
 * transaction of store_annotations_import.  An added one has no
 * full-text entry yet: index_new_rows makes them all at the end. */
static enum gl_status
import_one(struct store *s, const struct store_annotation *in,
	   enum store_import_result *result, struct buf *scratch,
	   struct gl_error *err)
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
	if (!build(in, &a)) {
		free(a.tags);
		return gl_fail(err, GL_USAGE, "annotation %s: a tag cannot be empty",
			       in->id);
	}
	st = store_fetch_annotation(s, a.id, false, &old, err);
	if (st == GL_NO_MATCH) {
		st = insert_row(s, &a, err);
		if (st == GL_OK)
			st = log_added(s, &a, scratch, err);
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
	free(a.tags);
	return st;
}

enum gl_status
store_annotations_import(struct store *s, const struct store_annotation *a,
			 size_t n, enum store_import_result *results,
			 struct gl_error *err)
{
	enum gl_status st = store_check_writable(s, err);
	if (st != GL_OK)
		return st;
	st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	long long last = -1;
	size_t added = 0;
	struct buf scratch = BUF_INIT;
	st = query_int(s, "SELECT max(seq) FROM annotations", &last, err);
	/* A big batch writes more pages than the default cache holds: spilling
	   them to the WAL in the middle of the transaction costs more than
	   the memory (the cache only grows as far as it is used). */
	long long cache = 0;
	bool big = n >= 1000;
	if (st == GL_OK && big) {
		st = query_int(s, "PRAGMA cache_size", &cache, err);
		if (st == GL_OK)
			st = run_sql(s, "PRAGMA cache_size = -131072", false, 0,
				     "cannot set the cache size", err);
	}
	for (size_t i = 0; i < n && st == GL_OK; i++) {
		enum store_import_result r = STORE_IMPORT_UNCHANGED;
		st = import_one(s, &a[i], &r, &scratch, err);
		if (r == STORE_IMPORT_ADDED)
			added++;
		if (results)
			results[i] = r;
	}
	buf_free(&scratch);
	if (st == GL_OK && added)
		st = index_new_rows(s, last < 0 ? 0 : last, added, err);
	if (big && cache != 0) {
		char *sql = xasprintf("PRAGMA cache_size = %lld", cache);
		run_sql(s, sql, false, 0, "cannot set the cache size", NULL);
		free(sql);
	}
	return store_end(s, st, err);
}

enum gl_status
store_annotation_import(struct store *s, const struct store_annotation *a,
			enum store_import_result *result, struct gl_error *err)
{
	enum store_import_result r = STORE_IMPORT_UNCHANGED;
	enum gl_status st = store_annotations_import(s, a, 1, &r, err);
	if (st == GL_OK && result)
		*result = r;
	return st;
}
