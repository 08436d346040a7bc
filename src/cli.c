/* cli: the scripting commands.  Each turns its arguments into store and
 * anchor calls and prints plain text (every piece of user or stored text
 * through u8's terminal-safe form) or, with --json, JSON written by
 * jansson.  Errors are one line "gloss: ..." on stderr and an exit status
 * from util's table. */
#include "config.h"

#include "cli-export.h"
#include "gloss/anchor.h"
#include "gloss/cli.h"
#include "gloss/doc.h"
#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* How much of a quote and of a note's first line a list line shows, in
 * grapheme clusters. */
#define LIST_QUOTE_CLUSTERS 40
#define LIST_NOTE_CLUSTERS 60

struct cli {
	const struct cli_context *ctx;
	bool json;                 /* --json, before or after the command */
	const char *name;          /* the command */
	const char *usage;         /* its synopsis */
	struct store *store;
};

typedef int (*command_fn)(struct cli *c, int argc, char **argv);

struct command {
	const char *name;
	command_fn run;
	const char *synopsis;
};

/* ------------------------------------------------------------- output */

int
cli_report(enum gl_status st, const char *message)
{
	fprintf(stderr, "gloss: %s\n", u8_safe_str(message));
	return gl_status_exit_code(st);
}

int
cli_report_error(const struct gl_error *err)
{
	return cli_report(err->status, err->message);
}


static GL_PRINTF(2, 3) int
usage_error(struct cli *c, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fprintf(stderr, "gloss: %s: %s\n", c->name, u8_safe_str(b.data));
	fprintf(stderr, "usage: gloss %s\n", c->usage);
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

static void
put_safe(struct buf *out, const char *s)
{
	if (s)
		u8_safe(out, s, strlen(s));
}

/* The terminal-safe form of at most `clusters` grapheme clusters of the
 * first line of s, with "…" when cut. */
static void
put_safe_short(struct buf *out, const char *s, size_t clusters, bool first_line)
{
	if (!s)
		return;
	size_t n = strlen(s), i = 0, k = 0;
	while (i < n && k < clusters) {
		if (first_line && s[i] == '\n')
			break;
		i = u8_next_cluster(s, n, i);
		k++;
	}
	u8_safe(out, s, i);
	if (i < n)
		buf_puts(out, "…");
}

/* Prints a JSON value on stdout.  Code points that could drive a terminal
 * (DEL, C1 controls, bidirectional controls: what u8_placeholder would
 * replace) are written as \u escapes, which keeps the JSON equal. */
static void
print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		fputs("gloss: out of memory\n", stderr);
		exit(GL_EXIT_NOMEM);
	}
	size_t n = strlen(text);
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < n;) {
		int32_t cp;
		size_t len = u8_decode(text, n, i, &cp);
		char ph[16];
		if (cp >= 0x7f && u8_placeholder(cp, ph)) {
			if (cp > 0xffff)
				buf_printf(&out, "\\u%04x\\u%04x",
					   (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
					   (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
			else
				buf_printf(&out, "\\u%04x", (unsigned)cp);
		} else {
			buf_append(&out, text + i, len);
		}
		i += len;
	}
	fwrite(out.data, 1, out.len, stdout);
	fputc('\n', stdout);
	buf_free(&out);
	free(text);
}

static json_t *
json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
annotation_json(const struct store_annotation *a)
{
	json_t *o = json_object();
	json_t *tags = json_array();
	for (size_t i = 0; i < a->tag_count; i++)
		json_array_append_new(tags, json_string(a->tags[i]));
	bool ranged = a->start >= 0;
	json_object_set_new(o, "id", json_str(a->id));
	json_object_set_new(o, "document", json_str(a->document));
	json_object_set_new(o, "version", json_str(a->version));
	json_object_set_new(o, "author", json_str(a->author));
	json_object_set_new(o, "parent", json_str(a->parent));
	json_object_set_new(o, "page", json_boolean(store_annotation_is_page(a)));
	json_object_set_new(o, "start", ranged ? json_integer(a->start) : json_null());
	json_object_set_new(o, "end", ranged ? json_integer(a->end) : json_null());
	json_object_set_new(o, "exact", json_str(a->exact));
	json_object_set_new(o, "prefix", json_str(a->prefix));
	json_object_set_new(o, "suffix", json_str(a->suffix));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "note", json_str(a->note));
	json_object_set_new(o, "style", json_str(a->style));
	json_object_set_new(o, "status", json_string(store_status_name(a->status)));
	json_object_set_new(o, "anchor", a->anchor == STORE_ANCHOR_NONE ? json_null()
				 : json_string(store_anchor_state_name(a->anchor)));
	json_object_set_new(o, "private", json_boolean(a->is_private));
	json_object_set_new(o, "deleted", json_boolean(a->deleted));
	json_object_set_new(o, "created", json_str(a->created));
	json_object_set_new(o, "updated", json_str(a->updated));
	return o;
}

/* One line per annotation:
 *   ID8  RANGE  ANCHOR  STATUS  AUTHOR  "QUOTE"  #TAG...  NOTE
 * RANGE is START-END, "page" or "reply"; a reply has no quote and shows
 * its parent's id after "reply". */
static void
put_annotation_line(struct buf *out, const struct store_annotation *a)
{
	buf_printf(out, "%.8s  ", a->id);
	if (a->parent) {
		buf_printf(out, "reply to %.8s  ", a->parent);
	} else if (a->start < 0) {
		buf_puts(out, "page  ");
	} else {
		buf_printf(out, "%lld-%lld  %s  ", a->start, a->end,
			   store_anchor_state_name(a->anchor));
	}
	buf_printf(out, "%s  ", store_status_name(a->status));
	put_safe(out, a->author);
	if (a->is_private)
		buf_puts(out, " (private)");
	if (a->exact) {
		buf_puts(out, "  \"");
		put_safe_short(out, a->exact, LIST_QUOTE_CLUSTERS, false);
		buf_putc(out, '"');
	}
	for (size_t i = 0; i < a->tag_count; i++) {
		buf_puts(out, i ? " #" : "  #");
		put_safe(out, a->tags[i]);
	}
	if (a->note) {
		buf_puts(out, "  ");
		put_safe_short(out, a->note, LIST_NOTE_CLUSTERS, true);
	}
	buf_putc(out, '\n');
}

/* Prints annotations as lines (with a heading per document when they come
 * from several) or as a JSON array. */
static void
print_annotations(struct cli *c, const struct store_annotation_list *l)
{
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < l->count; i++)
			json_array_append_new(arr, annotation_json(&l->items[i]));
		print_json(arr);
		json_decref(arr);
		return;
	}
	bool several = false;
	for (size_t i = 1; i < l->count; i++)
		if (strcmp(l->items[i].document, l->items[0].document) != 0)
			several = true;
	struct buf out = BUF_INIT;
	const char *current = NULL;
	for (size_t i = 0; i < l->count; i++) {
		const struct store_annotation *a = &l->items[i];
		if (several && (!current || strcmp(current, a->document) != 0)) {
			struct store_document d;
			current = a->document;
			if (i > 0)
				buf_putc(&out, '\n');
			if (store_document_get(c->store, a->document, &d, NULL) == GL_OK) {
				buf_puts(&out, "== ");
				put_safe_short(&out, d.title, 60, true);
				buf_printf(&out, " (%.8s)\n", d.id);
				store_document_clear(&d);
			} else {
				buf_printf(&out, "== %.8s\n", a->document);
			}
		}
		put_annotation_line(&out, a);
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
}

/* ------------------------------------------------------ shared parts */

static enum gl_status
open_store(struct cli *c, struct gl_error *err)
{
	unsigned flags = c->ctx->db_path_explicit ? 0 : STORE_OPEN_PRIVATE;
	/* The author is written into the store and into JSON: text only. */
	const char *author = c->ctx->author;
	if (!u8_is_valid(author, strlen(author)))
		return gl_fail(err, GL_USAGE, "the author name is not valid UTF-8: %s",
			       author);
	return store_open(c->ctx->db_path, c->ctx->author, flags, &c->store, err);
}

/* For commands that only read: a read-only store is fine, but say so. */
static void
note_readonly(struct cli *c)
{
	if (store_is_readonly(c->store) && store_notice(c->store))
		note("%s", store_notice(c->store));
}

/* Checks that a string from the command line is UTF-8 (the store keeps
 * nothing else) and gives its NFC form (caller frees). */
static char *
nfc_arg(struct cli *c, const char *what, const char *s, int *status)
{
	if (!u8_is_valid(s, strlen(s))) {
		*status = usage_error(c, "the %s is not valid UTF-8", what);
		return NULL;
	}
	struct buf b = BUF_INIT;
	u8_nfc(&b, s, strlen(s));
	return buf_steal(&b, NULL);
}

/* A tag: NFC, surrounding spaces dropped, not empty, no control
 * characters. */
