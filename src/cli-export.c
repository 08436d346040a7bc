/* cli-export: `gloss export` and `gloss import`.  Arguments in, export /
 * import calls, the result on stdout or in a file written atomically,
 * one-line errors on stderr. */
#include "config.h"

#include "cli-export.h"
#include "gloss/cli.h"
#include "gloss/doc.h"
#include "gloss/export.h"
#include "gloss/import.h"
#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */


static GL_PRINTF(3, 4) int
usage_error(const char *command, const char *synopsis, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fprintf(stderr, "gloss: %s: %s\n", command, u8_safe_str(b.data));
	fprintf(stderr, "usage: gloss %s\n", synopsis);
	buf_free(&b);
	return gl_status_exit_code(GL_USAGE);
}

static GL_PRINTF(1, 2) void
note(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fprintf(stderr, "gloss: note: %s\n", u8_safe_str(b.data));
	buf_free(&b);
}

static enum gl_status
open_store(const struct cli_context *ctx, struct store **s, struct gl_error *err)
{
	unsigned flags = ctx->db_path_explicit ? 0 : STORE_OPEN_PRIVATE;
	return store_open(ctx->db_path, ctx->author, flags, s, err);
}

static double
seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Progress on stderr: only when it is a terminal, and only once the work
 * has taken a second (a quick export says nothing). */
struct progress {
	const char *what;
	double start;
	bool tty;
	bool shown;
};

static void
progress_init(struct progress *p, const char *what)
{
	p->what = what;
	p->start = seconds_now();
	p->tty = isatty(STDERR_FILENO) != 0;
	p->shown = false;
}

static void
progress_show(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	if (!p->tty || seconds_now() - p->start < 1.0)
		return;
	fprintf(stderr, "\rgloss: %s %zu of %zu annotations ", p->what, done, total);
	fflush(stderr);
	p->shown = true;
}

static void
progress_end(struct progress *p)
{
	if (p->shown)
		fputc('\n', stderr);
	p->shown = false;
}

/* Loads FILE with the common options and finds its document (`create`:
 * make one when it is new).  *id is NULL when the store does not know
 * it. */
static int
attach_file(const struct cli_context *ctx, struct store *s, const char *path,
	    bool create, struct doc **d, char **id)
{
	struct doc_load_options opt = ctx->load;
	struct gl_error err;
	struct cli_document cd;
	*id = NULL;
	opt.path = path;
	enum gl_status st = doc_load(&opt, d, &err);
	if (st != GL_OK)
		return cli_report_error(&err);
	st = cli_attach_document(s, *d, create, &cd, &err);
	if (st != GL_OK)
		return cli_report_error(&err);
	if (cd.reanchored)
		note("%zu annotation%s re-anchored on this version of %s (%zu orphaned)",
		     cd.reanchored, cd.reanchored == 1 ? "" : "s", path, cd.orphans);
	*id = cd.id;
	cd.id = NULL;
	cli_document_clear(&cd);
	return 0;
}

/* -------------------------------------------------------------- export */

