/* store-pg: the PostgreSQL driver of the store (store-db.h), for teams
 * whose members read on several hosts.
 *
 *  - The location is a libpq URI (postgresql://[user@]host[:port]/db?...);
 *    libpq reads the password from ~/.pgpass or PGPASSWORD and TLS settings
 *    (sslmode, sslrootcert) from the URI.  Without a user in the URI (or
 *    PGUSER), gloss connects as the author: each person is a database role,
 *    and the store's author is the role it connected as (current_user).
 *  - Row-level security (policies in the schema below) enforces what the
 *    store's logic also checks: only an annotation's author edits or
 *    deletes it, a private annotation is seen by its author only, a
 *    reading position is its reader's, and the event log is append-only.
 *  - A write transaction is BEGIN plus a transaction-level advisory lock,
 *    so writers take turns as with SQLite's BEGIN IMMEDIATE and the
 *    store's read-then-write logic sees every committed change (READ
 *    COMMITTED); a serialization failure or deadlock (40001, 40P01) at
 *    the start is retried; waiting for the lock past 5 s is "busy".
 *  - A commit sends NOTIFY gloss_changes; every connection LISTENs, so a
 *    reader learns of a colleague's change at its next poll.
 *  - A lost connection fails the call with a message that says so (the
 *    caller keeps what was being saved); the next call reconnects.
 *  - The schema version lives in the table gloss_schema; the steps below
 *    follow SQLite's numbering (store-schema.c).
 *
 * Parameters "?N" in the shared SQL become "$N"; every value is sent as
 * text and typed by the server from its context. */
#include "config.h"