static char *
tag_arg(struct cli *c, const char *s, int *status)
{
	char *t = nfc_arg(c, "tag", s, status);
	if (!t)
		return NULL;
	size_t start = 0, end = strlen(t);
	while (start < end && t[start] == ' ')
		start++;
	while (end > start && t[end - 1] == ' ')
		end--;
	memmove(t, t + start, end - start);
	t[end - start] = '\0';
	bool bad = t[0] == '\0';
	for (size_t i = 0; t[i] && !bad;) {
		int32_t cp;
		char ph[16];
		i += u8_decode(t, strlen(t), i, &cp);
		if (u8_placeholder(cp, ph))
			bad = true;
	}
	if (bad) {
		*status = usage_error(c, "a tag must be a non-empty name without "
				      "control characters: '%s'", s);
		free(t);
		return NULL;
	}
	return t;
}

/* A tag to give an annotation (--tag): also one word, as the reader
 * splits tags (store_tag_problem); --untag and filters take any tag,
 * so one stored before that rule can still be removed. */
static char *
new_tag_arg(struct cli *c, const char *s, int *status)
{
	char *t = tag_arg(c, s, status);
	const char *why = t ? store_tag_problem(t) : NULL;
	if (why) {
		char *fix = store_tag_canonical(t);
		if (*fix)
			*status = usage_error(c, "%s: '%s' (say '%s'?)", why, s, fix);
		else
			*status = usage_error(c, "%s: '%s'", why, s);
		free(fix);
		free(t);
		return NULL;
	}
	return t;
}

/* --style S: 1 to 5, or a colour name (store_style_number), as the
 * reader takes it; "" is none. */
static char *
style_arg(struct cli *c, const char *s, int *status)
{
	char *style = nfc_arg(c, "style", s, status);
	if (style && *style && store_style_number(style) == 0) {
		*status = usage_error(c, "--style takes 1 to 5 or yellow, green, blue, "
				      "cyan, pink, magenta, purple, red, underline: '%s'", s);
		free(style);
		return NULL;
	}
	return style;
}

/* A growable list of strings from repeated options. */
struct strings {
	char **v;
	size_t n;
};

static void
strings_push(struct strings *l, char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

static void
strings_free(struct strings *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Resolves an id or a unique prefix of one. */
static int
resolve_id(struct cli *c, const char *arg, char **id)
{
	struct gl_error err;
	enum gl_status st = store_resolve_id(c->store, arg, id, &err);
	if (st != GL_OK)
		return cli_report_error(&err);
	return 0;
}

/* Loads FILE with the common loading options. */
static int
load_doc(struct cli *c, const char *path, struct doc **d)
{
	struct doc_load_options opt = c->ctx->load;
	struct gl_error err;
	opt.path = path;
	enum gl_status st = doc_load(&opt, d, &err);
	if (st != GL_OK)
		return cli_report_error(&err);
	return 0;
}

/* Loads FILE and finds (or with `create` makes) its document; reports
 * what re-anchoring did. */
static int
attach(struct cli *c, const char *path, bool create, struct doc **d,
       struct cli_document *cd)
{
	int rc = load_doc(c, path, d);
	if (rc)
		return rc;
	struct gl_error err;
	enum gl_status st = cli_attach_document(c->store, *d, create, cd, &err);
	if (st != GL_OK) {
		doc_free(*d);
		*d = NULL;
		return cli_report_error(&err);
	}
	if (cd->new_version)
		note("%s changed since it was last read: %zu annotation%s "
		     "re-anchored (%zu orphaned)", path, cd->reanchored,
		     cd->reanchored == 1 ? "" : "s", cd->orphans);
	else if (cd->reanchored)
		note("%zu annotation%s re-anchored on this version of %s (%zu orphaned)",
		     cd->reanchored, cd->reanchored == 1 ? "" : "s", path, cd->orphans);
	if (cd->unsaved)
		note("%s changed since it was last read; the store is read-only, so "
		     "positions are those of the stored version", path);
	return 0;
}

/* Runs getopt_long over a command's arguments with our own messages. */
static int
next_option(struct cli *c, int argc, char **argv, const char *shortopts,
	    const struct option *longopts, int *bad)
{
	int o = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (o == '?' || o == ':') {
		const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
		if (o == ':')
			*bad = usage_error(c, "option %s needs a value", arg);
		else
			*bad = usage_error(c, "unknown option %s", arg);
	}
	return o;
}

static void
reset_getopt(void)
{
	optind = 0;   /* GNU: start over, argv is another array */
	opterr = 0;
}

/* For a command that takes no options: reads past them (a "--" ends
 * them), refusing any with our message.  0, or the exit status of the
 * refusal; optind is then the first operand. */
static int
no_options(struct cli *c, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	int rc = 0;
	reset_getopt();
	while (!rc && next_option(c, argc, argv, ":", none, &rc) != -1)
		;
	return rc;
}

/* Prints one annotation (after a change) in JSON, or nothing in plain
 * mode. */
static int
print_changed(struct cli *c, const char *id)
{
	if (!c->json)
		return 0;
	struct store_annotation a;
	struct gl_error err;
	if (store_annotation_get(c->store, id, &a, &err) != GL_OK)
		return cli_report_error(&err);
	json_t *j = annotation_json(&a);
	print_json(j);
	json_decref(j);
	store_annotation_clear(&a);
	return 0;
}

/* --------------------------------------------------------- finding docs */

struct shingles {
	uint64_t *slot;     /* open addressing; 0 is empty */
	size_t cap, count;
};

static void
shingles_add(struct shingles *s, uint64_t h)
{
	if (h == 0)
		h = 1;
	if ((s->count + 1) * 2 > s->cap) {
		struct shingles bigger = { NULL, s->cap ? s->cap * 2 : 1024, 0 };
		bigger.slot = xcalloc(bigger.cap, sizeof *bigger.slot);
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				shingles_add(&bigger, s->slot[i]);
		free(s->slot);
		*s = bigger;
	}
	size_t i = (size_t)(h % s->cap);
	while (s->slot[i] && s->slot[i] != h)
		i = (i + 1) % s->cap;
	if (!s->slot[i]) {
		s->slot[i] = h;
		s->count++;
	}
}

static bool
shingles_has(const struct shingles *s, uint64_t h)
{
	if (h == 0)
		h = 1;
	if (!s->cap)
		return false;
	size_t i = (size_t)(h % s->cap);
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return true;
		i = (i + 1) % s->cap;
	}
	return false;
}

/* Mixes a rolling hash so that its low bits are usable for sampling. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Calls the sampled shingles of text into `set` (every shingle whose
 * mixed hash is 0 modulo `every`).  A rolling polynomial hash over code
 * points keeps it linear. */
static void
sample_shingles(const char *text, size_t len, uint64_t every, struct shingles *set)
{
	const uint64_t base = 1000003;
	uint64_t pow = 1;
	for (int i = 0; i < CLI_SIMILAR_SHINGLE - 1; i++)
		pow *= base;
	int32_t window[CLI_SIMILAR_SHINGLE];
	size_t k = 0;
	uint64_t h = 0;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		i += u8_decode(text, len, i, &cp);
		if (k >= CLI_SIMILAR_SHINGLE)
			h -= (uint64_t)(uint32_t)window[k % CLI_SIMILAR_SHINGLE] * pow;
		h = h * base + (uint32_t)cp;
		window[k % CLI_SIMILAR_SHINGLE] = cp;
		k++;
		if (k >= CLI_SIMILAR_SHINGLE) {
			uint64_t m = mix64(h);
			if (m % every == 0)
				shingles_add(set, m);
		}
	}
}

bool
cli_text_similar(const char *old_text, size_t old_len, const char *new_text,
		 size_t new_len)
{
	size_t old_cp = u8_count_cp(old_text, old_len);
	if (old_cp < CLI_SIMILAR_SHINGLE)
		return old_len == new_len && memcmp(old_text, new_text, old_len) == 0;
	uint64_t every = old_cp / CLI_SIMILAR_SAMPLES + 1;
	struct shingles olds = { 0 }, news = { 0 };
	sample_shingles(old_text, old_len, every, &olds);
	sample_shingles(new_text, new_len, every, &news);
	size_t kept = 0;
	for (size_t i = 0; i < olds.cap; i++)
		if (olds.slot[i] && shingles_has(&news, olds.slot[i]))
			kept++;
	/* A sample can come out empty for a short text: then compare all. */
	bool similar = olds.count ? kept * 2 >= olds.count : false;
	free(olds.slot);
	free(news.slot);
	return similar;
}

void
cli_document_clear(struct cli_document *cd)
{
	if (!cd)
		return;
	free(cd->id);
	memset(cd, 0, sizeof *cd);
}

static enum store_anchor_state
store_state(enum anchor_state s)
{
	switch (s) {
	case ANCHOR_EXACT: return STORE_ANCHOR_EXACT;
	case ANCHOR_MOVED: return STORE_ANCHOR_MOVED;
	case ANCHOR_FUZZY: return STORE_ANCHOR_FUZZY;
	case ANCHOR_ORPHAN: break;
	}
	return STORE_ANCHOR_ORPHAN;
}

/* Re-anchors the annotations of `document` made on other versions onto
 * the text of version `hash`.  Inside the caller's transaction. */
