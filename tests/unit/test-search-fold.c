/* search-fold: gloss search finds what the reader's / finds (NFKC and
 * case folding, smart case), and still from the SQLite full-text index.
 * gloss gives the store u8's fold (store_set_text_fold); so does this
 * test.  What a user relies on: ＶＩＭ, vim and ｖｉｍ find one another;
 * a query with a capital is case-sensitive; a two-character CJK query
 * finds every match; a big import's rows are found before they are
 * indexed; a store of schema 3 (an index of unfolded text) is upgraded
 * and its index rebuilt folded; a read-only store whose index was built
 * with another fold still answers right.  That the index is what
 * answers is checked without timing: an annotation taken out of the
 * index (by SQL, behind the store's back) is no longer found by a
 * search that the index answers. */
#include "config.h"

#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/util.h"
#include "../tap.h"

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *tmpdir;

static struct store_text_fold fold = {
	u8_fold, u8_fold_query, u8_fold_contains, NULL,
};

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Runs SQL on the file behind the store's back; the first column of the
 * first row as a string ("" when none), or NULL when the SQL fails. */
static char *
sql_text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *out = NULL;
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_stmt *q = NULL;
		int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(q);
			if (rc == SQLITE_ROW)
				out = xstrdup(sqlite3_column_text(q, 0)
					      ? (const char *)sqlite3_column_text(q, 0) : "");
			else if (rc == SQLITE_DONE)
				out = xstrdup("");
		}
		if (!out)
			diag("%s: %s", sql, sqlite3_errmsg(db));
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return out;
}

static bool
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		diag("%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc == SQLITE_OK;
}

static struct store *
open_store(const char *path, unsigned flags)
{
	struct store *s = NULL;
	struct gl_error err = { 0 };
	if (store_open(path, "alice", flags, &s, &err) != GL_OK)
		diag("cannot open %s: %s", path, err.message);
	return s;
}

/* The annotations of the examples, by the hex digit that starts their
 * id (what found() lists). */
struct example {
	char letter;
	const char *exact, *note, *tag;
};
static const struct example examples[] = {
	{ 'a', "ＶＩＭ", "寬字元", NULL },
	{ 'b', "Emacs", "a plain note", "Editor" },
	{ 'c', "ｶﾀｶﾅ", "half-width katakana", NULL },
	{ 'd', "vim", "lowercase", NULL },
	{ 'e', NULL, "「老陳」說，好。", NULL },
	{ 'f', "海鷗飛過", "早晨的碼頭", "ＣＪＫ" },
	{ '7', "Straße", NULL, NULL },
};

static void
example_id(char out[STORE_ID_LEN + 1], char letter, size_t n)
{
	snprintf(out, STORE_ID_LEN + 1, "%c0000000-0000-4000-8000-%012zx", letter, n);
}

/* A store at `path` with a document and the examples. */
static void
make_store(const char *path)
{
	struct store *s = open_store(path, 0);
	struct gl_error err = { 0 };
	static const char text[] = "Editors: ＶＩＭ, vim, Emacs.";
	char *doc = NULL;
	if (store_document_create(s, "editors", NULL, &doc, &err) != GL_OK ||
	    store_version_add(s, doc, "00000000000000000000000000000001", 1, text,
			      strlen(text), 24, &err) != GL_OK)
		diag("cannot make a document: %s", err.message);
	struct store_annotation a[GL_ARRAY_LEN(examples)];
	char ids[GL_ARRAY_LEN(examples)][STORE_ID_LEN + 1];
	char *tags[GL_ARRAY_LEN(examples)];
	for (size_t i = 0; i < GL_ARRAY_LEN(examples); i++) {
		example_id(ids[i], examples[i].letter, 0);
		tags[i] = (char *)examples[i].tag;
		a[i] = (struct store_annotation){
			.id = ids[i], .document = doc,
			.version = (char *)"00000000000000000000000000000001",
			.renderer = 1, .author = (char *)"alice",
			.start = examples[i].exact ? 0 : -1,
			.end = examples[i].exact ? 3 : -1,
			.exact = (char *)examples[i].exact,
			.anchor = examples[i].exact ? STORE_ANCHOR_EXACT : STORE_ANCHOR_NONE,
			.note = (char *)examples[i].note,
			.created = (char *)"2026-01-01T00:00:00Z",
			.tags = tags[i] ? &tags[i] : NULL, .tag_count = tags[i] ? 1 : 0,
		};
	}
	if (store_annotations_import(s, a, GL_ARRAY_LEN(examples), NULL, &err) != GL_OK)
		diag("import: %s", err.message);
	free(doc);
	store_close(s);
}

