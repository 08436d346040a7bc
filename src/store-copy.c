/* store-copy: copying a whole store into another (gloss migrate), between
 * any two locations (SQLite file to PostgreSQL and back), through the
 * driver interface, so it is the same code whichever the backends.
 *
 * Idempotent: rows are matched by their identity (a document's id, a
 * version's hash and renderer, an annotation's id, a reader's document and
 * author) and a row the target has is left as it is.  An annotation's
 * events come with it, when it is copied, in the order of the source's
 * log, with undo's links (reverts) renumbered, so undo works on the
 * copy. */
#include "config.h"

#include "store-internal.h"

#include <stdlib.h>
#include <string.h>

/* Binds the columns of the current row of `from` as the parameters 1..n
 * of `to`, each as text or NULL. */
static void
bind_row(struct db_stmt *from, struct db_stmt *to, int n)
{
	for (int i = 0; i < n; i++) {
		if (db_column_is_null(from, i))
			db_bind_null(to, i + 1);
		else
			db_bind_textn(to, i + 1, db_column_text(from, i),
				      db_column_bytes(from, i));
	}
}

struct copy {
	struct store *from, *to;
	struct gl_error *err;
	char **new_ids;           /* annotations copied now, sorted */
	size_t new_count, new_cap;
	long long (*seq_map)[2];  /* events: source seq -> target seq */
	size_t map_count, map_cap;
};

static int
compare_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_new(struct copy *c, const char *id)
{
	return id && c->new_count &&
	       bsearch(&id, c->new_ids, c->new_count, sizeof *c->new_ids,
		       compare_str) != NULL;
}