#include "store-internal.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* libpq's functions, called through `lp`.  With GLOSS_LAZY_LIBS
 * (configure's default) libpq is not linked: it and the libraries it
 * needs (TLS, Kerberos, LDAP) would cost every start milliseconds, and
 * only a PostgreSQL store uses it; so opening one loads it by its soname
 * (gl_load_library).  Otherwise `lp` points at the linked functions.
 * Each type is written out once and checked against libpq-fe.h's
 * prototype at compile time, so a mismatch cannot build. */
typedef int PQbackendPID_fn(const PGconn *);
typedef void PQclear_fn(PGresult *);
typedef char *PQcmdStatus_fn(PGresult *);
typedef char *PQcmdTuples_fn(PGresult *);
typedef PGconn *PQconnectdbParams_fn(const char *const *, const char *const *, int);
typedef void PQconninfoFree_fn(PQconninfoOption *);
typedef PQconninfoOption *PQconninfoParse_fn(const char *, char **);
typedef int PQconsumeInput_fn(PGconn *);
typedef char *PQerrorMessage_fn(const PGconn *);
typedef PGresult *PQexec_fn(PGconn *, const char *);
typedef PGresult *PQexecParams_fn(PGconn *, const char *, int, const Oid *,
				  const char *const *, const int *, const int *, int);
typedef void PQfinish_fn(PGconn *);
typedef void PQfreemem_fn(void *);
typedef int PQgetisnull_fn(const PGresult *, int, int);
typedef int PQgetlength_fn(const PGresult *, int, int);
typedef char *PQgetvalue_fn(const PGresult *, int, int);
typedef PGnotify *PQnotifies_fn(PGconn *);
typedef int PQntuples_fn(const PGresult *);
typedef void PQreset_fn(PGconn *);
typedef PostgresPollingStatusType PQresetPoll_fn(PGconn *);
typedef int PQresetStart_fn(PGconn *);
typedef char *PQresultErrorField_fn(const PGresult *, int);
typedef char *PQresultErrorMessage_fn(const PGresult *);
typedef ExecStatusType PQresultStatus_fn(const PGresult *);
typedef int PQsetClientEncoding_fn(PGconn *, const char *);
typedef PQnoticeProcessor PQsetNoticeProcessor_fn(PGconn *, PQnoticeProcessor, void *);
typedef ConnStatusType PQstatus_fn(const PGconn *);
typedef PGTransactionStatusType PQtransactionStatus_fn(const PGconn *);
#define PQ_FUNCTIONS(_) \
	_(PQbackendPID) _(PQclear) _(PQcmdStatus) _(PQcmdTuples) \
	_(PQconnectdbParams) _(PQconninfoFree) _(PQconninfoParse) \
	_(PQconsumeInput) _(PQerrorMessage) _(PQexec) _(PQexecParams) \
	_(PQfinish) _(PQfreemem) _(PQgetisnull) _(PQgetlength) _(PQgetvalue) \
	_(PQnotifies) _(PQntuples) _(PQreset) _(PQresetPoll) _(PQresetStart) \
	_(PQresultErrorField) _(PQresultErrorMessage) _(PQresultStatus) \
	_(PQsetClientEncoding) _(PQsetNoticeProcessor) _(PQstatus) \
	_(PQtransactionStatus)

#define PQ_CHECK_TYPE(name) \
	_Static_assert(_Generic(&name, name##_fn *: 1, default: 0), \
		       #name "'s type is not the one libpq-fe.h declares");
PQ_FUNCTIONS(PQ_CHECK_TYPE)

static struct {
#define PQ_POINTER(name) name##_fn *name;
	PQ_FUNCTIONS(PQ_POINTER)
} lp
#ifndef GLOSS_LAZY_LIBS
#define PQ_LINKED(name) name,
	= { PQ_FUNCTIONS(PQ_LINKED) }
#endif
	;

/* Loads libpq (once). */
static enum gl_status
libpq_ready(struct gl_error *err)
{
#ifdef GLOSS_LAZY_LIBS
	static enum gl_status state = GL_STATUS_COUNT;  /* not tried yet */
	static struct gl_error why;
	if (state == GL_STATUS_COUNT) {
		static const char *const names[] = {
#define PQ_NAME(name) #name,
			PQ_FUNCTIONS(PQ_NAME)
		};
		void *addrs[GL_ARRAY_LEN(names)];
		state = gl_load_library(GLOSS_LIBPQ_SONAME, "a PostgreSQL store", names,
					addrs, GL_ARRAY_LEN(names), &why);
		size_t i = 0;
#define PQ_SET(name) lp.name = (name##_fn *)addrs[i++];
		if (state == GL_OK) {
			PQ_FUNCTIONS(PQ_SET)
		}
	}
	if (state != GL_OK && err)
		*err = why;
	return state;
#else
	(void)err;
	return GL_OK;
#endif
}

/* The advisory lock every writer takes: "glos" in ASCII, as SQLite's
 * application_id. */
#define PG_WRITE_LOCK "1735159667"
/* How often a transaction start is tried again after a serialization
 * failure, a deadlock or a lost connection. */
#define PG_RETRIES 3
/* The type text (pg_type.h is a server header). */
#define TEXTOID 25

struct pg_db {
	struct db base;
	PGconn *conn;
	char *uri;
	bool readonly;
	bool in_write;            /* between begin_write and commit/rollback:
				     a lost connection is then never made
				     again behind the store's back */
	bool saw_changes_before;  /* changed_elsewhere was called once */
	bool reconnected;         /* since the last changed_elsewhere */
	bool resetting;           /* a reconnection without waiting is under
				     way (changed_elsewhere) */
	struct timespec next_try; /* ... and when the next may start */
	long long changes;
	char *errmsg;
};

struct pg_stmt {
	struct db_stmt base;
	char *sql;                /* with $N */
	int nparams;
	char **params;            /* nparams values, NULL for SQL NULL */
	int *lengths;
	Oid *types;               /* 0 (the server infers it), or text for a
				     parameter the SQL does not use (?1, the
				     author, is bound to every statement) */
	PGresult *res;
	int row;                  /* the current row + 1; 0 before the first */
};

static struct pg_db *
pg(struct db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *
ps(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

static void
set_errmsg(struct pg_db *p, const char *msg)
{
	free(p->errmsg);
	/* One line: libpq's messages end with "\n" and may add DETAIL lines. */
	size_t n = msg ? strcspn(msg, "\n") : 0;
	p->errmsg = xstrndup(msg ? msg : "", n);
	if (strncmp(p->errmsg, "ERROR:  ", 8) == 0)
		memmove(p->errmsg, p->errmsg + 8, strlen(p->errmsg + 8) + 1);
}

/* An error's SQLSTATE as an enum db_rc. */
static int
sqlstate_rc(const char *state)
{
	if (!state)
		return DB_ERROR;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return DB_BUSY;
	if (strcmp(state, "23503") == 0)
		return DB_CONSTRAINT_FK;
	if (strcmp(state, "23505") == 0)
		return DB_CONSTRAINT_UNIQUE;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(state, "42501") == 0)
		return DB_DENIED;
	if (strcmp(state, "25006") == 0)
		return DB_READONLY;
	if (strncmp(state, "53", 2) == 0)
		return DB_FULL;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return DB_LOST;
	if (strncmp(state, "58", 2) == 0)
		return DB_IOERR;
	return DB_ERROR;
}

/* The outcome of a result: DB_OK, or the failure (message kept). */
static int
result_rc(struct pg_db *p, PGresult *res)
{
	ExecStatusType t = res ? lp.PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
		return DB_OK;
	if (lp.PQstatus(p->conn) == CONNECTION_BAD) {
		set_errmsg(p, lp.PQerrorMessage(p->conn));
		return DB_LOST;
	}
	set_errmsg(p, res ? lp.PQresultErrorMessage(res) : lp.PQerrorMessage(p->conn));
	return sqlstate_rc(res ? lp.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

/* Runs SQL without parameters; DB_OK or the failure. */
static int
pg_run(struct pg_db *p, const char *sql)
{
	PGresult *res = lp.PQexec(p->conn, sql);
	int rc = result_rc(p, res);
	lp.PQclear(res);
	return rc;
}

/* The server's notices ("extension already exists") are not for the
 * user. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* What every connection does first: UTF-8, the lock timeout, LISTEN. */
static int
setup_session(struct pg_db *p)
{
	lp.PQsetNoticeProcessor(p->conn, ignore_notice, NULL);
	if (lp.PQsetClientEncoding(p->conn, "UTF8") != 0) {
		set_errmsg(p, lp.PQerrorMessage(p->conn));
		return DB_ERROR;
	}
	/* Every query of the store is a lookup by a key or a scan of one
	   document's rows, which an index answers.  While a store grows
	   (a first import, a migrate, a busy first day) the planner's
	   statistics say the tables are tiny, and it would choose sequential
	   scans, also inside row-level security checks run once per row:
	   quadratic time.  Without sequential scans where an index can
	   answer, adding stays flat (bench-store: 10,000 adds 80 s -> s). */
	int rc = pg_run(p, "SET lock_timeout = '5s'; SET enable_seqscan = off; "
			"LISTEN gloss_changes");
	if (rc == DB_OK && p->readonly)
		rc = pg_run(p, "SET default_transaction_read_only = on");
	return rc;
}

/* After a lost connection (outside a transaction, where nothing is lost
 * by starting again): connects again.  True when it worked. */
static bool
reconnect(struct pg_db *p)
{
	if (lp.PQstatus(p->conn) == CONNECTION_OK && !p->resetting)
		return true;
	p->resetting = false;
	lp.PQreset(p->conn);
	if (lp.PQstatus(p->conn) != CONNECTION_OK) {
		set_errmsg(p, lp.PQerrorMessage(p->conn));
		return false;
	}
	p->reconnected = true;
	return setup_session(p) == DB_OK;
}

/* ?N (and bare ?) into $N, outside quoted strings and identifiers; the
 * number of parameters into *nparams. */
static char *
translate_params(const char *sql, int *nparams, bool used[100])
{
	struct buf b = BUF_INIT;
	int next = 1, max = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			buf_putc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_putc(&b, *p);
		} else if (*p == '?') {
			int n = 0;
			while (p[1] >= '0' && p[1] <= '9')
				n = n * 10 + (*++p - '0');
			if (n == 0)
				n = next;
			next = n + 1;
			if (n > max)
				max = n;
			if (n < 100)
				used[n] = true;
			buf_printf(&b, "$%d", n);
		} else {
			buf_putc(&b, *p);
		}
	}
	*nparams = max;
	return buf_steal(&b, NULL);
}

static int
pg_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	struct pg_stmt *st = xcalloc(1, sizeof *st);
	st->base.db = db;
	bool used[100] = { false };
	st->sql = translate_params(sql, &st->nparams, used);
	if (st->nparams) {
		st->params = xcalloc((size_t)st->nparams, sizeof *st->params);
		st->lengths = xcalloc((size_t)st->nparams, sizeof *st->lengths);
		st->types = xcalloc((size_t)st->nparams, sizeof *st->types);
		for (int i = 0; i < st->nparams; i++)
			st->types[i] = i + 1 < 100 && used[i + 1] ? 0 : TEXTOID;
	}
	*out = &st->base;
	return DB_OK;
}

static void
pg_reset(struct db_stmt *s)
{
	struct pg_stmt *st = ps(s);
	lp.PQclear(st->res);
	st->res = NULL;
	st->row = 0;
	for (int i = 0; i < st->nparams; i++) {
		free(st->params[i]);
		st->params[i] = NULL;
	}
}

static void
pg_finalize(struct db_stmt *s)
{
	struct pg_stmt *st = ps(s);
	pg_reset(s);
	free(st->params);
	free(st->lengths);
	free(st->types);
	free(st->sql);
	free(st);
}

static int
pg_bind_text(struct db_stmt *s, int i, const char *text, size_t len)
{
	struct pg_stmt *st = ps(s);
	if (i < 1 || i > st->nparams)
		return DB_ERROR;
	free(st->params[i - 1]);
	st->params[i - 1] = text ? xstrndup(text, len) : NULL;
	st->lengths[i - 1] = (int)len;
	return DB_OK;
}

static int
pg_bind_int64(struct db_stmt *s, int i, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", v);
	return pg_bind_text(s, i, num, (size_t)n);
}

static int
pg_step(struct db_stmt *s)
{
	struct pg_stmt *st = ps(s);
	struct pg_db *p = pg(s->db);
	if (!st->res) {
		bool in_tx = p->in_write ||
			     lp.PQtransactionStatus(p->conn) == PQTRANS_INTRANS ||
			     lp.PQtransactionStatus(p->conn) == PQTRANS_INERROR;
		/* Outside a transaction a lost connection is made again once:
		   a read (or a single write) loses nothing by running again. */
		if (!in_tx && (p->resetting || lp.PQstatus(p->conn) != CONNECTION_OK) &&
		    !reconnect(p))
			return DB_LOST;
		for (int attempt = 0;; attempt++) {
			st->res = lp.PQexecParams(p->conn, st->sql, st->nparams, st->types,
					       (const char *const *)st->params,
					       st->lengths, NULL, 0);
			int rc = result_rc(p, st->res);
			if (rc == DB_OK)
				break;
			lp.PQclear(st->res);
			st->res = NULL;
			if (!in_tx && attempt < 1 && rc == DB_LOST && reconnect(p))
				continue;
			return rc;
		}
		p->changes = 0;
		if (lp.PQresultStatus(st->res) == PGRES_COMMAND_OK) {
			const char *n = lp.PQcmdTuples(st->res);
			p->changes = n && *n ? atoll(n) : 0;
			return DB_DONE;
		}
	}
	if (st->row < lp.PQntuples(st->res)) {
		st->row++;
		return DB_ROW;
	}
	return DB_DONE;
}

static bool
pg_column_is_null(struct db_stmt *s, int i)
{
	struct pg_stmt *st = ps(s);
	return !st->res || st->row < 1 || lp.PQgetisnull(st->res, st->row - 1, i);
}

static const char *
pg_column_text(struct db_stmt *s, int i)
{
	struct pg_stmt *st = ps(s);
	if (pg_column_is_null(s, i))
		return "";
	return lp.PQgetvalue(st->res, st->row - 1, i);
}

static size_t
pg_column_bytes(struct db_stmt *s, int i)
{
	struct pg_stmt *st = ps(s);
	if (pg_column_is_null(s, i))
		return 0;
	return (size_t)lp.PQgetlength(st->res, st->row - 1, i);
}

static long long
pg_column_int64(struct db_stmt *s, int i)
{
	/* The store's SQL uses integers, never booleans (t/f). */
	return strtoll(pg_column_text(s, i), NULL, 10);
}

static int
pg_exec(struct db *db, const char *sql)
{
	return pg_run(pg(db), sql);
}

static long long
pg_changes(struct db *db)
{
	return pg(db)->changes;
}

static int
pg_begin_write(struct db *db)
{
	struct pg_db *p = pg(db);
	int rc = DB_ERROR;
	for (int attempt = 0; attempt < PG_RETRIES; attempt++) {
		if ((p->resetting || lp.PQstatus(p->conn) != CONNECTION_OK) &&
		    !reconnect(p)) {
			rc = DB_LOST;
			continue;
		}
		rc = pg_run(p, "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")");
		if (rc == DB_OK) {
			p->in_write = true;
			return DB_OK;
		}
		if (lp.PQtransactionStatus(p->conn) != PQTRANS_IDLE)
			pg_run(p, "ROLLBACK");
		/* A lock timeout is final ("busy"); a serialization failure,
		   a deadlock or a dropped connection is worth another try. */
		const char *m = p->errmsg ? p->errmsg : "";
		if (rc == DB_BUSY && strstr(m, "lock timeout"))
			return rc;
		if (rc != DB_BUSY && rc != DB_LOST)
			return rc;
		usleep(50000u << attempt);
	}
	return rc;
}

static int
pg_commit(struct db *db)
{
	struct pg_db *p = pg(db);
	/* Delivered to the listeners only if the commit succeeds. */
	PGresult *res = lp.PQexec(p->conn, "NOTIFY gloss_changes; COMMIT");
	int rc = result_rc(p, res);
	/* COMMIT of a transaction in which a statement failed rolls back
	   and says so in its tag: that is a failure, not a success. */
	if (rc == DB_OK && strcmp(lp.PQcmdStatus(res), "COMMIT") != 0) {
		set_errmsg(p, "the change was rolled back after an error");
		rc = DB_ERROR;
	}
	lp.PQclear(res);
	p->in_write = false;
	return rc;
}

static bool
pg_in_transaction(struct db *db)
{
	struct pg_db *p = pg(db);
	return p->conn && (lp.PQtransactionStatus(p->conn) == PQTRANS_INTRANS ||
			   lp.PQtransactionStatus(p->conn) == PQTRANS_INERROR);
}

static void
pg_rollback(struct db *db)
{
	pg(db)->in_write = false;
	if (pg_in_transaction(db))
		pg_run(pg(db), "ROLLBACK");
}

/* The reader polls this often: a lost connection is made again without
 * waiting (PQresetStart/PQresetPoll), one attempt every 2 s at most, so a
 * server that is down or slow to answer never freezes the screen. */
static bool
reconnect_quietly(struct pg_db *p)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!p->resetting) {
		if (now.tv_sec < p->next_try.tv_sec ||
		    (now.tv_sec == p->next_try.tv_sec &&
		     now.tv_nsec < p->next_try.tv_nsec))
			return false;
		p->next_try = now;
		p->next_try.tv_sec += 2;
		if (!lp.PQresetStart(p->conn))
			return false;
		p->resetting = true;
	}
	switch (lp.PQresetPoll(p->conn)) {
	case PGRES_POLLING_OK:
		p->resetting = false;
		p->reconnected = true;
		return setup_session(p) == DB_OK;
	case PGRES_POLLING_FAILED:
		p->resetting = false;
		return false;
	default:
		return false;   /* still connecting */
	}
}

static bool
pg_changed_elsewhere(struct db *db)
{
	struct pg_db *p = pg(db);
	bool changed = false;
	if ((p->resetting || lp.PQstatus(p->conn) != CONNECTION_OK) &&
	    !reconnect_quietly(p))
		return false;
	if (lp.PQconsumeInput(p->conn) == 0 && !reconnect_quietly(p))
		return false;
	int me = lp.PQbackendPID(p->conn);
	PGnotify *n;
	while ((n = lp.PQnotifies(p->conn)) != NULL) {
		if (n->be_pid != me)
			changed = true;
		lp.PQfreemem(n);
	}
	/* Changes made while the connection was down were not heard. */
	if (p->reconnected)
		changed = true;
	p->reconnected = false;
	if (!p->saw_changes_before) {
		p->saw_changes_before = true;
		return false;
	}
	return changed;
}

/* ANALYZE skips (with a warning, not an error) the tables of other
 * owners; autovacuum analyzes them later anyway. */
static void
pg_optimize(struct db *db)
{
	struct pg_db *p = pg(db);
	if (!p->readonly)
		pg_run(p, "ANALYZE");
}

static const char *
pg_errmsg(struct db *db)
{
	struct pg_db *p = pg(db);
	return p->errmsg ? p->errmsg : "no error";
}

static void
pg_close(struct db *db)
{
	struct pg_db *p = pg(db);
	if (p->conn)
		lp.PQfinish(p->conn);
	free(p->uri);
	free(p->errmsg);
	free(p);
}

static const struct db_ops pg_ops = {
	.name = "PostgreSQL",
	.has_fts5 = false,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.step = pg_step,
	.column_is_null = pg_column_is_null,
	.column_text = pg_column_text,
	.column_bytes = pg_column_bytes,
	.column_int64 = pg_column_int64,
	.exec = pg_exec,
	.changes = pg_changes,
	.begin_write = pg_begin_write,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.changed_elsewhere = pg_changed_elsewhere,
	.optimize = pg_optimize,
	.errmsg = pg_errmsg,
	.close = pg_close,
};

/* --------------------------------------------------------------- schema */

/* pg_migrations[v] takes a database from schema v to v + 1, as SQLite's
 * (store-schema.c).  Text columns compare bytewise (COLLATE "C"), as in
 * SQLite, so ids, tags and ranges of ids sort the same way. */
static const char *const pg_migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: the tables, what SQLite has built in, the permissions. */
	"CREATE AGGREGATE json_group_array (text) (\n"
	"  SFUNC = array_append, STYPE = text[], INITCOND = '{}',\n"
	"  FINALFUNC = array_to_json);\n"
	"CREATE TABLE documents (\n"
	"  rowid bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE,\n"
	"  id text COLLATE \"C\" PRIMARY KEY,\n"
	"  title text COLLATE \"C\" NOT NULL DEFAULT '',\n"
	"  source text COLLATE \"C\",\n"
	"  created text COLLATE \"C\" NOT NULL);\n"
	"CREATE INDEX documents_by_source ON documents (source);\n"
	"CREATE TABLE versions (\n"
	"  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  hash text COLLATE \"C\" NOT NULL,\n"
	"  renderer integer NOT NULL,\n"
	"  document text COLLATE \"C\" NOT NULL REFERENCES documents (id),\n"
	"  length_cp bigint NOT NULL CHECK (length_cp >= 0),\n"
	"  text text NOT NULL,\n"
	"  first_seen text COLLATE \"C\" NOT NULL,\n"
	"  UNIQUE (hash, renderer));\n"
	"CREATE INDEX versions_by_document ON versions (document, seq);\n"
	"CREATE TABLE annotations (\n"
	"  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  id text COLLATE \"C\" NOT NULL UNIQUE,\n"
	"  document text COLLATE \"C\" NOT NULL REFERENCES documents (id),\n"
	"  version text COLLATE \"C\" NOT NULL,\n"
	"  renderer integer NOT NULL,\n"
	"  author text COLLATE \"C\" NOT NULL CHECK (author <> ''),\n"
	"  parent text COLLATE \"C\" REFERENCES annotations (id),\n"
	"  start_cp bigint,\n"
	"  end_cp bigint,\n"
	"  exact text COLLATE \"C\",\n"
	"  prefix text COLLATE \"C\",\n"
	"  suffix text COLLATE \"C\",\n"
	"  style text COLLATE \"C\",\n"
	"  note text COLLATE \"C\",\n"
	"  status text COLLATE \"C\" NOT NULL DEFAULT 'open'\n"
	"    CHECK (status IN ('open', 'resolved')),\n"
	"  anchor text COLLATE \"C\" NOT NULL\n"
	"    CHECK (anchor IN ('none', 'exact', 'moved', 'fuzzy', 'orphan')),\n"
	"  private smallint NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),\n"
	"  deleted smallint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),\n"
	"  created text COLLATE \"C\" NOT NULL,\n"
	"  updated text COLLATE \"C\" NOT NULL,\n"
	"  FOREIGN KEY (version, renderer) REFERENCES versions (hash, renderer),\n"
	"  CHECK ((start_cp IS NULL) = (end_cp IS NULL)),\n"
	"  CHECK (start_cp IS NULL OR (0 <= start_cp AND start_cp <= end_cp)));\n"
	"CREATE INDEX annotations_by_document ON annotations (document, start_cp);\n"
	"CREATE INDEX annotations_by_parent ON annotations (parent);\n"
	"CREATE TABLE tags (\n"
	"  annotation text COLLATE \"C\" NOT NULL REFERENCES annotations (id),\n"
	"  tag text COLLATE \"C\" NOT NULL CHECK (tag <> ''),\n"
	"  PRIMARY KEY (annotation, tag));\n"
	"CREATE INDEX tags_by_tag ON tags (tag);\n"
	"CREATE TABLE positions (\n"
	"  document text COLLATE \"C\" NOT NULL REFERENCES documents (id),\n"
	"  author text COLLATE \"C\" NOT NULL,\n"
	"  offset_cp bigint NOT NULL,\n"
	"  updated text COLLATE \"C\" NOT NULL,\n"
	"  PRIMARY KEY (document, author));\n"
	"CREATE TABLE seen (\n"
	"  document text COLLATE \"C\" NOT NULL REFERENCES documents (id),\n"
	"  author text COLLATE \"C\" NOT NULL,\n"
	"  time text COLLATE \"C\" NOT NULL,\n"
	"  PRIMARY KEY (document, author));\n"
	"CREATE TABLE events (\n"
	"  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  time text COLLATE \"C\" NOT NULL,\n"
	"  who text COLLATE \"C\" NOT NULL,\n"
	"  what text COLLATE \"C\" NOT NULL,\n"
	"  annotation text COLLATE \"C\" REFERENCES annotations (id),\n"
	"  before text,\n"
	"  after text,\n"
	"  reverts bigint REFERENCES events (seq));\n"
	"CREATE INDEX events_by_who ON events (who, seq);\n"
	"CREATE INDEX events_by_annotation ON events (annotation, seq);\n"
	/* Who is the team: every role that may connect to the database.
	   Nobody deletes a row (tombstones, an append-only log); only tags
	   are removed, by their annotation's author. */
	"GRANT SELECT, INSERT, UPDATE ON documents, versions, annotations,\n"
	"  positions, seen TO PUBLIC;\n"
	"GRANT SELECT, INSERT, DELETE ON tags TO PUBLIC;\n"
	"GRANT SELECT, INSERT ON events TO PUBLIC;\n"
	"GRANT SELECT ON gloss_schema TO PUBLIC;\n"
	"DO $$ BEGIN EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I "
	"TO PUBLIC', current_schema()); END $$;\n"
	/* Row-level security, for the owner of the tables too.  A role with
	   BYPASSRLS (the team's administrator, for gloss migrate and imports
	   of others' annotations) is exempt. */
	"CREATE FUNCTION gloss_is_admin() RETURNS boolean LANGUAGE sql STABLE AS\n"
	"  $$SELECT rolbypassrls OR rolsuper FROM pg_roles\n"
	"    WHERE rolname = current_user$$;\n"
	"ALTER TABLE annotations ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE annotations FORCE ROW LEVEL SECURITY;\n"
	"CREATE POLICY visible ON annotations FOR SELECT\n"
	"  USING (private = 0 OR author = current_user);\n"
	"CREATE POLICY own ON annotations FOR INSERT\n"
	"  WITH CHECK (author = current_user);\n"
	"CREATE POLICY change ON annotations FOR UPDATE\n"
	"  USING (private = 0 OR author = current_user);\n"
	/* Anyone who sees an annotation may resolve, reopen or re-anchor it;
	   what it says, its privacy and its deletion are its author's. */
	"CREATE FUNCTION gloss_guard_annotation() RETURNS trigger\n"
	"LANGUAGE plpgsql AS $$\n"
	"BEGIN\n"
	"  IF NEW.id <> OLD.id OR NEW.author <> OLD.author\n"
	"     OR NEW.document <> OLD.document OR NEW.created <> OLD.created\n"
	"     OR NEW.parent IS DISTINCT FROM OLD.parent THEN\n"
	"    RAISE EXCEPTION 'an annotation''s id, author, document, parent and '\n"
	"      'creation time never change' USING ERRCODE = '42501';\n"
	"  END IF;\n"
	"  IF OLD.author <> current_user AND NOT gloss_is_admin() AND (\n"
	"     NEW.note IS DISTINCT FROM OLD.note\n"
	"     OR NEW.style IS DISTINCT FROM OLD.style\n"
	"     OR NEW.private <> OLD.private OR NEW.deleted <> OLD.deleted) THEN\n"
	"    RAISE EXCEPTION 'only its author (%) may edit or delete annotation %',\n"
	"      OLD.author, left(OLD.id, 8) USING ERRCODE = '42501';\n"
	"  END IF;\n"
	"  RETURN NEW;\n"
	"END $$;\n"
	"CREATE TRIGGER guard BEFORE UPDATE ON annotations\n"
	"  FOR EACH ROW EXECUTE FUNCTION gloss_guard_annotation();\n"
	"ALTER TABLE tags ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE tags FORCE ROW LEVEL SECURITY;\n"
	"CREATE POLICY visible ON tags FOR SELECT USING (EXISTS (\n"
	"  SELECT 1 FROM annotations a WHERE a.id = annotation));\n"
	"CREATE POLICY own ON tags FOR INSERT WITH CHECK (EXISTS (\n"
	"  SELECT 1 FROM annotations a WHERE a.id = annotation\n"
	"  AND a.author = current_user));\n"
	"CREATE POLICY remove ON tags FOR DELETE USING (EXISTS (\n"
	"  SELECT 1 FROM annotations a WHERE a.id = annotation\n"
	"  AND a.author = current_user));\n"
	"ALTER TABLE events ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE events FORCE ROW LEVEL SECURITY;\n"
	"CREATE POLICY visible ON events FOR SELECT USING (annotation IS NULL\n"
	"  OR EXISTS (SELECT 1 FROM annotations a WHERE a.id = annotation));\n"
	"CREATE POLICY own ON events FOR INSERT WITH CHECK (who = current_user);\n"
	"ALTER TABLE positions ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE positions FORCE ROW LEVEL SECURITY;\n"
	"CREATE POLICY own ON positions USING (author = current_user)\n"
	"  WITH CHECK (author = current_user);\n"
	"ALTER TABLE seen ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE seen FORCE ROW LEVEL SECURITY;\n"
	"CREATE POLICY own ON seen USING (author = current_user)\n"
	"  WITH CHECK (author = current_user);\n",

	/* 1 -> 2: search over quotes, notes and tags.  pg_trgm's GIN
	   indexes answer ILIKE '%...%' for patterns of three or more
	   characters, CJK included (the database must be UTF-8); shorter
	   patterns are answered by a scan (store_search).  Row-level
	   security keeps the planner from using an index with ILIKE on
	   annotations itself (ILIKE is not leakproof), so the text of the
	   shared annotations, which every member may read anyway, is kept in
	   search_text, without row-level security, by triggers that run as
	   the tables' owner; a private annotation is searched among its
	   author's private ones (by the index on author). */
	"CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
	"CREATE TABLE search_text (\n"
	"  annotation text COLLATE \"C\" PRIMARY KEY,\n"
	"  seq bigint NOT NULL,\n"
	"  exact text NOT NULL, note text NOT NULL, tags text NOT NULL);\n"
	"CREATE INDEX search_exact ON search_text USING gin (exact gin_trgm_ops);\n"
	"CREATE INDEX search_note ON search_text USING gin (note gin_trgm_ops);\n"
	"CREATE INDEX search_tags ON search_text USING gin (tags gin_trgm_ops);\n"
	"CREATE INDEX annotations_private ON annotations (author)\n"
	"  WHERE private = 1;\n"
	"GRANT SELECT ON search_text TO PUBLIC;\n"
	/* PL/pgSQL keeps its plans: a LANGUAGE sql function with a SET
	   clause is planned at every call, 100 times slower here. */
	"CREATE FUNCTION gloss_index(id text) RETURNS void\n"
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
	"BEGIN\n"
	"  DELETE FROM search_text WHERE annotation = gloss_index.id;\n"
	"  INSERT INTO search_text\n"
	"  SELECT a.id, a.seq, coalesce(a.exact, ''), coalesce(a.note, ''),\n"
	"    coalesce((SELECT string_agg(t.tag, ' ' ORDER BY t.tag) FROM tags t\n"
	"      WHERE t.annotation = a.id), '')\n"
	"  FROM annotations a WHERE a.id = gloss_index.id AND a.private = 0;\n"
	"END $$;\n"
	"REVOKE ALL ON FUNCTION gloss_index(text) FROM PUBLIC;\n"
	"CREATE FUNCTION gloss_index_annotation() RETURNS trigger\n"
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
	"BEGIN PERFORM gloss_index(NEW.id); RETURN NULL; END $$;\n"
	"CREATE FUNCTION gloss_index_tags() RETURNS trigger\n"
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
	"BEGIN\n"
	"  IF TG_OP = 'DELETE' THEN PERFORM gloss_index(OLD.annotation);\n"
	"  ELSE PERFORM gloss_index(NEW.annotation); END IF;\n"
	"  RETURN NULL;\n"
	"END $$;\n"
	"CREATE TRIGGER index_text AFTER INSERT OR UPDATE ON annotations\n"
	"  FOR EACH ROW EXECUTE FUNCTION gloss_index_annotation();\n"
	"CREATE TRIGGER index_tags AFTER INSERT OR DELETE ON tags\n"
	"  FOR EACH ROW EXECUTE FUNCTION gloss_index_tags();\n"
	"SELECT gloss_index(id) FROM annotations;\n",
	/* 2 -> 3: SQLite's search backlog (store-schema.c); here the
	   triggers above index every change inside its transaction, so
	   there is nothing to add. */
	"SELECT 1;\n",
	/* 3 -> 4: SQLite's index of folded text (store-schema.c); here
	   search reads the annotations and folds them in C (store_search),
	   so there is nothing to add. */
	"SELECT 1;\n",
};