/* The letters of what store_search finds for `query`, sorted ("-" for
 * an error). */
static char *
found(struct store *s, const char *query)
{
	struct store_annotation_list l = { 0 };
	struct gl_error err = { 0 };
	if (!s || store_search(s, query, NULL, &l, &err) != GL_OK)
		return xstrdup("-");
	char *out = xcalloc(l.count + 1, 1);
	for (size_t i = 0; i < l.count; i++) {
		size_t k = i;
		while (k > 0 && out[k - 1] > l.items[i].id[0]) {
			out[k] = out[k - 1];
			k--;
		}
		out[k] = l.items[i].id[0];
	}
	store_annotation_list_free(&l);
	return out;
}

static void
finds(struct store *s, const char *query, const char *want, const char *what)
{
	char *got = found(s, query);
	is_str(got, want, "%s: \"%s\" finds %s", what, query, *want ? want : "nothing");
	free(got);
}

/* The queries of the reader's rules, and what each must find. */
static const struct {
	const char *query, *want;
} rules[] = {
	{ "vim", "ad" },        /* full width found by ASCII, case folded */
	{ "ｖｉｍ", "ad" },     /* a full-width query finds both */
	{ "VIM", "a" },         /* a capital: case-sensitive, width still folded */
	{ "ＶＩＭ", "a" },
	{ "カタカナ", "c" },    /* full-width katakana finds half-width */
	{ "emacs", "b" },
	{ "EMACS", "" },        /* smart case: EMACS is not Emacs */
	{ "Emacs", "b" },
	{ "editor", "b" },      /* a tag, case folded */
	{ "cjk", "f" },         /* a full-width tag */
	{ "strasse", "7" },     /* ß case folds to ss */
	{ "STRASSE", "" },      /* ... but not with case kept */
	{ "老陳", "e" },        /* two CJK characters */
	{ "，好", "e" },        /* a full-width comma found by itself */
	{ ",好", "e" },         /* ... and by a half-width one */
	{ "海鷗", "f" },
	{ "鷗", "f" },          /* one character */
	{ "vi", "ad" },         /* two letters, folded */
	{ "寬字元", "a" },
	{ "a plain", "b" },
	{ "plain note Editor", "" }, /* never across two fields */
};

static void
check_rules(struct store *s, const char *what)
{
	for (size_t i = 0; i < GL_ARRAY_LEN(rules); i++)
		finds(s, rules[i].query, rules[i].want, what);
}

static char *
seq_of(const char *path, char letter)
{
	char id[STORE_ID_LEN + 1], *sql;
	example_id(id, letter, 0);
	sql = xasprintf("SELECT seq FROM annotations WHERE id = '%s'", id);
	char *seq = sql_text(path, sql);
	free(sql);
	return seq ? seq : xstrdup("0");
}

