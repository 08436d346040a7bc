/* bench-text: figures for the text pipeline (make bench; never part of
 * make check, never fails on time).  For each FILE given:
 *
 *   load       doc_load: read, decode, normalise (NFC), hash, split into
 *              blocks; MB/s of the file's bytes
 *   outline    outline_build
 *   layout     every row of the document at 80 columns, cells included
 *              (what drawing needs); MB/s of the text
 *   first      from nothing to the first 24 rows at 80 columns: load +
 *              outline + layout of one screen (what the reader waits for)
 *   search     a search from the top for what is only at the very end
 *              ("END-OF-DATA", the last line of make_data.py's files, or
 *              nowhere): the whole text folded (NFKC, case folding) and
 *              scanned, as the reader's / does on a new document; MB/s
 *              of the text
 *
 * Times are CPU time (user + system) of the process, which runs on one
 * core.  Each figure is the median of RUNS runs (default 3; BENCH_RUNS).  Prints
 * one line per figure: "name<TAB>value<TAB>unit".  */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/search.h"
#include "gloss/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this (single-threaded) process, user and system: the
 * figures are "on one core", and stay meaningful on a machine that other
 * work shares (wall time there measures the neighbours). */
static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

static struct doc *
load(const char *path)
{
	struct doc_load_options opt = { .path = path };
	struct doc *d;
	struct gl_error err;
	if (doc_load(&opt, &d, &err) != GL_OK) {
		fprintf(stderr, "bench-text: %s\n", err.message);
		exit(1);
	}
	return d;
}

int
main(int argc, char **argv)
{
	int runs = 3;
	const char *env = getenv("BENCH_RUNS");
	if (env && atoi(env) > 0)
		runs = atoi(env);
	double *t = xcalloc((size_t)runs, sizeof *t);
	for (int i = 1; i < argc; i++) {
		const char *path = argv[i];
		const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		struct doc *d = NULL;
		size_t source_bytes = 0;

		for (int r = 0; r < runs; r++) {
			double t0 = now_s();
			struct doc *x = load(path);
			t[r] = now_s() - t0;
			source_bytes = doc_info(x)->source_bytes;
			if (r == runs - 1)
				d = x;
			else
				doc_free(x);
		}
		double mb = (double)source_bytes / (1024.0 * 1024.0);
		printf("%s load+normalise\t%.1f\tMB/s\n", name, mb / median(t, runs));

		struct outline *o = NULL;
		for (int r = 0; r < runs; r++) {
			double t0 = now_s();
			struct outline *x = outline_build(d);
			t[r] = now_s() - t0;
			if (r == runs - 1)
				o = x;
			else
				outline_free(x);
		}
		printf("%s outline\t%.1f\tms\n", name, median(t, runs) * 1000);

		size_t text_bytes = doc_length(d), rows = 0;
		struct layout_row row = LAYOUT_ROW_INIT;
		for (int r = 0; r < runs; r++) {
			double t0 = now_s();
			struct layout *l = layout_new(d, o, 80);
			struct layout_pos pos;
			rows = 0;
			if (layout_first(l, &pos)) {
				do {
					layout_get_row(l, pos, &row);
					rows++;
				} while (layout_next_row(l, &pos));
			}
			t[r] = now_s() - t0;
			layout_free(l);
		}
		printf("%s layout (cells, 80 columns)\t%.1f\tMB/s\n", name,
		       (double)text_bytes / (1024.0 * 1024.0) / median(t, runs));
		printf("%s rows at 80 columns\t%zu\trows\n", name, rows);

		static const char far_query[] = "END-OF-DATA";
		for (int r = 0; r < runs; r++) {
			double t0 = now_s();
			struct search *sr = search_new(d);
			search_set_query(sr, far_query, sizeof far_query - 1);
			struct search_match m;
			bool wrapped;
			search_find(sr, 0, false, false, &m, &wrapped);
			t[r] = now_s() - t0;
			search_free(sr);
		}
		printf("%s search (fold and find, whole text)\t%.1f\tMB/s\n", name,
		       (double)text_bytes / (1024.0 * 1024.0) / median(t, runs));
		outline_free(o);
		doc_free(d);

		for (int r = 0; r < runs; r++) {
			double t0 = now_s();
			struct doc *x = load(path);
			struct outline *xo = outline_build(x);
			struct layout *l = layout_new(x, xo, 80);
			struct layout_pos pos;
			if (layout_first(l, &pos)) {
				int n = 0;
				do
					layout_get_row(l, pos, &row);
				while (++n < 24 && layout_next_row(l, &pos));
			}
			t[r] = now_s() - t0;
			layout_free(l);
			outline_free(xo);
			doc_free(x);
		}
		printf("%s first screen (load to 24 rows)\t%.1f\tms\n", name, median(t, runs) * 1000);
		layout_row_free(&row);
		fflush(stdout);
	}
	free(t);
	return 0;
}