/* Reads one integer (or -1 for no row or NULL). */
static int
pg_query_int(struct pg_db *p, const char *sql, long long *out)
{
	PGresult *res = lp.PQexec(p->conn, sql);
	int rc = result_rc(p, res);
	*out = -1;
	if (rc == DB_OK && lp.PQntuples(res) > 0 && !lp.PQgetisnull(res, 0, 0))
		*out = atoll(lp.PQgetvalue(res, 0, 0));
	lp.PQclear(res);
	return rc;
}

#define SCHEMA_VERSION_SQL "SELECT version FROM gloss_schema"
/* Tables of the current schema: a database with tables but no
 * gloss_schema belongs to another program. */
#define TABLE_COUNT_SQL \
	"SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"

static enum gl_status
schema_version(struct store *s, struct pg_db *p, long long *version,
	       struct gl_error *err)
{
	long long exists, tables;
	int rc = pg_query_int(p, "SELECT count(*) FROM pg_tables WHERE "
			      "schemaname = current_schema() AND "
			      "tablename = 'gloss_schema'", &exists);
	if (rc == DB_OK && exists > 0)
		rc = pg_query_int(p, SCHEMA_VERSION_SQL, version);
	else if (rc == DB_OK) {
		*version = 0;
		rc = pg_query_int(p, TABLE_COUNT_SQL, &tables);
		if (rc == DB_OK && tables > 0)
			return gl_fail(err, GL_STORE,
				       "%s is not a gloss store (its database has "
				       "tables of another program); gloss has not "
				       "changed it", s->path);
	}
	if (rc != DB_OK)
		return store_sql_fail(s, rc, "cannot read the store's version", err);
	if (*version > STORE_SCHEMA_VERSION)
		return gl_fail(err, GL_STORE_NEWER,
			       "%s was made by a newer gloss (store schema %lld; "
			       "this gloss knows up to %d): upgrade gloss to use "
			       "it; the database was left as it is",
			       s->path, *version, STORE_SCHEMA_VERSION);
	return GL_OK;
}

