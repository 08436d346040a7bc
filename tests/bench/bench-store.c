/* bench-store: figures for the annotation store (make bench; never part
 * of make check, never fails on time).
 *
 *   add latency      one annotation per transaction, synchronous=FULL,
 *                    as `gloss add` or a key press in the reader makes it:
 *                    median and 99th percentile of ADDS adds
 *   load             all annotations of a document that has 10,000
 *                    (store_annotations_list): median of 5
 *   search           over 100,000 annotations, folded as gloss search
 *                    folds (u8): a 3+ character query (FTS5 trigram), a
 *                    rare one, and a 2-character CJK query (a scan of
 *                    the index's folded text): median of 5 each
 *   import           SEARCH_ANNOTATIONS more in one import batch: the
 *                    time the write lock is held (BEGIN IMMEDIATE to
 *                    COMMIT returning), wall and CPU, and the indexing
 *                    for search that follows it
 *
 * Usage: bench-store [DIR [SEARCH_ANNOTATIONS]]; DIR defaults to a new
 * directory under tests/tmp, removed at the end.  With GLOSS_BENCH_STORE
 * set to a store location (an empty PostgreSQL database, as
 * tests/bench/store-backends.sh makes), the store is there instead of
 * DIR/bench.db, so both backends are measured by the same code. */
#include "config.h"

#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
percentile(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, compare_double);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void
die(const char *what, const struct gl_error *err)
{
	fprintf(stderr, "bench-store: %s: %s\n", what, err->message);
	exit(1);
}

static const char *const words[] = {
	"harbour", "boats", "market", "gulls", "nets", "quay", "morning",
	"trucks", "crates", "tide", "漁船", "港口", "市場", "海鷗", "早晨",
	"碼頭", "工人", "收成", "老陳", "走道",
};

static void
random_note(char *out, size_t size, unsigned *seed)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < 8 && n + 16 < size; i++) {
		const char *w = words[rand_r(seed) % GL_ARRAY_LEN(words)];
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "", w);
	}
}

static char *
make_doc(struct store *s, const char *title, const char *text, char **hash)
{
	static int counter;
	struct gl_error err;
	char *id = NULL;
	*hash = xasprintf("%032x", ++counter);
	if (store_document_create(s, title, NULL, &id, &err) != GL_OK)
		die("document", &err);
	if (store_version_add(s, id, *hash, 1, text, strlen(text),
			      (long long)strlen(text), &err) != GL_OK)
		die("version", &err);
	return id;
}

static void
add_one(struct store *s, const char *doc, const char *hash, long long start,
	const char *note)
{
	static const char *const tags[] = { "bench", "note" };
	struct store_new_annotation n = {
		.document = doc, .version = hash, .renderer = 1,
		.start = start, .end = start + 12, .exact = "fishing boat",
		.prefix = "At six in the morning the ", .suffix = " comes back to the harbour",
		.anchor = STORE_ANCHOR_EXACT, .note = note, .tags = tags, .tag_count = 2,
	};
	char *id = NULL;
	struct gl_error err;
	if (store_annotation_add(s, &n, &id, &err) != GL_OK)
		die("add", &err);
	free(id);
}

/* Adds `count` annotations in transactions of 1000. */
static void
fill(struct store *s, const char *doc, const char *hash, size_t count, unsigned *seed)
{
	struct gl_error err;
	char note[256];
	for (size_t i = 0; i < count; i++) {
		if (i % 1000 == 0 && store_begin(s, &err) != GL_OK)
			die("begin", &err);
		random_note(note, sizeof note, seed);
		add_one(s, doc, hash, (long long)(i % 5000), note);
		if ((i % 1000 == 999 || i + 1 == count) && store_commit(s, &err) != GL_OK)
			die("commit", &err);
	}
}

static double
cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Import of `count` new annotations (random ids, as another tool's are; a
 * tenth replies, a fifth tagged), in gloss import's steps: the batch made
 * before the lock, then the write lock held from BEGIN IMMEDIATE to
 * COMMIT returning (issue 9's budget: 2 s for 100,000), then what
 * comes after it: the search index's catch-up (short transactions of its
 * own) and the checkpoint. */