static long long
mapped_seq(struct copy *c, long long seq)
{
	size_t lo = 0, hi = c->map_count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->seq_map[mid][0] == seq)
			return c->seq_map[mid][1];
		if (c->seq_map[mid][0] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

enum copy_kind { COPY_PLAIN, COPY_ANNOTATIONS, COPY_TAGS, COPY_EVENTS };

/* Runs `select` on the source and, for each row, `insert` on the target;
 * counts the rows read into *total and those the target took into
 * *copied. */
static enum gl_status
copy_table(struct copy *c, const char *what, const char *select,
	   const char *insert, int ncols, enum copy_kind kind,
	   long long *copied, long long *total)
{
	struct db_stmt *q = NULL, *ins = NULL;
	enum gl_status st = GL_OK;
	int rc = db_prepare(c->from->db, select, &q);
	if (rc != DB_OK)
		return store_sql_fail(c->from, rc, what, c->err);
	rc = db_prepare(c->to->db, insert, &ins);
	if (rc != DB_OK) {
		db_finalize(q);
		return store_sql_fail(c->to, rc, what, c->err);
	}
	while ((rc = db_step(q)) == DB_ROW) {
		(*total)++;
		if (kind == COPY_TAGS && !is_new(c, db_column_text(q, 0)))
			continue;
		if (kind == COPY_EVENTS && !is_new(c, db_column_text(q, 4)))
			continue;
		db_reset(ins);
		if (kind == COPY_EVENTS) {
			/* seq, then the 7 columns of the insert; reverts is
			   renumbered. */
			for (int i = 1; i < 7; i++) {
				if (db_column_is_null(q, i))
					db_bind_null(ins, i);
				else
					db_bind_textn(ins, i, db_column_text(q, i),
						      db_column_bytes(q, i));
			}
			long long rev = db_column_is_null(q, 7) ? 0
				      : mapped_seq(c, db_column_int64(q, 7));
			if (rev > 0)
				db_bind_int64(ins, 7, rev);
			else
				db_bind_null(ins, 7);
		} else {
			bind_row(q, ins, ncols);
		}
		int irc = db_step(ins);
		if (kind == COPY_EVENTS && irc == DB_ROW) {
			if (c->map_count == c->map_cap) {
				c->map_cap = c->map_cap ? c->map_cap * 2 : 256;
				c->seq_map = xreallocarray(c->seq_map, c->map_cap,
							   sizeof *c->seq_map);
			}
			c->seq_map[c->map_count][0] = db_column_int64(q, 0);
			c->seq_map[c->map_count][1] = db_column_int64(ins, 0);
			c->map_count++;
			(*copied)++;
			irc = db_step(ins);
		} else if (irc == DB_DONE && db_changes(c->to->db) > 0) {
			(*copied)++;
			if (kind == COPY_ANNOTATIONS) {
				if (c->new_count == c->new_cap) {
					c->new_cap = c->new_cap ? c->new_cap * 2 : 256;
					c->new_ids = xreallocarray(c->new_ids, c->new_cap,
								   sizeof *c->new_ids);
				}
				c->new_ids[c->new_count++] =
					xstrdup(db_column_text(q, 0));
			}
		}
		if (irc != DB_DONE) {
			st = store_sql_fail(c->to, irc, what, c->err);
			if (st == GL_DENIED)
				gl_fail(c->err, GL_DENIED,
					"%s: not allowed to copy %s: %s (copying "
					"other people's annotations into PostgreSQL "
					"takes a role with BYPASSRLS, the team's "
					"administrator)", c->to->path, what,
					db_errmsg(c->to->db));
			break;
		}
	}
	if (st == GL_OK && rc != DB_DONE)
		st = store_sql_fail(c->from, rc, what, c->err);
	db_finalize(q);
	db_finalize(ins);
	if (st == GL_OK && kind == COPY_ANNOTATIONS && c->new_count)
		qsort(c->new_ids, c->new_count, sizeof *c->new_ids, compare_str);
	return st;
}

/* The full-text rows of the annotations copied into an SQLite store. */
static enum gl_status
index_copied(struct copy *c)
{
	if (!c->to->db->ops->has_fts5)
		return GL_OK;
	for (size_t i = 0; i < c->new_count; i++) {
		struct db_stmt *q = store_stmt(c->to, ST_FTS_INSERT, c->err);
		if (!q)
			return c->err ? c->err->status : GL_STORE;
		store_bind_text(q, 1, c->new_ids[i]);
		int rc = db_step(q);
		store_stmt_done(q);
		if (rc != DB_DONE)
			return store_sql_fail(c->to, rc, "cannot update the search index",
					      c->err);
	}
	return GL_OK;
}

enum gl_status
store_copy(struct store *from, struct store *to,
	   struct store_copy_counts *copied, struct store_copy_counts *total,
	   struct gl_error *err)
{
	struct copy c = { .from = from, .to = to, .err = err };
	memset(copied, 0, sizeof *copied);
	memset(total, 0, sizeof *total);
	enum gl_status st = store_begin(to, err);
	if (st != GL_OK)
		return st;
	st = copy_table(&c, "the documents",
			"SELECT id, title, source, created FROM documents "
			"ORDER BY created, rowid",
			"INSERT INTO documents (id, title, source, created) "
			"VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
			4, COPY_PLAIN, &copied->documents, &total->documents);
	if (st == GL_OK)
		st = copy_table(&c, "the versions",
				"SELECT hash, renderer, document, length_cp, text, "
				"first_seen FROM versions ORDER BY seq",
				"INSERT INTO versions (hash, renderer, document, "
				"length_cp, text, first_seen) VALUES (?1, ?2, ?3, ?4, "
				"?5, ?6) ON CONFLICT DO NOTHING",
				6, COPY_PLAIN, &copied->versions, &total->versions);
	if (st == GL_OK)
		st = copy_table(&c, "the annotations",
				"SELECT id, document, version, renderer, author, "
				"parent, start_cp, end_cp, exact, prefix, suffix, "
				"style, note, status, anchor, private, deleted, "
				"created, updated FROM annotations ORDER BY seq",
				"INSERT INTO annotations (id, document, version, "
				"renderer, author, parent, start_cp, end_cp, exact, "
				"prefix, suffix, style, note, status, anchor, "
				"private, deleted, created, updated) VALUES (?1, ?2, "
				"?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
				"?14, ?15, ?16, ?17, ?18, ?19) ON CONFLICT DO NOTHING",
				19, COPY_ANNOTATIONS, &copied->annotations,
				&total->annotations);
	long long tags_copied = 0, tags_total = 0;
	if (st == GL_OK)
		st = copy_table(&c, "the tags",
				"SELECT annotation, tag FROM tags "
				"ORDER BY annotation, tag",
				"INSERT INTO tags (annotation, tag) VALUES (?1, ?2) "
				"ON CONFLICT DO NOTHING",
				2, COPY_TAGS, &tags_copied, &tags_total);
	if (st == GL_OK)
		st = index_copied(&c);
	if (st == GL_OK)
		st = copy_table(&c, "the change log",
				"SELECT seq, time, who, what, annotation, before, "
				"after, reverts FROM events ORDER BY seq",
				"INSERT INTO events (time, who, what, annotation, "
				"before, after, reverts) VALUES (?1, ?2, ?3, ?4, ?5, "
				"?6, ?7) RETURNING seq",
				7, COPY_EVENTS, &copied->events, &total->events);
	if (st == GL_OK)
		st = copy_table(&c, "the reading positions",
				"SELECT document, author, offset_cp, updated "
				"FROM positions",
				"INSERT INTO positions (document, author, offset_cp, "
				"updated) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
				4, COPY_PLAIN, &copied->positions, &total->positions);
	long long seen_copied = 0, seen_total = 0;
	if (st == GL_OK)
		st = copy_table(&c, "the last visits",
				"SELECT document, author, time FROM seen",
				"INSERT INTO seen (document, author, time) VALUES "
				"(?1, ?2, ?3) ON CONFLICT DO NOTHING",
				3, COPY_PLAIN, &seen_copied, &seen_total);
	for (size_t i = 0; i < c.new_count; i++)
		free(c.new_ids[i]);
	free(c.new_ids);
	free(c.seq_map);
	st = store_end(to, st, err);
	/* A fresh server's planner would otherwise take the new tables for
	   empty until autovacuum looks. */
	if (st == GL_OK && copied->annotations > 0 && to->tx_depth == 0)
		to->db->ops->optimize(to->db);
	return st;
}