static enum gl_status
migrate(struct store *s, struct pg_db *p, struct gl_error *err)
{
	long long version;
	enum gl_status st = store_begin(s, err);
	if (st != GL_OK)
		return st;
	/* Again under the lock: another gloss may have just done it. */
	st = schema_version(s, p, &version, err);
	if (st == GL_OK && version == 0) {
		int rc = pg_run(p, "CREATE TABLE gloss_schema (version integer "
				"NOT NULL); INSERT INTO gloss_schema VALUES (0)");
		if (rc != DB_OK)
			st = store_sql_fail(s, rc, "cannot create the store", err);
	}
	for (long long v = version; st == GL_OK && v < STORE_SCHEMA_VERSION; v++) {
		int rc = pg_run(p, pg_migrations[v]);
		if (rc != DB_OK) {
			char what[64];
			snprintf(what, sizeof what,
				 "cannot upgrade the store to schema %lld", v + 1);
			st = store_sql_fail(s, rc, what, err);
		}
	}
	if (st == GL_OK && version < STORE_SCHEMA_VERSION) {
		char sql[64];
		snprintf(sql, sizeof sql, "UPDATE gloss_schema SET version = %d",
			 STORE_SCHEMA_VERSION);
		int rc = pg_run(p, sql);
		if (rc != DB_OK)
			st = store_sql_fail(s, rc, "cannot upgrade the store", err);
	}
	return store_end(s, st, err);
}