static enum gl_status
reanchor_all(struct store *s, const char *document, const char *hash,
	     const char *text, size_t len, struct cli_document *cd,
	     struct gl_error *err)
{
	struct store_filter f = {
		.document = document, .stale_version = hash,
		.stale_renderer = DOC_RENDERER_VERSION,
	};
	/* Asked first, as the answer is nearly always no: the list's query
	   costs a quarter of a millisecond to prepare, on every open. */
	bool any;
	enum gl_status st = store_annotations_exist(s, &f, &any, err);
	if (st != GL_OK || !any)
		return st;
	struct store_annotation_list l;
	st = store_annotations_list(s, &f, &l, err);
	if (st != GL_OK || l.count == 0)
		return st;
	struct anchor_text *at = anchor_text_new(text, len);
	for (size_t i = 0; i < l.count && st == GL_OK; i++) {
		const struct store_annotation *a = &l.items[i];
		struct anchor_selector sel = {
			.start = (size_t)a->start, .end = (size_t)a->end,
			.exact = a->exact, .prefix = a->prefix, .suffix = a->suffix,
		};
		struct anchor_result r;
		anchor_resolve_in(at, &sel, &r);
		enum store_anchor_state state = store_state(r.state);
		if (state == STORE_ANCHOR_ORPHAN) {
			/* Keep the last place and version: the text it was made
			   on is shown with it. */
			if (a->anchor != STORE_ANCHOR_ORPHAN) {
				cd->reanchored++;
				cd->orphans++;
			}
			st = store_annotation_reanchor(s, a->id, a->version, a->renderer,
						       a->start, a->end, state, err);
			continue;
		}
		cd->reanchored++;
		st = store_annotation_reanchor(s, a->id, hash, DOC_RENDERER_VERSION,
					       (long long)r.start, (long long)r.end,
					       state, err);
	}
	anchor_text_free(at);
	store_annotation_list_free(&l);
	return st;
}

/* The absolute path of a document's source (a URL as it is), or NULL
 * when it has none to be found by. */
static char *
absolute_source(const struct doc *d)
{
	const char *src = doc_source(d);
	if (doc_source_is_transient(d) || !src || !*src || strcmp(src, "-") == 0)
		return NULL;
	if (doc_is_url(src))
		return xstrdup(src);  /* a page is found again by its URL */
	char *real = realpath(src, NULL);
	if (real)
		return real;
	if (src[0] == '/')
		return xstrdup(src);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return NULL;
	return gl_path_join(cwd, src);
}

enum gl_status
cli_attach_document(struct store *s, const struct doc *d, bool create,
		    struct cli_document *out, struct gl_error *err)
{
	struct store_version v;
	struct store_document found;
	size_t len;
	const char *text = doc_text(d, &len);
	const char *hash = doc_hash(d);
	bool writable = !store_is_readonly(s);
	char *source = absolute_source(d);
	enum gl_status st;

	memset(out, 0, sizeof *out);
	if (writable && (st = store_begin(s, err)) != GL_OK) {
		free(source);
		return st;
	}

	/* 1. The same text: a version the store has. */
	st = store_version_find(s, hash, DOC_RENDERER_VERSION, false, &v, err);
	if (st == GL_OK) {
		out->id = xstrdup(v.document);
		store_version_clear(&v);
		if (writable) {
			struct store_document cur;
			/* The file may have moved: remember where it is now. */
			if (source && store_document_get(s, out->id, &cur, NULL) == GL_OK) {
				if (!cur.source || strcmp(cur.source, source) != 0)
					st = store_document_update(s, out->id, cur.title,
								   source, err);
				store_document_clear(&cur);
			}
			if (st == GL_OK)
				st = reanchor_all(s, out->id, hash, text, len, out, err);
		}
		goto done;
	}
	if (st != GL_NO_MATCH)
		goto done;

	/* 2. An edited article, found by where it lives. */
	if (source) {
		st = store_document_by_source(s, source, &found, err);
		if (st == GL_OK) {
			st = store_version_latest(s, found.id, true, &v, err);
			bool similar = st == GL_OK &&
				       cli_text_similar(v.text, v.text_len, text, len);
			store_version_clear(&v);
			if (similar) {
				out->id = xstrdup(found.id);
				if (!writable) {
					out->unsaved = true;
				} else {
					st = store_version_add(s, found.id, hash,
							       DOC_RENDERER_VERSION, text, len,
							       (long long)doc_length_cp(d), err);
					if (st == GL_OK)
						st = store_document_update(s, found.id,
									   doc_title(d), source, err);
					if (st == GL_OK)
						st = reanchor_all(s, found.id, hash, text, len,
								  out, err);
					out->new_version = true;
				}
				store_document_clear(&found);
				goto done;
			}
			st = GL_OK;
		}
		store_document_clear(&found);
		if (st == GL_NO_MATCH)
			st = GL_OK;
		if (st != GL_OK)
			goto done;
	}

	/* 3. A new document. */
	st = GL_OK;
	if (create) {
		if (!writable) {
			st = gl_fail(err, GL_STORE_READONLY, "%s", store_notice(s));
			goto done;
		}
		st = store_document_create(s, doc_title(d), source, &out->id, err);
		if (st == GL_OK)
			st = store_version_add(s, out->id, hash, DOC_RENDERER_VERSION,
					       text, len, (long long)doc_length_cp(d), err);
		out->created = true;
	}
done:
	free(source);
	if (writable) {
		if (st == GL_OK)
			st = store_commit(s, err);
		else
			store_rollback(s);
	}
	if (st != GL_OK)
		cli_document_clear(out);
	return st;
}

/* ------------------------------------------------------------ commands */

static bool
parse_range(const char *s, long *start, long *end)
{
	const char *colon = strchr(s, ':');
	if (!colon)
		return false;
	char *a = xstrndup(s, (size_t)(colon - s));
	bool good = gl_parse_long(a, 0, LONG_MAX, start) &&
		    gl_parse_long(colon + 1, 0, LONG_MAX, end);
	free(a);
	return good;
}

/* Finds the nth (from 1) non-overlapping occurrence of `quote` in the
 * text; returns its byte offset, or (size_t)-1 with *count the number of
 * occurrences. */
static size_t
find_nth(const char *text, size_t len, const char *quote, long nth, long *count)
{
	size_t qlen = strlen(quote), at = 0;
	*count = 0;
	while (at + qlen <= len) {
		const char *hit = memmem(text + at, len - at, quote, qlen);
		if (!hit)
			break;
		++*count;
		size_t off = (size_t)(hit - text);
		if (*count == nth)
			return off;
		at = off + qlen;
	}
	return (size_t)-1;
}

enum gl_status
cli_annotation_make(struct store *s, const struct doc *d, const char *document, long long start_cp,
		    long long end_cp, const struct store_new_annotation *what, char **id,
		    struct gl_error *err)
{
	bool page = start_cp < 0;
	struct anchor_selector sel = { 0 };
	if (!page) {
		size_t len;
		const char *text = doc_text(d, &len);
		enum gl_status st = anchor_make(text, len, (size_t)start_cp, (size_t)end_cp, &sel, err);
		if (st != GL_OK)
			return st;
	}
	struct store_new_annotation n = *what;
	n.document = document;
	n.version = doc_hash(d);
	n.renderer = DOC_RENDERER_VERSION;
	n.start = page ? -1 : (long long)sel.start;
	n.end = page ? -1 : (long long)sel.end;
	n.exact = sel.exact;
	n.prefix = sel.prefix;
	n.suffix = sel.suffix;
	n.anchor = page ? STORE_ANCHOR_NONE : STORE_ANCHOR_EXACT;
	enum gl_status st = store_annotation_add(s, &n, id, err);
	anchor_selector_free(&sel);
	return st;
}

