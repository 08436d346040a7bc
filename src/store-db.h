/* store-db.h: the store's private driver interface.
 *
 * The store's logic (documents, annotations, events, undo, import) is
 * written once, against this small interface; a driver per backend
 * (store-sqlite.c, store-pg.c) implements it.  What differs between the
 * backends stays in the driver: opening and its checks, the schema and its
 * migrations, how a write transaction starts (BEGIN IMMEDIATE, or an
 * advisory lock), how another process's change is noticed (PRAGMA
 * data_version, or LISTEN/NOTIFY), and the error codes.
 *
 * SQL is written in the dialect both accept (SQLite >= 3.35 and
 * PostgreSQL >= 12 share RETURNING, ON CONFLICT, coalesce, CASE, EXISTS):
 * parameters are "?N" (1-based), which the PostgreSQL driver turns into
 * "$N"; the PostgreSQL schema defines instr() and json_group_array() so
 * that the few SQLite functions the queries use mean the same there.
 * Integers stand for booleans (0/1) in both.
 *
 * Only src/store*.c include this. */
#ifndef GLOSS_STORE_DB_H
#define GLOSS_STORE_DB_H

#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

/* What a driver call returns: DB_OK, DB_ROW or DB_DONE on success, else
 * the kind of failure (db_errmsg says more). */
enum db_rc {
	DB_OK = 0,
	DB_ROW,            /* step: a row is ready */
	DB_DONE,           /* step: finished */
	DB_BUSY,           /* locked past the timeout; a serialization failure
			      or deadlock that retries did not cure */
	DB_READONLY,       /* the database or the role may not write */
	DB_DENIED,         /* refused by a permission (row-level security) */
	DB_FULL,           /* disk full */
	DB_NOTADB,         /* not a database */
	DB_CORRUPT,        /* damaged */
	DB_CANTOPEN,       /* cannot open or connect */
	DB_IOERR,          /* input/output error */
	DB_LOST,           /* the connection to the server was lost */
	DB_CONSTRAINT,     /* a CHECK or NOT NULL constraint */
	DB_CONSTRAINT_FK,  /* a foreign key refers to nothing */
	DB_CONSTRAINT_UNIQUE,
	DB_ERROR,          /* anything else */
};

struct db_ops;

/* A connection.  Drivers embed this as their first member. */
struct db {
	const struct db_ops *ops;
};

/* A prepared statement.  Drivers embed this as their first member. */
struct db_stmt {
	struct db *db;
};

struct db_ops {
	const char *name;        /* "SQLite", "PostgreSQL" */
	bool has_fts5;           /* SQLite: the annotations_fts table */
	/* Prepares `sql` (?N parameters); *out is NULL on failure. */
	int (*prepare)(struct db *db, const char *sql, struct db_stmt **out);
	void (*finalize)(struct db_stmt *st);
	/* Makes a statement ready to run again, bindings cleared. */
	void (*reset)(struct db_stmt *st);
	/* Binds parameter i (1-based): text of len bytes (NULL: SQL NULL);
	   the text is copied. */
	int (*bind_text)(struct db_stmt *st, int i, const char *text, size_t len);
	int (*bind_int64)(struct db_stmt *st, int i, long long v);
	/* Runs the statement or moves to its next row. */
	int (*step)(struct db_stmt *st);
	bool (*column_is_null)(struct db_stmt *st, int i);
	/* Valid until the next step, reset or finalize; "" for NULL. */
	const char *(*column_text)(struct db_stmt *st, int i);
	size_t (*column_bytes)(struct db_stmt *st, int i);
	long long (*column_int64)(struct db_stmt *st, int i);
	/* Runs SQL without parameters or results (may hold several
	   statements). */
	int (*exec)(struct db *db, const char *sql);
	/* Rows changed by the last INSERT, UPDATE or DELETE. */
	long long (*changes)(struct db *db);
	/* Starts a write transaction that excludes other writers until it
	   ends (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN and a transaction
	   advisory lock), so that read-then-write logic needs no retry. */
	int (*begin_write)(struct db *db);
	/* Commits; a write also tells other connections (NOTIFY). */
	int (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	bool (*in_transaction)(struct db *db);
	/* True when another connection changed the data since the last call
	   (the first call: false). */
	bool (*changed_elsewhere)(struct db *db);
	/* After a bulk change (gloss migrate): brings the planner's
	   statistics up to date (SQLite: PRAGMA optimize; PostgreSQL:
	   ANALYZE of the tables this role owns).  Failures are ignored. */
	void (*optimize)(struct db *db);
	/* The last error's text. */
	const char *(*errmsg)(struct db *db);
	void (*close)(struct db *db);
};

static inline int
db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	return db->ops->prepare(db, sql, out);
}
static inline void
db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}
static inline void
db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
}
static inline int
db_bind_textn(struct db_stmt *st, int i, const char *text, size_t len)
{
	return st->db->ops->bind_text(st, i, text, len);
}
static inline int
db_bind_int64(struct db_stmt *st, int i, long long v)
{
	return st->db->ops->bind_int64(st, i, v);
}
static inline int
db_bind_null(struct db_stmt *st, int i)
{
	return st->db->ops->bind_text(st, i, NULL, 0);
}
static inline int
db_step(struct db_stmt *st)
{
	return st->db->ops->step(st);
}
static inline bool
db_column_is_null(struct db_stmt *st, int i)
{
	return st->db->ops->column_is_null(st, i);
}
static inline const char *
db_column_text(struct db_stmt *st, int i)
{
	return st->db->ops->column_text(st, i);
}
static inline size_t
db_column_bytes(struct db_stmt *st, int i)
{
	return st->db->ops->column_bytes(st, i);
}
static inline long long
db_column_int64(struct db_stmt *st, int i)
{
	return st->db->ops->column_int64(st, i);
}
static inline int
db_column_int(struct db_stmt *st, int i)
{
	return (int)st->db->ops->column_int64(st, i);
}
static inline int
db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}
static inline long long
db_changes(struct db *db)
{
	return db->ops->changes(db);
}
static inline const char *
db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

#endif