/* --------------------------------------------------------------- opening */

/* True when the URI (or the environment) names the role to connect as. */
static bool
names_user(const char *uri)
{
	const char *env = getenv("PGUSER");
	if (env && *env)
		return true;
	PQconninfoOption *opts = lp.PQconninfoParse(uri, NULL);
	bool named = false;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "user") == 0 && o->val && *o->val)
			named = true;
	lp.PQconninfoFree(opts);
	return named;
}

enum gl_status
store_pg_open(struct store *s, const char *uri, unsigned flags,
	      struct gl_error *err)
{
	enum gl_status loaded = libpq_ready(err);
	if (loaded != GL_OK)
		return loaded;
	PQconninfoOption *check = lp.PQconninfoParse(uri, NULL);
	if (!check)
		return gl_fail(err, GL_USAGE, "%s is not a PostgreSQL location "
			       "(postgresql://[user@]host[:port]/database)", s->path);
	lp.PQconninfoFree(check);

	struct pg_db *p = xcalloc(1, sizeof *p);
	p->base.ops = &pg_ops;
	p->uri = xstrdup(uri);
	p->readonly = (flags & STORE_OPEN_READONLY) != 0;
	s->db = &p->base;

	const char *keys[5], *vals[5];
	int n = 0;
	keys[n] = "dbname"; vals[n++] = uri;
	if (!names_user(uri)) {
		keys[n] = "user"; vals[n++] = s->author;
	}
	keys[n] = "fallback_application_name"; vals[n++] = "gloss";
	keys[n] = "connect_timeout"; vals[n++] = "10";
	keys[n] = NULL; vals[n] = NULL;
	p->conn = lp.PQconnectdbParams(keys, vals, 1);
	if (!p->conn || lp.PQstatus(p->conn) != CONNECTION_OK) {
		set_errmsg(p, p->conn ? lp.PQerrorMessage(p->conn) : "out of memory");
		return gl_fail(err, GL_STORE, "cannot connect to %s: %s", s->path,
			       p->errmsg);
	}
	if (setup_session(p) != DB_OK)
		return store_sql_fail(s, DB_CANTOPEN, "cannot set up the connection", err);

	/* The author is the role. */
	PGresult *res = lp.PQexec(p->conn, "SELECT current_user");
	if (result_rc(p, res) == DB_OK && lp.PQntuples(res) == 1) {
		free(s->author);
		s->author = xstrdup(lp.PQgetvalue(res, 0, 0));
	}
	lp.PQclear(res);

	long long version;
	enum gl_status st = schema_version(s, p, &version, err);
	if (st != GL_OK)
		return st;
	if (p->readonly) {
		s->readonly = true;
		s->notice = xasprintf("%s is open read-only: annotations can be "
				      "read but not changed", s->path);
		if (version < STORE_SCHEMA_VERSION)
			return gl_fail(err, GL_STORE_READONLY,
				       "%s needs an upgrade to store schema %d, "
				       "but it is open read-only", s->path,
				       STORE_SCHEMA_VERSION);
		return GL_OK;
	}
	if (version < STORE_SCHEMA_VERSION)
		return migrate(s, p, err);
	return GL_OK;
}

enum gl_status
store_pg_check(struct store *s, struct gl_error *err)
{
	long long version;
	return schema_version(s, pg(s->db), &version, err);
}