static void
test_new_store(void)
{
	char *path = gl_path_join(tmpdir, "new.db");
	make_store(path);
	struct store *s = open_store(path, 0);
	check_rules(s, "a new store");

	char *fold_name = sql_text(path, "SELECT fold FROM search_fold");
	is_str(fold_name, u8_fold_name(), "the store records the fold its index was built with");
	free(fold_name);
	char *seq = seq_of(path, 'a');
	char *sql = xasprintf("SELECT exact FROM annotations_fts WHERE rowid = %s", seq);
	char *held = sql_text(path, sql);
	is_str(held, "vim", "the index holds the quote ＶＩＭ folded");
	free(held);
	free(sql);
	free(seq);

	/* An edit is indexed folded too. */
	char id[STORE_ID_LEN + 1];
	example_id(id, 'c', 0);
	struct gl_error err = { 0 };
	struct store_edit e = { .set_note = true, .note = "ＲＥＡＤＥＲ's note" };
	is_int(store_annotation_edit(s, id, &e, &err), GL_OK, "a note is edited to full-width text");
	finds(s, "reader", "c", "after the edit");
	finds(s, "half-width", "", "after the edit");

	/* The index answers: an annotation taken out of it behind the
	   store's back is not found by a query the index answers, three
	   characters or more (MATCH) or fewer (a scan of its folded text),
	   while the quote is still in the annotation. */
	store_close(s);
	char *seq_d = seq_of(path, 'd');
	sql = xasprintf("DELETE FROM annotations_fts WHERE rowid = %s", seq_d);
	ok(sql_exec(path, sql), "the quote vim is taken out of the index by SQL");
	free(sql);
	free(seq_d);
	s = open_store(path, 0);
	finds(s, "vim", "a", "the index answers a three-letter query");
	finds(s, "vi", "a", "the index's folded text answers a two-letter query");
	store_close(s);
	free(path);
}

/* More than store-import.c's BIG_BATCH (1,000): left to the catch-up. */
enum { BATCH = 1200 };

/* A big import whose rows the catch-up has not indexed yet is found
 * with the same folding, and the same after the catch-up. */
static void
test_backlog(void)
{
	char *path = gl_path_join(tmpdir, "backlog.db");
	make_store(path);
	struct store *s = open_store(path, 0);
	struct gl_error err = { 0 };
	char *docid = sql_text(path, "SELECT id FROM documents");
	struct store_annotation *a = xcalloc(BATCH, sizeof *a);
	char (*ids)[STORE_ID_LEN + 1] = xcalloc(BATCH, sizeof *ids);
	char (*notes)[64] = xcalloc(BATCH, sizeof *notes);
	for (size_t i = 0; i < BATCH; i++) {
		example_id(ids[i], '9', i);
		/* Full-width ＴｅＸ in every third, 漁船 in every fifth. */
		snprintf(notes[i], sizeof notes[i], "%s %zu %s",
			 i % 3 == 0 ? "ＴｅＸ" : "plain", i, i % 5 == 0 ? "漁船" : "");
		a[i] = (struct store_annotation){
			.id = ids[i], .document = docid,
			.version = (char *)"00000000000000000000000000000001",
			.renderer = 1, .author = (char *)"bob",
			.start = -1, .end = -1, .anchor = STORE_ANCHOR_NONE,
			.note = notes[i], .created = (char *)"2026-01-01T00:00:00Z",
		};
	}
	setenv("GLOSS_TEST_NO_CATCH_UP", "1", 1);
	is_int(store_annotations_import(s, a, BATCH, NULL, &err), GL_OK,
	       "a big import of full-width notes");
	store_close(s);
	char *backlog = sql_text(path, "SELECT count(*) FROM search_backlog");
	is_str(backlog, "1", "leaves its rows to the catch-up (the hook)");
	free(backlog);
	s = open_store(path, 0);
	char *got = found(s, "tex");
	is_int((long long)strlen(got), BATCH / 3,
	       "\"tex\" finds every ＴｅＸ of the backlog, folded");
	free(got);
	got = found(s, "TeX");
	is_int((long long)strlen(got), BATCH / 3, "\"TeX\" (case kept) finds them too");
	free(got);
	got = found(s, "TEX");
	is_int((long long)strlen(got), 0, "\"TEX\" finds none of them (smart case)");
	free(got);
	got = found(s, "漁船");
	is_int((long long)strlen(got), BATCH / 5, "a two-character CJK query finds every one");
	free(got);
	check_rules(s, "with a backlog");
	store_close(s);

	unsetenv("GLOSS_TEST_NO_CATCH_UP");
	s = open_store(path, 0);
	backlog = sql_text(path, "SELECT count(*) FROM search_backlog");
	is_str(backlog, "0", "the next open catches the index up");
	free(backlog);
	got = found(s, "tex");
	is_int((long long)strlen(got), BATCH / 3, "\"tex\" finds the same from the index");
	free(got);
	got = found(s, "漁船");
	is_int((long long)strlen(got), BATCH / 5, "and \"漁船\" too");
	free(got);
	char *held = sql_text(path, "SELECT count(*) FROM annotations_fts"
			      " WHERE substr(note, 1, 4) = 'tex '");
	is_int(held ? atoll(held) : -1, BATCH / 3,
	       "the catch-up indexed the notes folded (ＴｅＸ as tex)");
	free(held);
	store_close(s);
	free(docid);
	free(notes);
	free(ids);
	free(a);
	free(path);
}