int
cli_export_command(const struct cli_context *ctx, bool json, int argc, char **argv)
{
	const char *cmd = "export", *syn = CLI_EXPORT_SYNOPSIS;
	struct export_args ea;
	int rc = 0;
	(void)json;

	struct gl_error perr;
	if (export_args_parse(argc, argv, &ea, &perr) != GL_OK)
		return usage_error(cmd, syn, "%s", perr.message);
	if (ea.warning)
		note("%s", ea.warning);
	const char *output = ea.output;
	if (output && strcmp(output, "-") == 0)
		output = NULL;
	struct export_options eo = ea.opt;
	int first_file = ea.first_operand;

	struct store *s = NULL;
	struct gl_error err;
	if (open_store(ctx, &s, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (store_is_readonly(s) && store_notice(s))
		note("%s", store_notice(s));

	int nfiles = argc - first_file;
	struct export_document *docs = xcalloc((size_t)nfiles + 1, sizeof *docs);
	struct doc **loaded = xcalloc((size_t)nfiles + 1, sizeof *loaded);
	char **ids = xcalloc((size_t)nfiles + 1, sizeof *ids);
	size_t ndocs = 0;
	for (int i = 0; i < nfiles && !rc; i++) {
		const char *path = argv[first_file + i];
		char *id = NULL;
		rc = attach_file(ctx, s, path, false, &loaded[i], &id);
		if (rc)
			break;
		if (!id) {
			struct gl_error e2;
			gl_fail(&e2, GL_NO_MATCH, "nothing to export: %s is not in the store "
				"(it has no annotations)", path);
			rc = cli_report_error(&e2);
			break;
		}
		bool dup = false;
		for (size_t k = 0; k < ndocs && !dup; k++)
			dup = strcmp(ids[k], id) == 0;
		if (dup) {
			free(id);
			continue;
		}
		ids[ndocs] = id;
		docs[ndocs].id = id;
		docs[ndocs].doc = loaded[i];
		ndocs++;
	}
	if (!rc) {
		struct progress pr;
		struct buf outb = BUF_INIT;
		size_t count = 0;
		progress_init(&pr, "exporting:");
		eo.progress = progress_show;
		eo.progress_ctx = &pr;
		enum gl_status st = export_write(s, docs, ndocs, &eo, &outb, &count, &err);
		progress_end(&pr);
		if (st != GL_OK) {
			rc = cli_report_error(&err);
		} else if (!count) {
			/* As :export in the reader: with no annotation there is
			   nothing to write, to a file or to standard output (an
			   empty export would look like a success to a script). */
			if (output)
				gl_fail(&err, GL_NO_MATCH, "nothing to export: no annotation "
					"matches; %s was not written", output);
			else
				gl_fail(&err, GL_NO_MATCH, "nothing to export: no annotation "
					"matches");
			rc = cli_report_error(&err);
		} else if (output) {
			mode_t mask = umask(0);
			umask(mask);
			st = gl_write_file_atomic(output, outb.data ? outb.data : "", outb.len,
						  0666 & ~(unsigned)mask, &err);
			if (st != GL_OK)
				rc = cli_report_error(&err);
			else
				note("%zu annotation%s written to %s", count,
				     count == 1 ? "" : "s", output);
		} else {
			fwrite(outb.data ? outb.data : "", 1, outb.len, stdout);
		}
		buf_free(&outb);
	}
	for (int i = 0; i < nfiles; i++) {
		doc_free(loaded[i]);
		free(ids[i]);
	}
	free(loaded);
	free(ids);
	free(docs);
	store_close(s);
out:
	export_args_clear(&ea);
	return rc;
}

/* -------------------------------------------------------------- import */

static void
print_report(const struct import_report *r, size_t total, double locked, bool json,
	     bool dry_run)
{
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "annotations", json_integer((json_int_t)total));
		json_object_set_new(o, "added", json_integer((json_int_t)r->added));
		json_object_set_new(o, "updated", json_integer((json_int_t)r->updated));
		json_object_set_new(o, "unchanged", json_integer((json_int_t)r->unchanged));
		json_object_set_new(o, "orphaned", json_integer((json_int_t)r->orphaned));
		json_object_set_new(o, "skipped", json_integer((json_int_t)r->skipped));
		json_object_set_new(o, "dry_run", json_boolean(dry_run));
		json_object_set_new(o, "seconds_locked", json_real(locked));
		char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(o);
		return;
	}
	printf("%s%zu added, %zu updated, %zu unchanged, %zu orphaned",
	       dry_run ? "would be: " : "", r->added, r->updated, r->unchanged,
	       r->orphaned);
	if (r->skipped)
		printf(", %zu skipped (replies to annotations that are nowhere)",
		       r->skipped);
	putchar('\n');
}