static int
cmd_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quote", required_argument, NULL, 'q' },
		{ "nth", required_argument, NULL, 'n' },
		{ "range", required_argument, NULL, 'r' },
		{ "page", no_argument, NULL, 'P' },
		{ "tag", required_argument, NULL, 't' },
		{ "note", required_argument, NULL, 'm' },
		{ "style", required_argument, NULL, 's' },
		{ "private", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char *quote = NULL, *notes = NULL, *style = NULL;
	const char *range = NULL, *nth_arg = NULL;
	struct strings tags = { 0 };
	bool page = false, priv = false;
	int rc = 0, o;
	struct doc *d = NULL;
	struct cli_document cd = { 0 };
	long nth = 1, start = -1, end = -1;

	reset_getopt();
	while (!rc && (o = next_option(c, argc, argv, ":", opts, &rc)) != -1) {
		char *t;
		switch (o) {
		case 'q': free(quote); quote = nfc_arg(c, "quote", optarg, &rc); break;
		case 'n': nth_arg = optarg; break;
		case 'r': range = optarg; break;
		case 'P': page = true; break;
		case 't':
			if ((t = new_tag_arg(c, optarg, &rc)))
				strings_push(&tags, t);
			break;
		case 'm': free(notes); notes = nfc_arg(c, "note", optarg, &rc); break;
		case 's': free(style); style = style_arg(c, optarg, &rc); break;
		case 'p': priv = true; break;
		default: break;
		}
	}
	if (rc)
		goto out;
	if (argc - optind != 1) {
		rc = usage_error(c, argc - optind ? "give one FILE" : "which FILE?");
		goto out;
	}
	if ((quote != NULL) + (range != NULL) + page != 1) {
		rc = usage_error(c, "give one of --quote, --range or --page");
		goto out;
	}
	if (nth_arg && (!quote || !gl_parse_long(nth_arg, 1, LONG_MAX, &nth))) {
		rc = usage_error(c, quote ? "--nth takes a number from 1"
				 : "--nth goes with --quote");
		goto out;
	}
	if (quote && !*quote) {
		rc = usage_error(c, "the quote is empty");
		goto out;
	}
	if (range && (!parse_range(range, &start, &end) || start >= end)) {
		rc = usage_error(c, "--range takes START:END, code points with START < END");
		goto out;
	}
	if (page && !notes) {
		rc = usage_error(c, "a page note needs --note TEXT");
		goto out;
	}

	const char *path = argv[optind];
	struct gl_error err;
	enum gl_status st = open_store(c, &err);
	if (st != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if ((rc = attach(c, path, true, &d, &cd)))
		goto out;
	size_t len;
	const char *text = doc_text(d, &len);
	if (quote) {
		long count;
		size_t off = find_nth(text, len, quote, nth, &count);
		if (off == (size_t)-1) {
			if (count == 0)
				rc = cli_report(GL_NO_MATCH, "the quote is not in the text");
			else
				rc = cli_report(GL_NO_MATCH, count == 1
					    ? "the quote occurs only once in the text"
					    : "the quote occurs fewer times in the text");
			if (count > 0)
				note("it occurs %ld time%s", count, count == 1 ? "" : "s");
			goto out;
		}
		if (!nth_arg) {
			long total;
			find_nth(text, len, quote, LONG_MAX, &total);
			if (total > 1)
				note("the quote occurs %ld times; this is the first "
				     "(--nth N picks another)", total);
		}
		start = (long)doc_byte_to_cp(d, off);
		end = start + (long)u8_count_cp(quote, strlen(quote));
	} else if (range) {
		size_t n = doc_length_cp(d);
		if ((size_t)end > n) {
			rc = usage_error(c, "range %ld:%ld is past the end of the text "
					 "(%zu code points)", start, end, n);
			goto out;
		}
	}
	struct store_new_annotation n = {
		.style = style, .note = notes, .is_private = priv,
		.tags = (const char *const *)tags.v, .tag_count = tags.n,
	};
	char *id = NULL;
	st = cli_annotation_make(c->store, d, cd.id, page ? -1 : start, page ? -1 : end, &n, &id,
				 &err);
	if (st != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (c->json)
		rc = print_changed(c, id);
	else
		printf("%s\n", id);
	free(id);
out:
	cli_document_clear(&cd);
	doc_free(d);
	free(quote);
	free(notes);
	free(style);
	strings_free(&tags);
	return rc;
}

/* True when `a` is new to the store's author: someone else's, made after
 * the author's last visit to its document (store_seen_get; never visited:
 * everything is new).  `seen` caches the last document's time. */
static bool
is_new_to_author(struct cli *c, const struct store_annotation *a, char **seen_doc,
		 char **seen)
{
	if (strcmp(a->author, store_author(c->store)) == 0)
		return false;
	if (!*seen_doc || strcmp(*seen_doc, a->document) != 0) {
		free(*seen_doc);
		free(*seen);
		*seen = NULL;
		*seen_doc = xstrdup(a->document);
		if (store_seen_get(c->store, a->document, seen, NULL) != GL_OK)
			*seen = NULL;
	}
	return !*seen || strcmp(a->created ? a->created : "", *seen) > 0;
}

/* list --new: keeps only what is new to the author (the reader marks a
 * document seen when it opens it). */
static void
keep_new(struct cli *c, struct store_annotation_list *l)
{
	char *seen_doc = NULL, *seen = NULL;
	size_t kept = 0;
	for (size_t i = 0; i < l->count; i++) {
		if (is_new_to_author(c, &l->items[i], &seen_doc, &seen))
			l->items[kept++] = l->items[i];
		else
			store_annotation_clear(&l->items[i]);
	}
	l->count = kept;
	free(seen_doc);
	free(seen);
}

static int
cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "author", required_argument, NULL, 'a' },
		{ "tag", required_argument, NULL, 't' },
		{ "status", required_argument, NULL, 's' },
		{ "orphans", no_argument, NULL, 'o' },
		{ "new", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_filter f = { 0 };
	char *tag = NULL;
	bool new_only = false;
	int rc = 0, o;
	struct doc *d = NULL;
	struct cli_document cd = { 0 };

	reset_getopt();
	while (!rc && (o = next_option(c, argc, argv, ":", opts, &rc)) != -1) {
		switch (o) {
		case 'a': f.author = optarg; break;
		case 't': free(tag); tag = tag_arg(c, optarg, &rc); break;
		case 's':
			if (!store_status_parse(optarg, &f.status))
				rc = usage_error(c, "--status is open or resolved");
			f.status_set = true;
			break;
		case 'o': f.orphans_only = true; break;
		case 'n': new_only = true; break;
		default: break;
		}
	}
	if (rc)
		goto out;
	if (argc - optind > 1) {
		rc = usage_error(c, "one FILE at most");
		goto out;
	}
	f.tag = tag;
	struct gl_error err;
	if (open_store(c, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	note_readonly(c);
	if (optind < argc) {
		if ((rc = attach(c, argv[optind], false, &d, &cd)))
			goto out;
		if (!cd.id) {
			if (c->json)
				printf("[]\n");
			goto out;
		}
		f.document = cd.id;
	}
	struct store_annotation_list l;
	if (store_annotations_list(c->store, &f, &l, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (new_only)
		keep_new(c, &l);
	print_annotations(c, &l);
	store_annotation_list_free(&l);
out:
	cli_document_clear(&cd);
	doc_free(d);
	free(tag);
	return rc;
}

/* Parses a command that takes exactly one ID and no options. */
static int
one_id(struct cli *c, int argc, char **argv, char **id)
{
	int rc = no_options(c, argc, argv);
	if (rc)
		return rc;
	if (argc - optind != 1)
		return usage_error(c, argc - optind ? "give one ID" : "which ID?");
	struct gl_error err;
	if (open_store(c, &err) != GL_OK)
		return cli_report_error(&err);
	return resolve_id(c, argv[optind], id);
}

/* Context on one line: a line break shows as ⏎, the rest safe. */
static void
put_context(struct buf *out, const char *s)
{
	for (const char *p = s; p && *p;) {
		const char *lf = strchr(p, '\n');
		size_t n = lf ? (size_t)(lf - p) : strlen(p);
		u8_safe(out, p, n);
		if (!lf)
			break;
		buf_puts(out, "⏎");
		p = lf + 1;
	}
}

static void
put_field(struct buf *out, const char *key, const char *value)
{
	buf_printf(out, "%-10s", key);
	put_safe(out, value);
	buf_putc(out, '\n');
}

/* How put_replies writes a reply as text: gloss show's dated line, or
 * gloss review's "id  author: note" under its thread. */
enum reply_style { REPLY_DATED, REPLY_BRIEF };

/* The replies to `parent` and, under each, the replies to it (Hypothesis
 * and gloss reply allow a reply to a reply), oldest first: as text lines
 * indented two columns a level (from column 2, or 4 in REPLY_BRIEF, under
 * the thread's own line), or as JSON (each reply with its own "replies").
 * gloss show and gloss review both print threads with it. */
static enum gl_status
put_replies(struct cli *c, const char *parent, int depth, enum reply_style style,
	    struct buf *out, json_t *arr, struct gl_error *err)
{
	struct store_annotation_list replies = { 0 };
	struct store_filter f = { .parent = parent };
	enum gl_status st = store_annotations_list(c->store, &f, &replies, err);
	for (size_t i = 0; i < replies.count && st == GL_OK; i++) {
		const struct store_annotation *r = &replies.items[i];
		json_t *sub = NULL;
		if (arr) {
			json_t *j = annotation_json(r);
			sub = json_array();
			json_object_set_new(j, "replies", sub);
			json_array_append_new(arr, j);
		} else if (style == REPLY_BRIEF) {
			buf_printf(out, "%*s%.8s  ", 4 + 2 * depth, "", r->id);
			put_safe(out, r->author);
			buf_puts(out, ": ");
			put_safe_short(out, r->note, LIST_NOTE_CLUSTERS, true);
			buf_putc(out, '\n');
		} else {
			buf_printf(out, "%*s%.8s  ", 2 + 2 * depth, "", r->id);
			put_safe(out, r->author);
			buf_puts(out, "  ");
			put_safe(out, r->created);
			buf_puts(out, "  ");
			put_safe_short(out, r->note, LIST_NOTE_CLUSTERS, true);
			buf_putc(out, '\n');
		}
		if (depth < 32)   /* the store makes no loops; a guard all the same */
			st = put_replies(c, r->id, depth + 1, style, out, sub, err);
	}
	store_annotation_list_free(&replies);
	return st;
}

static int
cmd_show(struct cli *c, int argc, char **argv)
{
	char *id = NULL;
	int rc = one_id(c, argc, argv, &id);
	if (rc)
		return rc;
	note_readonly(c);
	struct store_annotation a;
	struct store_annotation_list replies = { 0 };
	struct gl_error err;
	if (store_annotation_get(c->store, id, &a, &err) != GL_OK) {
		free(id);
		return cli_report_error(&err);
	}
	struct store_filter f = { .parent = id };
	if (store_annotations_list(c->store, &f, &replies, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (c->json) {
		json_t *j = annotation_json(&a);
		json_t *arr = json_array();
		json_object_set_new(j, "replies", arr);
		if (put_replies(c, id, 0, REPLY_DATED, NULL, arr, &err) != GL_OK)
			rc = cli_report_error(&err);
		else
			print_json(j);
		json_decref(j);
		goto out;
	}

	struct buf out = BUF_INIT;
	struct store_document doc;
	put_field(&out, "id:", a.id);
	if (store_document_get(c->store, a.document, &doc, NULL) == GL_OK) {
		buf_printf(&out, "%-10s", "document:");
		put_safe_short(&out, doc.title, 60, true);
		buf_printf(&out, " (%.8s)\n", doc.id);
		if (doc.source)
			put_field(&out, "source:", doc.source);
		store_document_clear(&doc);
	}
	buf_printf(&out, "%-10s", "author:");
	put_safe(&out, a.author);
	buf_puts(&out, a.is_private ? " (private)\n" : "\n");
	if (a.parent) {
		buf_printf(&out, "%-10sreply to %.8s\n", "about:", a.parent);
	} else if (a.start < 0) {
		buf_printf(&out, "%-10sthe whole document (a page note)\n", "about:");
	} else {
		buf_printf(&out, "%-10s%lld-%lld, %s, on version %.8s\n", "range:",
			   a.start, a.end, store_anchor_state_name(a.anchor), a.version);
		buf_printf(&out, "%-10s\"", "quote:");
		put_safe(&out, a.exact);
		buf_puts(&out, "\"\n");
		buf_printf(&out, "%-10s…", "context:");
		put_context(&out, a.prefix);
		buf_puts(&out, "[");
		put_context(&out, a.exact);
		buf_puts(&out, "]");
		put_context(&out, a.suffix);
		buf_puts(&out, "…\n");
	}
	if (a.tag_count) {
		buf_printf(&out, "%-10s", "tags:");
		for (size_t i = 0; i < a.tag_count; i++) {
			buf_puts(&out, i ? " #" : "#");
			put_safe(&out, a.tags[i]);
		}
		buf_putc(&out, '\n');
	}
	if (a.style)
		put_field(&out, "style:", a.style);
	put_field(&out, "status:", store_status_name(a.status));
	put_field(&out, "created:", a.created);
	put_field(&out, "updated:", a.updated);
	if (a.note) {
		/* The note keeps its lines; each is indented. */
		struct buf safe = BUF_INIT;
		u8_safe_line(&safe, a.note, strlen(a.note));
		buf_puts(&out, "\n    ");
		for (size_t i = 0; i < safe.len; i++) {
			buf_putc(&out, safe.data[i]);
			if (safe.data[i] == '\n')
				buf_puts(&out, "    ");
		}
		buf_putc(&out, '\n');
		buf_free(&safe);
	}
	if (replies.count) {
		buf_puts(&out, "\nreplies:\n");
		if (put_replies(c, id, 0, REPLY_DATED, &out, NULL, &err) != GL_OK) {
			buf_free(&out);
			rc = cli_report_error(&err);
			goto out;
		}
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
out:
	store_annotation_list_free(&replies);
	store_annotation_clear(&a);
	free(id);
	return rc;
}

static int
cmd_edit(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'm' },
		{ "tag", required_argument, NULL, 't' },
		{ "untag", required_argument, NULL, 'u' },
		{ "style", required_argument, NULL, 's' },
		{ "private", no_argument, NULL, 'p' },
		{ "shared", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_edit e = { 0 };
	struct strings add = { 0 }, rm = { 0 };
	char *notes = NULL, *style = NULL, *id = NULL;
	int rc = 0, o;

	reset_getopt();
	while (!rc && (o = next_option(c, argc, argv, ":", opts, &rc)) != -1) {
		char *t;
		switch (o) {
		case 'm':
			free(notes);
			notes = nfc_arg(c, "note", optarg, &rc);
			e.set_note = true;
			break;
		case 's':
			free(style);
			style = style_arg(c, optarg, &rc);
			e.set_style = true;
			break;
		case 't':
			if ((t = new_tag_arg(c, optarg, &rc)))
				strings_push(&add, t);
			break;
		case 'u':
			if ((t = tag_arg(c, optarg, &rc)))
				strings_push(&rm, t);
			break;
		case 'p': e.set_private = 1; break;
		case 'S': e.set_private = -1; break;
		default: break;
		}
	}
	if (rc)
		goto out;
	if (argc - optind != 1) {
		rc = usage_error(c, argc - optind ? "give one ID" : "which ID?");
		goto out;
	}
	if (!e.set_note && !e.set_style && !add.n && !rm.n && !e.set_private) {
		rc = usage_error(c, "nothing to change");
		goto out;
	}
	e.note = notes;
	e.style = style;
	e.add_tags = (const char *const *)add.v;
	e.add_count = add.n;
	e.remove_tags = (const char *const *)rm.v;
	e.remove_count = rm.n;
	struct gl_error err;
	if (open_store(c, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if ((rc = resolve_id(c, argv[optind], &id)))
		goto out;
	if (store_annotation_edit(c->store, id, &e, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	rc = print_changed(c, id);
out:
	free(id);
	free(notes);
	free(style);
	strings_free(&add);
	strings_free(&rm);
	return rc;
}

static int
cmd_rm(struct cli *c, int argc, char **argv)
{
	char *id = NULL;
	int rc = one_id(c, argc, argv, &id);
	if (rc)
		return rc;
	struct gl_error err;
	if (store_annotation_delete(c->store, id, &err) != GL_OK)
		rc = cli_report_error(&err);
	else
		rc = print_changed(c, id);
	free(id);
	return rc;
}

static int
set_status(struct cli *c, int argc, char **argv, enum store_status status)
{
	char *id = NULL;
	int rc = one_id(c, argc, argv, &id);
	if (rc)
		return rc;
	struct gl_error err;
	if (store_annotation_set_status(c->store, id, status, &err) != GL_OK)
		rc = cli_report_error(&err);
	else
		rc = print_changed(c, id);
	free(id);
	return rc;
}

static int
cmd_resolve(struct cli *c, int argc, char **argv)
{
	return set_status(c, argc, argv, STORE_STATUS_RESOLVED);
}

static int
cmd_reopen(struct cli *c, int argc, char **argv)
{
	return set_status(c, argc, argv, STORE_STATUS_OPEN);
}

static int
cmd_reply(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'm' },
		{ "private", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char *notes = NULL, *id = NULL, *reply = NULL;
	bool priv = false;
	int rc = 0, o;
	reset_getopt();
	while (!rc && (o = next_option(c, argc, argv, ":", opts, &rc)) != -1) {
		if (o == 'm') {
			free(notes);
			notes = nfc_arg(c, "note", optarg, &rc);
		} else if (o == 'p') {
			priv = true;
		}
	}
	if (rc)
		goto out;
	if (argc - optind != 1) {
		rc = usage_error(c, argc - optind ? "give one ID" : "which ID?");
		goto out;
	}
	if (!notes || !*notes) {
		rc = usage_error(c, "a reply needs --note TEXT");
		goto out;
	}
	struct gl_error err;
	if (open_store(c, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if ((rc = resolve_id(c, argv[optind], &id)))
		goto out;
	if (store_annotation_reply(c->store, id, notes, priv, &reply, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (c->json)
		rc = print_changed(c, reply);
	else
		printf("%s\n", reply);
out:
	free(reply);
	free(id);
	free(notes);
	return rc;
}

static int
undo_redo(struct cli *c, int argc, char **argv, bool redo)
{
	int rc = no_options(c, argc, argv);
	if (rc)
		return rc;
	if (argc - optind > 1)
		return usage_error(c, "one FILE at most");
	struct gl_error err;
	if (open_store(c, &err) != GL_OK)
		return cli_report_error(&err);
	/* With a FILE, only the changes on that article count (as `u` in
	   the reader); without, the last change anywhere. */
	struct doc *d = NULL;
	struct cli_document cd = { 0 };
	struct store_event ev = { 0 };
	enum gl_status st = GL_OK;
	if (optind < argc) {
		if ((rc = attach(c, argv[optind], false, &d, &cd)))
			goto scoped_out;
		if (!cd.id) {
			gl_fail(&err, GL_NO_MATCH, "nothing to %s in %s",
				redo ? "redo" : "undo", argv[optind]);
			rc = cli_report_error(&err);
			goto scoped_out;
		}
	}
	st = cd.id
		? (redo ? store_redo_in(c->store, cd.id, &ev, &err)
			: store_undo_in(c->store, cd.id, &ev, &err))
		: (redo ? store_redo(c->store, &ev, &err)
			: store_undo(c->store, &ev, &err));
	if (st == GL_NO_MATCH && cd.id)
		gl_fail(&err, GL_NO_MATCH, "nothing to %s in %s",
			redo ? "redo" : "undo", argv[optind]);
scoped_out:
	cli_document_clear(&cd);
	doc_free(d);
	if (rc)
		return rc;
	if (st != GL_OK)
		return cli_report_error(&err);
	if (c->json) {
		struct store_annotation a;
		json_t *j = json_object();
		json_object_set_new(j, redo ? "redid" : "undid", json_string(ev.what));
		if (store_annotation_get(c->store, ev.annotation, &a, NULL) == GL_OK) {
			json_object_set_new(j, "annotation", annotation_json(&a));
			store_annotation_clear(&a);
		}
		print_json(j);
		json_decref(j);
	} else {
		struct buf out = BUF_INIT;
		buf_printf(&out, "%s %s of %.8s\n", redo ? "redid" : "undid",
			   ev.what, ev.annotation ? ev.annotation : "?");
		fwrite(out.data, 1, out.len, stdout);
		buf_free(&out);
	}
	store_event_clear(&ev);
	return 0;
}

static int
cmd_undo(struct cli *c, int argc, char **argv)
{
	return undo_redo(c, argc, argv, false);
}

static int
cmd_redo(struct cli *c, int argc, char **argv)
{
	return undo_redo(c, argc, argv, true);
}

static int
cmd_tags(struct cli *c, int argc, char **argv)
{
	struct doc *d = NULL;
	struct cli_document cd = { 0 };
	int rc = no_options(c, argc, argv);
	if (rc)
		return rc;
	if (argc - optind > 1)
		return usage_error(c, "one FILE at most");
	struct gl_error err;
	if (open_store(c, &err) != GL_OK)
		return cli_report_error(&err);
	note_readonly(c);
	if (optind < argc) {
		if ((rc = attach(c, argv[optind], false, &d, &cd)))
			return rc;
	}
	struct store_tag_list l = { 0 };
	if ((optind < argc && !cd.id) ||
	    store_tags_list(c->store, cd.id, &l, &err) == GL_OK) {
		if (c->json) {
			json_t *arr = json_array();
			for (size_t i = 0; i < l.count; i++) {
				json_t *o = json_object();
				json_object_set_new(o, "tag", json_string(l.items[i].tag));
				json_object_set_new(o, "count", json_integer(l.items[i].count));
				json_array_append_new(arr, o);
			}
			print_json(arr);
			json_decref(arr);
		} else {
			struct buf out = BUF_INIT;
			for (size_t i = 0; i < l.count; i++) {
				put_safe(&out, l.items[i].tag);
				buf_printf(&out, "\t%lld\n", l.items[i].count);
			}
			fwrite(out.data ? out.data : "", 1, out.len, stdout);
			buf_free(&out);
		}
	} else {
		rc = cli_report_error(&err);
	}
	store_tag_list_free(&l);
	cli_document_clear(&cd);
	doc_free(d);
	return rc;
}

static int
cmd_docs(struct cli *c, int argc, char **argv)
{
	int rc = no_options(c, argc, argv);
	if (rc)
		return rc;
	if (argc != optind)
		return usage_error(c, "takes no arguments");
	struct gl_error err;
	if (open_store(c, &err) != GL_OK)
		return cli_report_error(&err);
	note_readonly(c);
	struct store_document_list l;
	if (store_documents_list(c->store, &l, &err) != GL_OK)
		return cli_report_error(&err);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < l.count; i++) {
			const struct store_document *d = &l.items[i];
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(d->id));
			json_object_set_new(o, "title", json_str(d->title));
			json_object_set_new(o, "source", json_str(d->source));
			json_object_set_new(o, "created", json_str(d->created));
			json_object_set_new(o, "annotations", json_integer(d->annotations));
			json_object_set_new(o, "open", json_integer(d->open));
			json_object_set_new(o, "versions", json_integer(d->versions));
			json_array_append_new(arr, o);
		}
		print_json(arr);
		json_decref(arr);
	} else {
		struct buf out = BUF_INIT;
		for (size_t i = 0; i < l.count; i++) {
			const struct store_document *d = &l.items[i];
			buf_printf(&out, "%.8s  %lld annotation%s, %lld open, %lld version%s  ",
				   d->id, d->annotations, d->annotations == 1 ? "" : "s",
				   d->open, d->versions, d->versions == 1 ? "" : "s");
			put_safe_short(&out, d->title, 60, true);
			if (d->source) {
				buf_puts(&out, "  ");
				put_safe(&out, d->source);
			}
			buf_putc(&out, '\n');
		}
		fwrite(out.data ? out.data : "", 1, out.len, stdout);
		buf_free(&out);
	}
	store_document_list_free(&l);
	return 0;
}

static int
cmd_search(struct cli *c, int argc, char **argv)
{
	int rc = no_options(c, argc, argv);
	if (rc)
		return rc;
	if (argc == optind)
		return usage_error(c, "what to search for?");
	/* Several words are one query, as the shell split them. */
	struct buf q = BUF_INIT;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			buf_putc(&q, ' ');
		buf_puts(&q, argv[i]);
	}
	char *query = nfc_arg(c, "query", q.data, &rc);
	buf_free(&q);
	if (!query)
		return rc;
	if (!*query) {
		free(query);
		return usage_error(c, "what to search for?");
	}
	struct gl_error err;
	struct store_annotation_list l;
	if (open_store(c, &err) != GL_OK) {
		free(query);
		return cli_report_error(&err);
	}
	note_readonly(c);
	/* The store folds as the reader's / does (main.c gives it u8_fold:
	   NFKC, case folding, smart case), its index answering. */
	if (store_search(c->store, query, NULL, &l, &err) != GL_OK) {
		rc = cli_report_error(&err);
	} else if (l.count == 0) {
		/* README: 16 is "nothing matches"; JSON still gets its []. */
		if (c->json)
			print_annotations(c, &l);
		char *msg = xasprintf("nothing matches \"%s\"", query);
		rc = cli_report(GL_NO_MATCH, msg);
		free(msg);
	} else {
		print_annotations(c, &l);
	}
	store_annotation_list_free(&l);
	free(query);
	return rc;
}

/* ------------------------------------------------------ team review */

/* cli_report() with a printf-style message. */
static GL_PRINTF(2, 3) int
reportf(enum gl_status st, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int rc = cli_report(st, b.data);
	buf_free(&b);
	return rc;
}

/* The group a shared store's directory gets: --group G, else the user's
 * primary group.  Returns a usage status (printed) when G is unknown. */
static int
shared_group(struct cli *c, const char *name, gid_t *gid)
{
	if (!name) {
		struct passwd *pw = getpwuid(getuid());
		*gid = pw ? pw->pw_gid : getgid();
		return 0;
	}
	struct group *g = getgrnam(name);
	if (!g) {
		long n;
		if (gl_parse_long(name, 0, INT_MAX, &n)) {
			*gid = (gid_t)n;
			return 0;
		}
		return usage_error(c, "no such group: %s", name);
	}
	*gid = g->gr_gid;
	return 0;
}

/* Gives `path` to group `gid` with `mode`; a missing file is fine (the
 * -wal and -shm files exist only while the store is open). */
static int
share_file(const char *path, gid_t gid, mode_t mode, bool must_exist)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return reportf(GL_IO, "cannot read %s: %s", path, strerror(errno));
	}
	if (sb.st_gid != gid && chown(path, (uid_t)-1, gid) != 0)
		return reportf(GL_DENIED, "cannot give %s to the group: %s (are you "
						       "a member of it?)", path, strerror(errno));
	if ((sb.st_mode & 07777) != mode && chmod(path, mode) != 0)
		return reportf(GL_IO, "cannot set the mode of %s: %s", path,
						   strerror(errno));
	return 0;
}

/* gloss init-shared DIR [--group G]: a store a team shares on one host.
 * The directory is the group's and setgid (2770), so every file SQLite
 * makes in it belongs to the group; the database is 0660, and SQLite
 * gives its -wal and -shm files the database's mode, so every member can
 * open it for writing (WAL needs the -shm file writable by each). */
static int
cmd_init_shared(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *group = NULL;
	int rc = 0, o;
	reset_getopt();
	while (!rc && (o = next_option(c, argc, argv, ":", opts, &rc)) != -1)
		if (o == 'g')
			group = optarg;
	if (rc)
		return rc;
	if (argc - optind != 1)
		return usage_error(c, argc - optind ? "give one DIR" : "which DIR?");
	const char *dir = argv[optind];
	gid_t gid = getgid();
	if ((rc = shared_group(c, group, &gid)))
		return rc;
	struct gl_error err;
	struct stat sb;
	if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
		return reportf(GL_NOT_REGULAR, "%s is not a directory", dir);
	if (gl_mkdir_p(dir, 0770, &err) != GL_OK)
		return cli_report_error(&err);
	if ((rc = share_file(dir, gid, 02770, true)))
		return rc;
	char *abs = realpath(dir, NULL);
	char *db = gl_path_join(abs ? abs : dir, "gloss.db");
	free(abs);
	/* SQLite creates the file with 0666 minus the umask, and its -wal
	   and -shm with the file's mode: keep the group's bits. */
	mode_t old_umask = umask(007);
	struct store *s = NULL;
	enum gl_status st = store_open(db, c->ctx->author, 0, &s, &err);
	umask(old_umask);
	if (st != GL_OK) {
		free(db);
		return cli_report_error(&err);
	}
	if (store_is_readonly(s)) {
		rc = cli_report(GL_STORE_READONLY, store_notice(s));
		store_close(s);
		free(db);
		return rc;
	}
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	for (size_t i = 0; !rc && i < GL_ARRAY_LEN(suffixes); i++) {
		char *p = xasprintf("%s%s", db, suffixes[i]);
		rc = share_file(p, gid, 0660, i == 0);
		free(p);
	}
	store_close(s);
	if (rc) {
		free(db);
		return rc;
	}
	struct group *g = getgrgid(gid);
	struct buf out = BUF_INIT;
	if (c->json) {
		json_t *j = json_object();
		json_object_set_new(j, "db", json_string(db));
		json_object_set_new(j, "group", g ? json_string(g->gr_name) : json_integer(gid));
		print_json(j);
		json_decref(j);
	} else {
		buf_puts(&out, "A shared store is ready: ");
		put_safe(&out, db);
		buf_puts(&out, "\nIts directory belongs to the group ");
		if (g)
			put_safe(&out, g->gr_name);
		else
			buf_printf(&out, "%ld", (long)gid);
		buf_puts(&out, " (mode 2770); everyone in the group reads and writes it.\n"
			 "Colleagues on this host point gloss at it with one of:\n"
			 "    gloss --db ");
		put_safe(&out, db);
		buf_puts(&out, " ARTICLE\n    export GLOSS_DB=");
		put_safe(&out, db);
		buf_puts(&out, "\n    db = ");
		put_safe(&out, db);
		buf_puts(&out, "    (a line in ~/.config/gloss/config)\n"
			 "It works on one host only, not over NFS (SQLite's WAL needs shared "
			 "memory).\n");
		fwrite(out.data, 1, out.len, stdout);
	}
	buf_free(&out);
	free(db);
	return 0;
}

/* Counts of one author's work in a review. */
struct review_author {
	const char *name;
	long long annotations, replies, open, resolved, orphans;
};

static struct review_author *
review_author(struct review_author **v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return &(*v)[i];
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	struct review_author *r = &(*v)[(*n)++];
	memset(r, 0, sizeof *r);
	r->name = name;
	return r;
}

static int
cmp_review_author(const void *x, const void *y)
{
	const struct review_author *p = x, *q = y;
	return strcmp(p->name, q->name);
}

/* gloss review [FILE]: per author, tag and state counts, and the open
 * threads (each open annotation with its replies). */
static int
cmd_review(struct cli *c, int argc, char **argv)
{
	struct doc *d = NULL;
	struct cli_document cd = { 0 };
	struct store_annotation_list l = { 0 };
	struct store_tag_list tags = { 0 };
	struct review_author *authors = NULL;
	size_t nauthors = 0;
	int rc = no_options(c, argc, argv);
	if (rc)
		return rc;
	if (argc - optind > 1)
		return usage_error(c, "one FILE at most");
	struct gl_error err;
	if (open_store(c, &err) != GL_OK)
		return cli_report_error(&err);
	note_readonly(c);
	struct store_filter f = { 0 };
	if (optind < argc) {
		if ((rc = attach(c, argv[optind], false, &d, &cd)))
			goto out;
		if (!cd.id) {
			rc = reportf(GL_NO_MATCH, "no annotations on %s yet",
							       argv[optind]);
			goto out;
		}
		f.document = cd.id;
	}
	if (store_annotations_list(c->store, &f, &l, &err) != GL_OK ||
	    store_tags_list(c->store, cd.id, &tags, &err) != GL_OK) {
		rc = cli_report_error(&err);
		goto out;
	}
	long long total = 0, open = 0, resolved = 0, replies = 0;
	long long anchors[STORE_ANCHOR_ORPHAN + 1] = { 0 };
	for (size_t i = 0; i < l.count; i++) {
		const struct store_annotation *a = &l.items[i];
		struct review_author *r = review_author(&authors, &nauthors, a->author);
		if (a->parent) {
			r->replies++;
			replies++;
			continue;
		}
		r->annotations++;
		total++;
		if (a->status == STORE_STATUS_OPEN) {
			r->open++;
			open++;
		} else {
			r->resolved++;
			resolved++;
		}
		if (a->anchor == STORE_ANCHOR_ORPHAN)
			r->orphans++;
		if ((int)a->anchor >= 0 && a->anchor <= STORE_ANCHOR_ORPHAN)
			anchors[a->anchor]++;
	}
	if (nauthors)
		qsort(authors, nauthors, sizeof *authors, cmp_review_author);

	if (c->json) {
		json_t *j = json_object();
		json_t *ja = json_array(), *jt = json_array(), *js = json_object();
		json_t *jth = json_array();
		for (size_t i = 0; i < nauthors; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "author", json_string(authors[i].name));
			json_object_set_new(o, "annotations", json_integer(authors[i].annotations));
			json_object_set_new(o, "replies", json_integer(authors[i].replies));
			json_object_set_new(o, "open", json_integer(authors[i].open));
			json_object_set_new(o, "resolved", json_integer(authors[i].resolved));
			json_object_set_new(o, "orphans", json_integer(authors[i].orphans));
			json_array_append_new(ja, o);
		}
		for (size_t i = 0; i < tags.count; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "tag", json_string(tags.items[i].tag));
			json_object_set_new(o, "count", json_integer(tags.items[i].count));
			json_array_append_new(jt, o);
		}
		json_object_set_new(js, "annotations", json_integer(total));
		json_object_set_new(js, "replies", json_integer(replies));
		json_object_set_new(js, "open", json_integer(open));
		json_object_set_new(js, "resolved", json_integer(resolved));
		for (int k = STORE_ANCHOR_EXACT; k <= STORE_ANCHOR_ORPHAN; k++)
			json_object_set_new(js, store_anchor_state_name((enum store_anchor_state)k),
					    json_integer(anchors[k]));
		for (size_t i = 0; i < l.count; i++) {
			const struct store_annotation *a = &l.items[i];
			if (a->parent || a->status != STORE_STATUS_OPEN)
				continue;
			json_t *t = annotation_json(a);
			json_t *rs = json_array();
			json_object_set_new(t, "replies", rs);
			json_array_append_new(jth, t);
			if (put_replies(c, a->id, 0, REPLY_BRIEF, NULL, rs, &err) != GL_OK) {
				json_decref(j);
				json_decref(ja);
				json_decref(jt);
				json_decref(js);
				json_decref(jth);
				rc = cli_report_error(&err);
				goto out;
			}
		}
		json_object_set_new(j, "authors", ja);
		json_object_set_new(j, "tags", jt);
		json_object_set_new(j, "states", js);
		json_object_set_new(j, "open_threads", jth);
		print_json(j);
		json_decref(j);
		goto out;
	}

	struct buf out = BUF_INIT;
	buf_printf(&out, "%lld annotation%s (%lld open, %lld resolved), %lld repl%s",
		   total, total == 1 ? "" : "s", open, resolved, replies,
		   replies == 1 ? "y" : "ies");
	for (int k = STORE_ANCHOR_MOVED; k <= STORE_ANCHOR_ORPHAN; k++)
		if (anchors[k])
			buf_printf(&out, ", %lld %s", anchors[k],
				   store_anchor_state_name((enum store_anchor_state)k));
	buf_puts(&out, "\n\nby author:\n");
	for (size_t i = 0; i < nauthors; i++) {
		const struct review_author *r = &authors[i];
		buf_puts(&out, "  ");
		put_safe(&out, r->name);
		buf_printf(&out, "  %lld annotation%s (%lld open, %lld resolved), %lld repl%s",
			   r->annotations, r->annotations == 1 ? "" : "s", r->open, r->resolved,
			   r->replies, r->replies == 1 ? "y" : "ies");
		if (r->orphans)
			buf_printf(&out, ", %lld orphan%s", r->orphans, r->orphans == 1 ? "" : "s");
		buf_putc(&out, '\n');
	}
	if (tags.count) {
		buf_puts(&out, "\nby tag:\n");
		for (size_t i = 0; i < tags.count; i++) {
			buf_puts(&out, "  #");
			put_safe(&out, tags.items[i].tag);
			buf_printf(&out, "  %lld\n", tags.items[i].count);
		}
	}
	buf_printf(&out, "\nopen threads:%s\n", open ? "" : " none");
	const char *current = NULL;
	for (size_t i = 0; i < l.count; i++) {
		const struct store_annotation *a = &l.items[i];
		if (a->parent || a->status != STORE_STATUS_OPEN)
			continue;
		if (!current || strcmp(current, a->document) != 0) {
			struct store_document doc;
			current = a->document;
			if (store_document_get(c->store, a->document, &doc, NULL) == GL_OK) {
				buf_puts(&out, "== ");
				put_safe_short(&out, doc.title, 60, true);
				buf_printf(&out, " (%.8s)\n", doc.id);
				store_document_clear(&doc);
			}
		}
		put_annotation_line(&out, a);
		if (put_replies(c, a->id, 0, REPLY_BRIEF, &out, NULL, &err) != GL_OK) {
			buf_free(&out);
			rc = cli_report_error(&err);
			goto out;
		}
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
out:
	free(authors);
	store_tag_list_free(&tags);
	store_annotation_list_free(&l);
	cli_document_clear(&cd);
	doc_free(d);
	return rc;
}

/* ----------------------------------------------- a stored document */

static bool
ascii_contains_fold(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

enum gl_status
cli_open_stored(struct store *s, const char *which, struct doc **d, char **id,
		struct gl_error *err)
{
	struct store_document_list l;
	enum gl_status st = store_documents_list(s, &l, err);
	if (st != GL_OK)
		return st;
	/* The best kind of match wins: an exact title or a full id, then an
	   id prefix, then a part of a title. */
	const struct store_document *found = NULL;
	size_t nfound = 0;
	struct buf names = BUF_INIT;
	size_t wlen = strlen(which);
	for (int pass = 0; pass < 3 && nfound == 0; pass++) {
		for (size_t i = 0; i < l.count; i++) {
			const struct store_document *sd = &l.items[i];
			bool m;
			if (pass == 0)
				m = strcmp(sd->title, which) == 0 || strcasecmp(sd->id, which) == 0;
			else if (pass == 1)
				m = wlen >= STORE_ID_MIN_PREFIX && strncasecmp(sd->id, which, wlen) == 0;
			else
				m = *which && ascii_contains_fold(sd->title, which);
			if (!m)
				continue;
			if (nfound++ < 5)
				buf_printf(&names, "%s%.8s \"%s\"", nfound > 1 ? ", " : "", sd->id,
					   sd->title);
			found = sd;
		}
	}
	if (nfound == 0)
		st = gl_fail(err, GL_NO_MATCH, "no document in the store is called or has the id '%s'"
			     " (gloss docs lists them)", which);
	else if (nfound > 1)
		st = gl_fail(err, GL_USAGE, "'%s' matches %zu documents: %s%s; give more of the id",
			     which, nfound, names.data, nfound > 5 ? ", ..." : "");
	if (st == GL_OK) {
		struct store_version v = { 0 };
		st = store_version_latest(s, found->id, true, &v, err);
		if (st == GL_OK)
			st = doc_from_text(v.text, v.text_len, DOC_FORMAT_VERBATIM, found->source, d, err);
		if (st == GL_OK)
			*id = xstrdup(found->id);
		store_version_clear(&v);
	}
	buf_free(&names);
	store_document_list_free(&l);
	return st;
}

/* Opens a store named on the command line for gloss migrate: read-only
 * for the source (it is not changed, unless it needs a schema upgrade to
 * be read), for writing for the target (created when missing). */
static enum gl_status
open_migrate_store(struct cli *c, const char *location, bool source,
		   struct store **out, struct gl_error *err)
{
	enum gl_status st = GL_STORE_READONLY;
	if (source)
		st = store_open(location, c->ctx->author, STORE_OPEN_READONLY, out, err);
	if (st == GL_STORE_READONLY)
		st = store_open(location, c->ctx->author, 0, out, err);
	if (st == GL_OK && !source && store_is_readonly(*out)) {
		st = gl_fail(err, GL_STORE_READONLY, "%s", store_notice(*out));
		store_close(*out);
		*out = NULL;
	}
	return st;
}

/* gloss migrate --from A --to B: copies a whole store (store_copy); either
 * location defaults to the current store. */
static int
cmd_migrate(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	int rc = 0, o;
	reset_getopt();
	while (!rc && (o = next_option(c, argc, argv, ":", opts, &rc)) != -1) {
		if (o == 'f')
			from = optarg;
		else if (o == 't')
			to = optarg;
	}
	if (rc)
		return rc;
	if (argc - optind != 0)
		return usage_error(c, "give the stores with --from and --to");
	if (!from && !to)
		return usage_error(c, "which stores? give --from A --to B");
	if (!from)
		from = c->ctx->db_path;
	if (!to)
		to = c->ctx->db_path;
	if (strcmp(from, to) == 0)
		return usage_error(c, "--from and --to name the same store");

	struct gl_error err;
	struct store *src = NULL, *dst = NULL;
	if (open_migrate_store(c, from, true, &src, &err) != GL_OK)
		return cli_report_error(&err);
	if (open_migrate_store(c, to, false, &dst, &err) != GL_OK) {
		store_close(src);
		return cli_report_error(&err);
	}
	struct store_copy_counts copied, total;
	enum gl_status st = store_copy(src, dst, &copied, &total, &err);
	if (st == GL_OK) {
		if (c->json) {
			printf("{\"documents\": %lld, \"versions\": %lld, "
			       "\"annotations\": %lld, \"events\": %lld, "
			       "\"positions\": %lld}\n", copied.documents,
			       copied.versions, copied.annotations, copied.events,
			       copied.positions);
		} else {
			printf("copied %lld of %lld documents, %lld of %lld versions, "
			       "%lld of %lld annotations, %lld of %lld events, "
			       "%lld of %lld reading positions\n",
			       copied.documents, total.documents, copied.versions,
			       total.versions, copied.annotations, total.annotations,
			       copied.events, total.events, copied.positions,
			       total.positions);
			if (copied.annotations < total.annotations ||
			    copied.documents < total.documents)
				note("the rest was there already");
		}
	}
	store_close(src);
	store_close(dst);
	return st == GL_OK ? 0 : cli_report_error(&err);
}

/* export and import live in cli-export.c. */
static int
cmd_export(struct cli *c, int argc, char **argv)
{
	return cli_export_command(c->ctx, c->json, argc, argv);
}

static int
cmd_import(struct cli *c, int argc, char **argv)
{
	return cli_import_command(c->ctx, c->json, argc, argv);
}

static const struct command commands[] = {
	{ "add", cmd_add, "add FILE (--quote TEXT [--nth N] | --range START:END | --page) "
	  "[--tag T]... [--note TEXT] [--style S] [--private]" },
	{ "list", cmd_list, "list [FILE] [--author A] [--tag T] [--status open|resolved] [--orphans] "
	  "[--new]" },
	{ "show", cmd_show, "show ID" },
	{ "edit", cmd_edit, "edit ID [--note TEXT] [--tag T]... [--untag T]... [--style S] "
	  "[--private | --shared]" },
	{ "rm", cmd_rm, "rm ID" },
	{ "undo", cmd_undo, "undo [FILE]" },
	{ "redo", cmd_redo, "redo [FILE]" },
	{ "reply", cmd_reply, "reply ID --note TEXT [--private]" },
	{ "resolve", cmd_resolve, "resolve ID" },
	{ "reopen", cmd_reopen, "reopen ID" },
	{ "tags", cmd_tags, "tags [FILE]" },
	{ "docs", cmd_docs, "docs" },
	{ "search", cmd_search, "search QUERY" },
	{ "review", cmd_review, "review [FILE]" },
	{ "init-shared", cmd_init_shared, "init-shared DIR [--group G]" },
	{ "export", cmd_export, CLI_EXPORT_SYNOPSIS },
	{ "import", cmd_import, CLI_IMPORT_SYNOPSIS },
	{ "migrate", cmd_migrate, "migrate --from STORE --to STORE" },
};

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; name && i < GL_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

bool
cli_is_command(const char *name)
{
	return find_command(name) != NULL;
}

/* Edits from a to b (insert, delete, replace, or swap two neighbours:
 * "exprot" is one from "export"), in bytes: command names are ASCII. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64)
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

char *
cli_suggest_command(const char *word)
{
	/* "open" is main's (it reads a stored document), but a command to
	   whoever types it. */
	const char *names[GL_ARRAY_LEN(commands) + 1];
	size_t count = 0;
	for (size_t i = 0; i < GL_ARRAY_LEN(commands); i++)
		names[count++] = commands[i].name;
	names[count++] = "open";
	size_t len = strlen(word), best = 3;
	for (size_t i = 0; i < count; i++) {
		size_t d = edit_distance(word, names[i]);
		/* At most two edits, and fewer than the word has letters:
		   "ls" is not two edits from "rm". */
		if (d < best && d < len)
			best = d;
	}
	if (best > 2)
		return NULL;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < count; i++) {
		if (edit_distance(word, names[i]) != best)
			continue;
		if (b.len)
			buf_puts(&b, " or ");
		buf_puts(&b, names[i]);
	}
	return buf_steal(&b, NULL);
}

void
cli_print_usage(FILE *f)
{
	for (size_t i = 0; i < GL_ARRAY_LEN(commands); i++)
		fprintf(f, "  gloss %s\n", commands[i].synopsis);
	fputs("  (ID: an annotation id or a unique prefix of at least 4 characters)\n", f);
}

int
cli_main(const struct cli_context *ctx, int argc, char **argv)
{
	const struct command *cmd = argc > 0 ? find_command(argv[0]) : NULL;
	if (!cmd)
		return cli_report(GL_USAGE, "unknown command; see gloss --help");
	struct cli c = { .ctx = ctx, .json = ctx->json, .name = cmd->name,
			 .usage = cmd->synopsis };
	/* --json may also come after the command (gloss list FILE --json),
	   up to a "--" that ends the options. */
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	int nargs = 0;
	bool options = true;
	for (int i = 0; i < argc; i++) {
		if (options && strcmp(argv[i], "--") == 0)
			options = false;
		if (options && i > 0 && strcmp(argv[i], "--json") == 0)
			c.json = true;
		else
			args[nargs++] = argv[i];
	}
	int rc = cmd->run(&c, nargs, args);
	free(args);
	store_close(c.store);
	fflush(stdout);
	if (ferror(stdout) && rc == 0)
		rc = cli_report(GL_IO, "cannot write the output");
	return rc;
}