/* A store of schema 3, whose index holds the text as it is, is upgraded
 * and its index built again folded; a read-only store whose index was
 * built with another fold answers right without it. */
static void
test_upgrade(void)
{
	char *path = gl_path_join(tmpdir, "v3.db");
	make_store(path);
	ok(sql_exec(path,
		    "DROP TABLE search_fold;"
		    "DELETE FROM annotations_fts;"
		    "INSERT INTO annotations_fts (rowid, exact, note, tags)"
		    " SELECT a.seq, coalesce(a.exact, ''), coalesce(a.note, ''),"
		    " coalesce((SELECT group_concat(tag, ' ') FROM"
		    " (SELECT tag FROM tags WHERE annotation = a.id ORDER BY tag)), '')"
		    " FROM annotations a;"
		    "PRAGMA user_version = 3;"),
	   "the store is made a schema-3 store (an index of unfolded text)");
	struct store *s = open_store(path, 0);
	ok(s != NULL, "a schema-3 store opens");
	char *v = sql_text(path, "PRAGMA user_version");
	is_str(v, "4", "it is upgraded to schema 4");
	free(v);
	char *name = sql_text(path, "SELECT fold FROM search_fold");
	is_str(name, u8_fold_name(), "its index was built again with the fold");
	free(name);
	char *seq = seq_of(path, 'a');
	char *sql = xasprintf("SELECT exact FROM annotations_fts WHERE rowid = %s", seq);
	char *held = sql_text(path, sql);
	is_str(held, "vim", "the rebuilt index holds ＶＩＭ folded");
	free(held);
	free(sql);
	free(seq);
	char *n = sql_text(path, "SELECT count(*) FROM annotations_fts");
	char *m = sql_text(path, "SELECT count(*) FROM annotations");
	is_str(n, m, "with one row per annotation");
	free(n);
	free(m);
	check_rules(s, "an upgraded store");
	struct gl_error err = { 0 };
	is_int(store_check(s, &err), GL_OK, "the upgraded store passes gloss's check");
	store_close(s);

	/* Another fold's index (another Unicode version, say), read-only. */
	ok(sql_exec(path, "UPDATE search_fold SET fold = 'another fold';"
			  "UPDATE annotations_fts SET exact = 'nothing like it'"),
	   "the index is made another fold's");
	s = open_store(path, STORE_OPEN_READONLY);
	check_rules(s, "a read-only store with another fold's index");
	store_close(s);
	name = sql_text(path, "SELECT fold FROM search_fold");
	is_str(name, "another fold", "a read-only store is left as it was");
	free(name);
	s = open_store(path, 0);
	name = sql_text(path, "SELECT fold FROM search_fold");
	is_str(name, u8_fold_name(), "a writable one gets its index built again");
	free(name);
	check_rules(s, "after the rebuild");
	store_close(s);
	free(path);
}

int
main(void)
{
	char tmpl[] = "tests/tmp/test-search-fold.XXXXXX";
	gl_mkdir_p("tests/tmp", 0755, NULL);
	tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		tap_skip_all("cannot make a temporary directory");
	setenv("GLOSS_NOW", "2026-05-01T12:00:00Z", 1);
	unsetenv("GLOSS_TEST_NO_CATCH_UP");
	fold.name = u8_fold_name();
	store_set_text_fold(&fold);

	test_new_store();
	test_backlog();
	test_upgrade();

	if (!tap_failed)
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
