/* store-internal.h: what the store's files (store.c, store-schema.c,
 * store-annot.c, store-events.c) share.  Only src/store*.c include this,
 * and with it <sqlite3.h>; nothing here crosses store.h. */
#ifndef GLOSS_STORE_INTERNAL_H
#define GLOSS_STORE_INTERNAL_H

#include "gloss/store.h"
#include "gloss/util.h"

#include <jansson.h>
#include <sqlite3.h>

/* PRAGMA application_id of a gloss store: "glos" in ASCII. */
#define STORE_APPLICATION_ID 0x676c6f73

/* The SELECT list that store_read_annotation() reads, in its order, for a
 * query over "annotations a". */
#define STORE_ANNOTATION_COLUMNS \
	"a.id, a.document, a.version, a.renderer, a.author, a.parent, " \
	"a.start_cp, a.end_cp, a.exact, a.prefix, a.suffix, a.style, a.note, " \
	"a.status, a.anchor, a.private, a.deleted, a.created, a.updated, " \
	"(SELECT json_group_array(tag) FROM " \
	"(SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag))"
#define STORE_ANNOTATION_NCOLUMNS 20
/* Who may see an annotation: shared ones, and the author's own.  ?1 is
 * the store's author in every statement that uses it. */
#define STORE_VISIBLE "(a.private = 0 OR a.author = ?1)"

/* The prepared statements, prepared on first use (SQLITE_PREPARE_PERSISTENT)
 * and finalized by store_close.  Their SQL is in store.c's table. */
enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_DATA_VERSION,
	ST_DOC_INSERT,
	ST_DOC_UPDATE,
	ST_DOC_GET,
	ST_DOC_BY_SOURCE,
	ST_DOC_LIST,
	ST_VER_INSERT,
	ST_VER_FIND,
	ST_VER_LATEST,
	ST_ANN_INSERT,
	ST_ANN_UPDATE,
	ST_ANN_GET,
	ST_ANN_GET_ANY,
	ST_ANN_PREFIX,
	ST_TAG_INSERT,
	ST_TAG_CLEAR,
	ST_FTS_DELETE,
	ST_FTS_INSERT,
	ST_POS_SET,
	ST_POS_GET,
	ST_SEEN_SET,
	ST_SEEN_GET,
	ST_EVENT_INSERT,
	ST_EVENT_GET,
	ST_EVENT_MINE,
	ST_EVENT_LIST_ONE,
	ST_EVENT_LIST_ALL,
	ST_COUNT
};

struct store {
	sqlite3 *db;
	char *path;
	char *author;
	char *notice;            /* why read-only, or NULL */
	bool readonly;
	sqlite3_stmt *stmt[ST_COUNT];
	int tx_depth;            /* nesting of store_begin */
	bool tx_failed;          /* a call inside the transaction failed */
	struct gl_error tx_error;/* ... and this was its error */
	long long data_version;  /* last PRAGMA data_version seen; -1: none */
	char now[32];            /* scratch for store_now() */
};

/* The cached statement `id`, reset and with its bindings cleared; NULL
 * with err filled when it cannot be prepared. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id,
			 struct gl_error *err);
/* Resets a statement after use (keeps it cached). */
void store_stmt_done(sqlite3_stmt *st);

/* Turns an SQLite result code into a status and a one-line message about
 * `what` (e.g. "cannot save the annotation"). */
enum gl_status store_sql_fail(struct store *s, int rc, const char *what,
			      struct gl_error *err);
/* Refuses a change on a read-only store (GL_STORE_READONLY). */
enum gl_status store_check_writable(struct store *s, struct gl_error *err);
/* Ends a write begun with store_begin: commits on GL_OK, else rolls back
 * (this level and, through the outermost, everything).  Returns the
 * status of the whole: `st`, or the commit's failure. */
enum gl_status store_end(struct store *s, enum gl_status st,
			 struct gl_error *err);

/* The current time, ISO 8601 UTC (or $GLOSS_NOW), in s->now. */
const char *store_now(struct store *s);
/* A fresh version 4 UUID into out (STORE_ID_LEN + 1 bytes). */
void store_new_uuid(char out[STORE_ID_LEN + 1]);

/* Binding helpers: NULL binds SQL NULL.  Text is bound transiently. */
int store_bind_text(sqlite3_stmt *st, int i, const char *text);
/* A column as a malloc'd string, or NULL for SQL NULL. */
char *store_column_text(sqlite3_stmt *st, int i);

/* schema (store-schema.c): brings the schema from `version` (read inside
 * the transaction) up to STORE_SCHEMA_VERSION.  Runs inside BEGIN
 * IMMEDIATE, which it opens and commits. */
enum gl_status store_migrate(struct store *s, struct gl_error *err);

/* annotations (store-annot.c) */
/* Reads the STORE_ANNOTATION_COLUMNS of the current row into *a. */
void store_read_annotation(sqlite3_stmt *st, struct store_annotation *a);
/* Fetches an annotation by full id regardless of who may see it. */
enum gl_status store_fetch_annotation(struct store *s, const char *id,
				      bool only_visible,
				      struct store_annotation *out,
				      struct gl_error *err);
/* Writes every mutable field of `a` (found by a->id), its tags and its
 * full-text row.  Inside a transaction. */
enum gl_status store_write_annotation(struct store *s,
				      const struct store_annotation *a,
				      struct gl_error *err);
/* Sorts and de-duplicates a->tags; false when a tag is empty. */
bool store_normalize_tags(struct store_annotation *a);

/* import (store-import.c) */
/* Appends the JSON text of store_annotation_to_json(a), written without
 * jansson (for speed); the two must agree. */
void store_snapshot_text(struct buf *b, const struct store_annotation *a);

/* events (store-events.c) */
/* The JSON snapshot of an annotation kept in events (new reference). */
json_t *store_annotation_to_json(const struct store_annotation *a);
/* The reverse; false when the JSON lacks something. */
bool store_annotation_from_json(const json_t *j, struct store_annotation *a);
/* Appends an event.  before/after may be NULL; reverts 0 when none. */
enum gl_status store_log_event(struct store *s, const char *what,
			       const char *annotation,
			       const struct store_annotation *before,
			       const struct store_annotation *after,
			       long long reverts, struct gl_error *err);

#endif