static void
bench_import(struct store *s, const char *text, size_t count, unsigned *seed)
{
	static char author[] = "importer", exact[] = "fishing boat",
		    prefix[] = "At six in the morning the ",
		    suffix[] = " comes back to the harbour", created[] = "2026-01-01T00:00:00Z",
		    tag[] = "imported";
	static char *tags[] = { tag };
	char *hash;
	char *doc = make_doc(s, "import", text, &hash);
	char (*ids)[STORE_ID_LEN + 1] = xcalloc(count, sizeof *ids);
	char (*notes)[256] = xcalloc(count, sizeof *notes);
	struct store_annotation *a = xcalloc(count, sizeof *a);
	for (size_t i = 0; i < count; i++) {
		snprintf(ids[i], sizeof ids[i], "%08x-%04x-4%03x-8%03x-%04x%08x",
			 (unsigned)rand_r(seed), (unsigned)rand_r(seed) & 0xffff,
			 (unsigned)rand_r(seed) & 0xfff, (unsigned)rand_r(seed) & 0xfff,
			 (unsigned)rand_r(seed) & 0xffff, (unsigned)rand_r(seed));
		random_note(notes[i], sizeof notes[i], seed);
		bool reply = i % 10 == 9;
		a[i] = (struct store_annotation){
			.id = ids[i], .document = doc, .version = hash, .renderer = 1,
			.author = author, .parent = reply ? ids[i - 1] : NULL,
			.start = reply ? -1 : (long long)(i % 2000) * 66 + 26,
			.end = reply ? -1 : (long long)(i % 2000) * 66 + 38,
			.exact = reply ? NULL : exact, .prefix = reply ? NULL : prefix,
			.suffix = reply ? NULL : suffix, .note = notes[i],
			.anchor = reply ? STORE_ANCHOR_NONE : STORE_ANCHOR_EXACT,
			.created = created, .tags = i % 5 == 0 ? tags : NULL,
			.tag_count = i % 5 == 0,
		};
	}
	struct gl_error err;
	struct store_import_batch *b = NULL;
	double t0 = now_ms();
	if (store_import_batch_new(a, count, &b, &err) != GL_OK)
		die("import batch", &err);
	double made = now_ms() - t0;
	double c0 = cpu_ms();
	t0 = now_ms();
	if (store_begin(s, &err) != GL_OK ||
	    store_import_batch_apply(s, b, NULL, &err) != GL_OK ||
	    store_commit(s, &err) != GL_OK)
		die("import", &err);
	double locked = now_ms() - t0, cpu = cpu_ms() - c0;
	t0 = now_ms();
	store_import_batch_finish(s, b);
	double after = now_ms() - t0;
	printf("import %zu annotations: batch made before the lock %.0f ms; write lock "
	       "held %.0f ms (CPU %.0f ms); search index catch-up and checkpoint "
	       "after the lock %.0f ms\n",
	       count, made, locked, cpu, after);
	store_import_batch_free(b);
	free(a);
	free(notes);
	free(ids);
	free(doc);
	free(hash);
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

int
main(int argc, char **argv)
{
	char tmpl[] = "tests/tmp/bench-store.XXXXXX";
	const char *dir;
	bool own_dir = argc < 2;
	if (own_dir) {
		gl_mkdir_p("tests/tmp", 0755, NULL);
		dir = mkdtemp(tmpl);
		if (!dir) {
			perror("bench-store: mkdtemp");
			return 1;
		}
	} else {
		dir = argv[1];
	}
	long search_count = 100000;
	if (argc > 2 && !gl_parse_long(argv[2], 1, 10000000, &search_count)) {
		fprintf(stderr, "usage: bench-store [DIR [SEARCH_ANNOTATIONS]]\n");
		return 2;
	}
	unsetenv("GLOSS_NOW");
	unsetenv("GLOSS_TEST_MAX_PAGES");
	/* Search folds as gloss's does (main.c): NFKC, case, smart case. */
	static struct store_text_fold search_fold = {
		u8_fold, u8_fold_query, u8_fold_contains, NULL,
	};
	search_fold.name = u8_fold_name();
	store_set_text_fold(&search_fold);

	struct buf text = BUF_INIT;
	for (int i = 0; i < 2000; i++)
		buf_puts(&text, "At six in the morning the fishing boat comes back to the harbour. ");
	const char *location = getenv("GLOSS_BENCH_STORE");
	char *path = location && *location ? xstrdup(location)
					   : gl_path_join(dir, "bench.db");
	struct store *s = NULL;
	struct gl_error err;
	if (store_open(path, "bench", 0, &s, &err) != GL_OK)
		die("open", &err);
	unsigned seed = 12345;
	char *hash;

	/* Add latency, one transaction (and fsync) each. */
	enum { ADDS = 500 };
	double lat[ADDS];
	char *doc = make_doc(s, "latency", text.data, &hash);
	for (int i = 0; i < ADDS; i++) {
		double t0 = now_ms();
		add_one(s, doc, hash, i, "a note of average length about the boats");
		lat[i] = now_ms() - t0;
	}
	printf("add latency (each add committed durably, %d adds): median %.2f ms, "
	       "p99 %.2f ms\n", ADDS, percentile(lat, ADDS, 0.5),
	       percentile(lat, ADDS, 0.99));
	free(doc);
	free(hash);

	/* Loading the annotations of a document that has 10,000. */
	doc = make_doc(s, "ten thousand", text.data, &hash);
	double t0 = now_ms();
	fill(s, doc, hash, 10000, &seed);
	double fill_ms = now_ms() - t0;
	double load[5];
	size_t loaded = 0;
	for (int i = 0; i < 5; i++) {
		struct store_annotation_list l;
		struct store_filter f = { .document = doc };
		t0 = now_ms();
		if (store_annotations_list(s, &f, &l, &err) != GL_OK)
			die("list", &err);
		load[i] = now_ms() - t0;
		loaded = l.count;
		store_annotation_list_free(&l);
	}
	printf("load %zu annotations of one document: median %.1f ms "
	       "(adding them in transactions of 1000 took %.0f ms)\n",
	       loaded, percentile(load, 5, 0.5), fill_ms);
	free(doc);
	free(hash);

	/* Search over search_count annotations in all. */
	long have = ADDS + 10000;
	t0 = now_ms();
	while (have < search_count) {
		doc = make_doc(s, "search", text.data, &hash);
		size_t n = (size_t)(search_count - have < 20000 ? search_count - have : 20000);
		fill(s, doc, hash, n, &seed);
		have += (long)n;
		free(doc);
		free(hash);
	}
	fill_ms = now_ms() - t0;
	static const char *const queries[] = { "harbour gulls", "老陳 走道", "market", "漁船" };
	printf("search over %ld annotations (filled in %.0f ms):\n", have, fill_ms);
	for (size_t q = 0; q < GL_ARRAY_LEN(queries); q++) {
		double times[5];
		size_t found = 0;
		for (int i = 0; i < 5; i++) {
			struct store_annotation_list l;
			t0 = now_ms();
			if (store_search(s, queries[q], NULL, &l, &err) != GL_OK)
				die("search", &err);
			times[i] = now_ms() - t0;
			found = l.count;
			store_annotation_list_free(&l);
		}
		printf("  \"%s\": %zu found, median %.1f ms%s\n", queries[q], found,
		       percentile(times, 5, 0.5),
		       strcmp(queries[q], "漁船") == 0 ? " (2 characters: scan)" : "");
	}
	/* Results are read in full; a rare query shows the index's cost alone. */
	{
		double times[5];
		for (int i = 0; i < 5; i++) {
			struct store_annotation_list l;
			t0 = now_ms();
			if (store_search(s, "no such words", NULL, &l, &err) != GL_OK)
				die("search", &err);
			times[i] = now_ms() - t0;
			store_annotation_list_free(&l);
		}
		printf("  \"no such words\": 0 found, median %.1f ms\n", percentile(times, 5, 0.5));
	}
	bench_import(s, text.data, (size_t)search_count, &seed);
	store_close(s);
	struct stat sb;
	if (stat(path, &sb) == 0)
		printf("store size: %.1f MB\n", (double)sb.st_size / 1e6);
	free(path);
	buf_free(&text);
	if (own_dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