int
cli_import_command(const struct cli_context *ctx, bool json, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "import", *syn = CLI_IMPORT_SYNOPSIS;
	const char **to = xcalloc((size_t)argc + 1, sizeof *to);
	size_t nto = 0;
	bool dry_run = false;
	int rc = 0, o;

	optind = 0;
	opterr = 0;
	while (!rc && (o = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (o) {
		case 't': to[nto++] = optarg; break;
		case 'n': dry_run = true; break;
		case ':':
			rc = usage_error(cmd, syn, "option %s needs a value", argv[optind - 1]);
			break;
		default:
			rc = usage_error(cmd, syn, "unknown option %s", argv[optind - 1]);
			break;
		}
	}
	if (!rc && argc - optind != 1)
		rc = usage_error(cmd, syn, argc - optind ? "give one FILE.json"
				 : "which FILE.json?");
	if (rc) {
		free(to);
		return rc;
	}
	const char *path = argv[optind];

	/* 1. Read and check the whole file, before anything else. */
	struct gl_error err;
	char *data = NULL;
	size_t len = 0;
	enum gl_status st;
	if (strcmp(path, "-") == 0) {
		struct buf b = BUF_INIT;
		char chunk[65536];
		size_t r;
		while ((r = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
			if (b.len + r > IMPORT_MAX_SIZE) {
				buf_free(&b);
				free(to);
				return cli_report(GL_TOO_LARGE, "the input is too large to import");
			}
			buf_append(&b, chunk, r);
		}
		if (ferror(stdin)) {
			buf_free(&b);
			free(to);
			return cli_report(GL_IO, "cannot read standard input");
		}
		data = buf_steal(&b, &len);
		st = GL_OK;
	} else {
		st = gl_read_file(path, &data, &len, IMPORT_MAX_SIZE, &err);
		if (st != GL_OK) {
			free(to);
			return cli_report_error(&err);
		}
	}
	struct import_set *set = NULL;
	st = import_parse(data, len, strcmp(path, "-") == 0 ? "stdin" : path, &set, &err);
	free(data);
	if (st != GL_OK) {
		free(to);
		return cli_report_error(&err);
	}

	struct store *s = NULL;
	/* The --to files, then the files found where the export says its
	   documents were read from. */
	size_t nlocations = 0, nfb = nto;
	struct import_location loc;
	while (import_location(set, nlocations, &loc))
		nlocations++;
	struct doc **targets = xcalloc(nto + nlocations + 1, sizeof *targets);
	struct import_fallback *fb = xcalloc(nto + nlocations + 1, sizeof *fb);
	char **ids = xcalloc(nto + nlocations + 1, sizeof *ids);
	struct import_report r = { 0 };
	double locked = 0;
	if (open_store(ctx, &s, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (store_is_readonly(s) && !dry_run) {
		rc = cli_report(GL_STORE_READONLY, store_notice(s) ? store_notice(s)
			    : "the store is read-only");
		goto out;
	}

	/* 2. Where each annotation goes, and its place on today's text:
	   reading only, no lock. */
	for (size_t k = 0; k < nto; k++) {
		struct doc_load_options lo = ctx->load;
		lo.path = to[k];
		if (doc_load(&lo, &targets[k], &err) != GL_OK) {
			rc = cli_report_error(&err);
			goto out;
		}
		fb[k].text = doc_text(targets[k], &fb[k].len);
		fb[k].hash = doc_hash(targets[k]);
		fb[k].renderer = DOC_RENDERER_VERSION;
		fb[k].name = to[k];
	}
	/* A document's location (gloss export names it) is read when the
	   file is there, and used only by the annotations made on its very
	   text (the hash says so): a fresh store then needs no --to. */
	for (size_t i = 0; i < nlocations; i++) {
		if (!import_location(set, i, &loc))
			break;
		bool known = false;
		for (size_t k = 0; k < nfb && !known; k++)
			known = strcmp(fb[k].hash, loc.hash) == 0;
		struct stat lst;
		if (known || stat(loc.location, &lst) != 0 || !S_ISREG(lst.st_mode))
			continue;
		struct doc_load_options lo = ctx->load;
		lo.path = loc.location;
		struct gl_error ignored;
		if (doc_load(&lo, &targets[nfb], &ignored) != GL_OK)
			continue;
		if (strcmp(doc_hash(targets[nfb]), loc.hash) != 0) {
			doc_free(targets[nfb]);
			targets[nfb] = NULL;
			continue;
		}
		fb[nfb].text = doc_text(targets[nfb], &fb[nfb].len);
		fb[nfb].hash = doc_hash(targets[nfb]);
		fb[nfb].renderer = DOC_RENDERER_VERSION;
		fb[nfb].name = loc.location;
		fb[nfb].hash_only = true;
		nfb++;
	}
	struct progress pr;
	progress_init(&pr, "importing:");
	import_set_progress(set, progress_show, &pr);
	st = import_prepare(set, s, fb, nfb, &err);
	if (st != GL_OK) {
		progress_end(&pr);
		rc = cli_report_error(&err);
		goto out;
	}

	/* 3. One transaction: the lock is held from here to the commit
	   (BEGIN IMMEDIATE to COMMIT returning: that is what seconds_locked
	   reports). */
	double t0 = seconds_now();
	st = store_begin(s, &err);
	for (size_t k = 0; k < nfb && st == GL_OK; k++) {
		if (!import_uses_fallback(set, k))
			continue;
		struct cli_document cd;
		st = cli_attach_document(s, targets[k], true, &cd, &err);
		if (st == GL_OK) {
			ids[k] = cd.id;
			cd.id = NULL;
			cli_document_clear(&cd);
		}
	}
	if (st == GL_OK)
		st = import_apply(set, s, (const char *const *)ids, &r, &err);
	if (st == GL_OK && !dry_run) {
		st = store_commit(s, &err);
	} else {
		store_rollback(s);
	}
	locked = seconds_now() - t0;
	/* The checkpoint, after the lock. */
	import_finish(set, s);
	progress_end(&pr);
	if (st != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	print_report(&r, import_count(set), locked, json, dry_run);
out:
	import_free(set);
	for (size_t k = 0; k < nto + nlocations; k++) {
		doc_free(targets[k]);
		free(ids[k]);
	}
	free(targets);
	free(fb);
	free(ids);
	free(to);
	store_close(s);
	return rc;
}
