/* main: the command line (getopt_long), the config file and paths (XDG),
 * the environment and exit statuses.  It hands a subcommand to `cli` and
 * everything else to the module that does it; no logic of its own. */
#include "config.h"

#include "gloss/app.h"
#include "gloss/cli.h"
#include "gloss/config.h"
#include "gloss/keymap.h"
#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

enum mode { MODE_READ, MODE_INFO, MODE_OUTLINE, MODE_DUMP, MODE_KEYS };

struct settings {
	enum mode mode;
	char *db;              /* from --db, GLOSS_DB or the config file */
	char *author;
	bool json;
	struct doc_load_options load;
	long width;            /* --width, 0 = the terminal's or 80 */
	long from;             /* --from OFFSET (code points) */
	bool dump_forced;      /* --forced: mark forced breaks in --dump */
	int ambiguous_width;   /* 0 = not set */
	const char *config_path;
	/* The reader's: */
	bool headless;         /* --headless or GLOSS_HEADLESS=1 */
	const char *script;    /* --script FILE or GLOSS_SCRIPT */
	char *theme;           /* --theme, else the config's theme */
	char *panes;           /* the config's panes */
	bool status_bottom;    /* config "status = bottom" */
	int osc52;             /* the config's osc52: 1 on, -1 off, 0 unset */
	int mouse;             /* --no-mouse or the config's mouse: 1 on, -1 off, 0 unset */
	struct keymap *keymap; /* defaults plus the config's bind lines */
	struct buf config_errors; /* "FILE:LINE: message" lines */
};

static bool
theme_known(const char *t)
{
	return strcmp(t, "default") == 0 || strcmp(t, "light") == 0 || strcmp(t, "mono") == 0;
}

static void
usage(FILE *f)
{
	fputs("Usage: gloss [OPTION]... [FILE | URL | -]\n"
	      "       gloss [OPTION]... open ID|TITLE   (a stored document, without its file)\n"
	      "       gloss [OPTION]... COMMAND [ARG]...\n"
	      "Read and annotate an article in the terminal.\n"
	      "\n"
	      "  -i, --info              print what gloss knows of FILE: encoding, size, hash\n"
	      "  -o, --outline           print FILE's headings: level, offset, title\n"
	      "  -d, --dump              print FILE laid out in rows, as the reader shows it\n"
	      "  -w, --width N           row width for --dump (default: terminal, else 80)\n"
	      "      --from OFFSET       --dump from the block holding this code point\n"
	      "      --forced            mark rows ended by a forced break in --dump\n"
	      "  -f, --format FMT        read FILE as text, markdown, html (default: by extension;\n"
	      "                          piped: HTML or Markdown when it clearly is one)\n"
	      "  -e, --encoding NAME     FILE's encoding (default: detected), e.g. big5\n"
	      "      --binary            show a binary file instead of refusing it\n"
	      "      --max-size SIZE     refuse larger input: 500K, 64M... (default: 512M; HTML 64M)\n"
	      "      --timeout SECONDS   how long a URL may take to arrive (default: 30)\n"
	      "      --ambiguous-width N East Asian ambiguous characters are N (1 or 2) columns\n"
	      "      --db STORE          the annotation store: a file (or sqlite:PATH), or a\n"
	      "                          PostgreSQL server, postgresql://[USER@]HOST/DB\n"
	      "                          (default: $XDG_DATA_HOME/gloss/gloss.db)\n"
	      "      --author NAME       who annotates (default: $GLOSS_AUTHOR, config, login)\n"
	      "      --json              commands print JSON\n"
	      "      --config FILE       read this config file instead of the default\n"
	      "      --theme NAME        colours of the reader: default, light or mono\n"
	      "      --no-mouse          leave the mouse to the terminal (its own drag to\n"
	      "                          copy); also mouse = off in the config\n"
	      "      --headless          run the reader with no terminal (tests; also GLOSS_HEADLESS=1)\n"
	      "      --script FILE       read the reader's keys from FILE (tests; also GLOSS_SCRIPT)\n"
	      "      --keys              print the reader's key bindings (with the config's) as\n"
	      "                          bind MODE KEYS ACTION lines, and exit\n"
	      "  -h, --help              show this help and exit\n"
	      "  -V, --version           show the version and exit\n"
	      "\n"
	      "An http or https URL is fetched and its article extracted.\n"
	      "A FIFO or <(command) as FILE is read like standard input.\n"
	      "With no FILE, gloss reads standard input when it is not a terminal,\n"
	      "else opens the tutorial, and over it the list of stored documents\n"
	      "once there are any.  When standard output is not a terminal,\n"
	      "gloss FILE prints the laid-out rows, like --dump.\n"
	      "\n"
	      "Commands:\n", f);
	cli_print_usage(f);
	fputs("\nExit status: 0 success, 1 another error, 2 usage, 3 no such file,\n"
	      "4 unreadable, 5 not a regular file, 6 binary, 7 too large, 8 encoding,\n"
	      "9 I/O error, 10-14 store errors, 15 not allowed, 16 nothing matches,\n"
	      "17 config error, 18 terminal error, 19 network error, 20 not a page\n"
	      "gloss reads, 21 a library needed cannot be loaded, 70 out of memory,\n"
	      "128+N ended by signal N (the place saved);\n"
	      "see gloss(1).\n", f);
}

static void
die_status(enum gl_status s, const char *msg)
{
	fprintf(stderr, "gloss: %s\n", u8_safe_str(msg));
	exit(gl_status_exit_code(s));
}

static GL_PRINTF(1, 2) void
die_usage(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fprintf(stderr, "gloss: %s\n", u8_safe_str(b.data));
	fprintf(stderr, "Try 'gloss --help'.\n");
	buf_free(&b);
	exit(gl_status_exit_code(GL_USAGE));
}

/* ------------------------------------------------------------ config file */

static const char *
apply_setting(const struct config_line *line, void *ctx, char *msgbuf)
{
	struct settings *st = ctx;
	if (line->nwords) {
		if (strcmp(line->words[0], "bind") == 0)
			return keymap_config_handler(line, st->keymap, msgbuf);
		snprintf(msgbuf, 256, "unknown directive '%s'", line->words[0]);
		return msgbuf;
	}
	if (strcmp(line->key, "db") == 0) {
		if (!st->db)
			st->db = xstrdup(line->value);
	} else if (strcmp(line->key, "author") == 0) {
		if (!st->author)
			st->author = xstrdup(line->value);
	} else if (strcmp(line->key, "ambiguous-width") == 0) {
		long w;
		if (!gl_parse_long(line->value, 1, 2, &w))
			return "ambiguous-width must be 1 or 2";
		if (!st->ambiguous_width)
			st->ambiguous_width = (int)w;
	} else if (strcmp(line->key, "theme") == 0) {
		if (!theme_known(line->value))
			return "theme must be default, light or mono";
		if (!st->theme)
			st->theme = xstrdup(line->value);
	} else if (strcmp(line->key, "status") == 0) {
		if (strcmp(line->value, "top") != 0 && strcmp(line->value, "bottom") != 0)
			return "status must be top or bottom";
		st->status_bottom = line->value[0] == 'b';
	} else if (strcmp(line->key, "panes") == 0) {
		free(st->panes);
		st->panes = xstrdup(line->value);
	} else if (strcmp(line->key, "osc52") == 0) {
		if (strcmp(line->value, "on") == 0)
			st->osc52 = 1;
		else if (strcmp(line->value, "off") == 0)
			st->osc52 = -1;
		else
			return "osc52 must be on or off";
	} else if (strcmp(line->key, "mouse") == 0) {
		/* --no-mouse, read before the config, wins. */
		int v = strcmp(line->value, "on") == 0 ? 1 : strcmp(line->value, "off") == 0 ? -1 : 0;
		if (!v)
			return "mouse must be on or off";
		if (!st->mouse)
			st->mouse = v;
	} else if (strcmp(line->key, "korean-keep-all") == 0) {
		/* Read before anything is laid out, so set at once. */
		if (strcmp(line->value, "on") == 0)
			u8_set_korean_keep_all(true);
		else if (strcmp(line->value, "off") == 0)
			u8_set_korean_keep_all(false);
		else
			return "korean-keep-all must be on or off";
	} else {
		snprintf(msgbuf, 256, "unknown setting '%s'", line->key);
		return msgbuf;
	}
	return NULL;
}

static void
read_config(struct settings *st)
{
	char *path = st->config_path ? xstrdup(st->config_path) : config_default_path();
	/* A bad line never stops gloss: the errors are said later, on stderr
	   or, in the reader, in its status line, with the file under the home
	   directory written ~/... */
	struct buf errors = BUF_INIT;
	config_parse_file(path, apply_setting, st, &errors);
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;
	for (const char *p = errors.data; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (hl > 1 && strncmp(p, home, hl) == 0 && p[hl] == '/') {
			buf_putc(&st->config_errors, '~');
			buf_append(&st->config_errors, p + hl, len - hl);
		} else {
			buf_append(&st->config_errors, p, len);
		}
		p += len;
	}
	buf_free(&errors);
	free(path);
}

static void
print_config_errors(const struct settings *st)
{
	const char *p = st->config_errors.data;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(stderr, "gloss: config: %.*s\n", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* ------------------------------------------------------------------ modes */

static const char *
tutorial_path(void)
{
	static char *path;
	if (!path) {
		const char *dir = getenv("GLOSS_DATADIR");
		path = gl_path_join(dir && *dir ? dir : GLOSS_DATADIR, "tutorial.md");
	}
	return path;
}

static struct doc *
load_or_die(struct settings *st)
{
	struct doc *d;
	struct gl_error err;
	enum gl_status s = doc_load(&st->load, &d, &err);
	if (s != GL_OK)
		die_status(s, err.message);
	return d;
}

static int
run_info(struct settings *st)
{
	struct doc *d = load_or_die(st);
	struct outline *o = outline_build(d);
	const struct doc_info *info = doc_info(d);
	printf("file: %s\n", u8_safe_str(doc_source(d)));
	printf("title: %s\n", u8_safe_str(doc_title(d)));
	printf("format: %s\n", doc_format_name(doc_format(d)));
	printf("encoding: %s%s\n", info->encoding,
	       info->encoding_detected ? " (detected)" : "");
	printf("bom: %s\n", info->had_bom ? "yes" : "no");
	printf("line endings: %s\n", info->newlines);
	printf("bytes read: %zu\n", info->source_bytes);
	printf("text bytes: %zu\n", doc_length(d));
	printf("code points: %zu\n", doc_length_cp(d));
	printf("replaced invalid sequences: %zu\n", info->replaced);
	printf("changed by NFC: %s\n", info->changed_by_nfc ? "yes" : "no");
	printf("blocks: %zu\n", doc_block_count(d));
	printf("headings: %zu\n", outline_count(o));
	printf("hash: xxh3-128:%s\n", doc_hash(d));
	/* What a web page says of itself, when it does. */
	static const char *const meta_names[DOC_META_COUNT] = { "author", "date", "site" };
	for (int k = 0; k < DOC_META_COUNT; k++)
		if (*doc_meta(d, (enum doc_meta)k))
			printf("%s: %s\n", meta_names[k], u8_safe_str(doc_meta(d, (enum doc_meta)k)));
	if (info->truncated)
		printf("truncated: yes\n");
	outline_free(o);
	doc_free(d);
	return 0;
}

static int
run_outline(struct settings *st)
{
	struct doc *d = load_or_die(st);
	struct outline *o = outline_build(d);
	struct buf out = BUF_INIT;
	outline_format(o, d, &out);
	if (out.len)   /* nothing to print: out.data is NULL */
		fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	outline_free(o);
	doc_free(d);
	return 0;
}

/* The width of the terminal on stdout, else $COLUMNS, else 80. */
static int
output_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	long cols;
	const char *env = getenv("COLUMNS");
	if (env && gl_parse_long(env, 1, 100000, &cols))
		return (int)cols;
	return 80;
}

static int dump_doc(struct settings *st, struct doc *d);

static int
run_dump(struct settings *st)
{
	return dump_doc(st, load_or_die(st));
}

/* gloss open ID|TITLE with no terminal: the stored text, laid out as
 * gloss FILE prints it. */
static int
run_dump_stored(struct settings *st, const char *which, bool db_explicit)
{
	struct store *s;
	struct doc *d;
	char *id;
	struct gl_error err;
	enum gl_status rc = store_open(st->db, st->author,
				       STORE_OPEN_READONLY | (db_explicit ? 0 : STORE_OPEN_PRIVATE),
				       &s, &err);
	if (rc != GL_OK)
		die_status(rc, err.message);
	rc = cli_open_stored(s, which, &d, &id, &err);
	store_close(s);
	if (rc != GL_OK)
		die_status(rc, err.message);
	free(id);
	return dump_doc(st, d);
}

/* The highlights of d from the store (read-only; none when there is no
 * store or it does not know d): [[...]] marks, the tags after them as
 * {tag1,tag2}.  *after gets the strings the marks point to. */
static struct layout_mark *
dump_marks(struct settings *st, const struct doc *d, size_t *n, char ***after)
{
	*n = 0;
	*after = NULL;
	struct store *s;
	/* (A PostgreSQL location is no file: the server says if it exists.) */
	if (!st->db || (access(st->db, F_OK) != 0 && !strstr(st->db, "://")) ||
	    store_open(st->db, st->author ? st->author : "", STORE_OPEN_READONLY, &s, NULL) != GL_OK)
		return NULL;
	struct store_version v = { 0 };
	struct store_annotation_list al = { 0 };
	struct layout_mark *marks = NULL;
	if (store_version_find(s, doc_hash(d), DOC_RENDERER_VERSION, false, &v, NULL) == GL_OK) {
		struct store_filter f = { .document = v.document };
		if (store_annotations_list(s, &f, &al, NULL) == GL_OK && al.count) {
			marks = xcalloc(al.count, sizeof *marks);
			*after = xcalloc(al.count, sizeof **after);
		}
		size_t len_cp = doc_length_cp(d);
		for (size_t i = 0; i < al.count; i++) {
			const struct store_annotation *a = &al.items[i];
			if (a->parent || a->start < 0 || a->end <= a->start || !a->version ||
			    strcmp(a->version, v.hash) != 0 || a->anchor == STORE_ANCHOR_ORPHAN ||
			    (size_t)a->end > len_cp)
				continue;
			struct layout_mark *m = &marks[*n];
			m->start = doc_cp_to_byte(d, (size_t)a->start);
			m->end = doc_cp_to_byte(d, (size_t)a->end);
			if (a->tag_count) {
				struct buf b = BUF_INIT;
				buf_putc(&b, '{');
				for (size_t k = 0; k < a->tag_count; k++)
					buf_printf(&b, "%s%s", k ? "," : "", u8_safe_str(a->tags[k]));
				buf_putc(&b, '}');
				(*after)[*n] = buf_steal(&b, NULL);
				m->after = (*after)[*n];
			}
			(*n)++;
		}
	}
	store_annotation_list_free(&al);
	store_version_clear(&v);
	store_close(s);
	return marks;
}

/* Prints d laid out (and frees it), with its highlights marked. */
static int
dump_doc(struct settings *st, struct doc *d)
{
	struct outline *o = outline_build(d);
	struct layout *l = layout_new(d, o, st->width ? (int)st->width : output_width());
	struct buf out = BUF_INIT;
	size_t nmarks;
	char **after;
	struct layout_mark *marks = dump_marks(st, d, &nmarks, &after);
	layout_dump(l, doc_cp_to_byte(d, (size_t)st->from),
		    st->dump_forced ? LAYOUT_DUMP_FORCED : 0, marks, nmarks, &out);
	for (size_t i = 0; i < nmarks; i++)
		free(after[i]);
	free(after);
	free(marks);
	if (out.len)   /* nothing to print: out.data is NULL */
		fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	layout_free(l);
	outline_free(o);
	doc_free(d);
	return 0;
}

/* ------------------------------------------------------------------- main */

enum {
	OPT_DB = 256, OPT_AUTHOR, OPT_JSON, OPT_BINARY, OPT_AMBIGUOUS, OPT_CONFIG,
	OPT_FROM, OPT_FORCED, OPT_HEADLESS, OPT_SCRIPT, OPT_THEME, OPT_MAX_SIZE, OPT_TIMEOUT,
	OPT_KEYS, OPT_NO_MOUSE,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "info", no_argument, NULL, 'i' },
	{ "outline", no_argument, NULL, 'o' },
	{ "dump", no_argument, NULL, 'd' },
	{ "width", required_argument, NULL, 'w' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "forced", no_argument, NULL, OPT_FORCED },
	{ "format", required_argument, NULL, 'f' },
	{ "encoding", required_argument, NULL, 'e' },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "ambiguous-width", required_argument, NULL, OPT_AMBIGUOUS },
	{ "db", required_argument, NULL, OPT_DB },
	{ "author", required_argument, NULL, OPT_AUTHOR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "headless", no_argument, NULL, OPT_HEADLESS },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "keys", no_argument, NULL, OPT_KEYS },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ NULL, 0, NULL, 0 },
};

/* A size in bytes with an optional K, M or G (powers of 1024). */
static bool
parse_size(const char *s, size_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 0;
	if (n > 1 && strchr("kKmMgG", s[n - 1])) {
		char c = s[n - 1];
		shift = (c == 'k' || c == 'K') ? 10 : (c == 'm' || c == 'M') ? 20 : 30;
		n--;
	}
	char *digits = xstrndup(s, n);
	long v;
	bool good = gl_parse_long(digits, 1, 0x7fffffffL, &v) &&
		    (unsigned long long)v <= (SIZE_MAX >> shift);
	free(digits);
	if (good)
		*out = (size_t)v << shift;
	return good;
}

static enum doc_format
parse_format(const char *s)
{
	if (strcmp(s, "text") == 0 || strcmp(s, "txt") == 0 || strcmp(s, "plain") == 0)
		return DOC_FORMAT_TEXT;
	if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		return DOC_FORMAT_MARKDOWN;
	if (strcmp(s, "html") == 0)
		return DOC_FORMAT_HTML;
	if (strcmp(s, "auto") == 0)
		return DOC_FORMAT_AUTO;
	die_usage("unknown format '%s' (text, markdown, html)", s);
	return DOC_FORMAT_AUTO;
}

/* Reads options, stopping at the first operand; returns its index or argc. */
static int
parse_options(int argc, char **argv, struct settings *st)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hVidow:f:e:", long_options, NULL)) != -1) {
		long v;
		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("gloss %s\n", PACKAGE_VERSION);
			exit(0);
		case 'i': st->mode = MODE_INFO; break;
		case 'o': st->mode = MODE_OUTLINE; break;
		case 'd': st->mode = MODE_DUMP; break;
		case OPT_KEYS: st->mode = MODE_KEYS; break;
		case 'w':
			if (!gl_parse_long(optarg, 1, 100000, &v))
				die_usage("--width takes a number from 1 to 100000, not '%s'", optarg);
			st->width = v;
			break;
		case OPT_FROM:
			if (!gl_parse_long(optarg, 0, 0x7fffffffL, &v))
				die_usage("--from takes a code point offset, not '%s'", optarg);
			st->from = v;
			break;
		case OPT_FORCED: st->dump_forced = true; break;
		case 'f': st->load.format = parse_format(optarg); break;
		case OPT_MAX_SIZE:
			if (!parse_size(optarg, &st->load.max_size))
				die_usage("--max-size takes a size such as 2000000, 500K or 64M, not '%s'",
					  optarg);
			break;
		case OPT_TIMEOUT:
			if (!gl_parse_long(optarg, 1, 86400, &v))
				die_usage("--timeout takes seconds from 1 to 86400, not '%s'", optarg);
			st->load.timeout = v;
			break;
		case 'e': st->load.encoding = optarg; break;
		case OPT_BINARY: st->load.allow_binary = true; break;
		case OPT_AMBIGUOUS:
			if (!gl_parse_long(optarg, 1, 2, &v))
				die_usage("--ambiguous-width takes 1 or 2, not '%s'", optarg);
			st->ambiguous_width = (int)v;
			break;
		case OPT_DB: free(st->db); st->db = xstrdup(optarg); break;
		case OPT_AUTHOR: free(st->author); st->author = xstrdup(optarg); break;
		case OPT_JSON: st->json = true; break;
		case OPT_CONFIG: st->config_path = optarg; break;
		case OPT_HEADLESS: st->headless = true; break;
		case OPT_NO_MOUSE: st->mouse = -1; break;
		case OPT_SCRIPT: st->script = optarg; break;
		case OPT_THEME:
			if (!theme_known(optarg))
				die_usage("--theme takes default, light or mono, not '%s'", optarg);
			free(st->theme);
			st->theme = xstrdup(optarg);
			break;
		case ':':
			die_usage("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			/* An unknown letter of "-abc" (or of a file named "-x.txt"
			   given without "--"): optind may still be on its word. */
			if (optopt)
				die_usage("unknown option '-%c' (a file whose name starts with '-': gloss -- FILE)",
					  optopt);
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	return optind;
}

int
main(int argc, char **argv)
{
	/* The character type only: it is what widths, iconv and curses
	   need.  gloss's own output (numbers in JSON, CSV and the status
	   line, dates) is the same in every locale, and its messages are
	   English; and loading the other eleven categories of a locale
	   costs a start some 0.2 ms. */
	setlocale(LC_CTYPE, "");
	struct settings st = { .mode = MODE_READ };
	/* gloss search and the store's index fold as the reader's / does
	   (NFKC, case folding, smart case). */
	static struct store_text_fold search_fold = {
		u8_fold, u8_fold_query, u8_fold_contains, NULL,
	};
	search_fold.name = u8_fold_name();
	store_set_text_fold(&search_fold);

	/* Options before the first operand; if that operand names a command,
	   the rest belongs to the command.  Otherwise options may also follow
	   the file, as most programs allow. */
	int first = parse_options(argc, argv, &st);
	const char *file = NULL;
	/* getopt has stepped over a "--": what follows is a file, even
	   "-name" or "add". */
	bool after_dashes = first > 1 && strcmp(argv[first - 1], "--") == 0;
	/* gloss open ID|TITLE: a stored document, read like a file. */
	const char *stored = NULL;
	if (first < argc && !after_dashes && strcmp(argv[first], "open") == 0) {
		if (first + 1 >= argc)
			die_usage("open: which document? gloss open ID|TITLE (gloss docs lists them)");
		stored = argv[first + 1];
		first++;
	}
	bool command = !stored && first < argc && !after_dashes && cli_is_command(argv[first]);
	if (!command && first < argc) {
		file = argv[first];
		/* A mistyped command (gloss exprot en.txt) is not a file to
		   open: say which command was meant, as git does. */
		struct stat fst;
		if (!stored && !after_dashes && strcmp(file, "-") != 0 &&
		    stat(file, &fst) != 0 && errno == ENOENT) {
			char *near = cli_suggest_command(file), meant[256];
			if (near) {
				snprintf(meant, sizeof meant, "%s", near);
				free(near);
				die_usage("'%s' is not a gloss command or a file; did you mean %s?",
					  file, meant);
			}
		}
		int more = first + 1;
		if (!after_dashes) {
			/* A fresh scan (optind 0) of the words after the file,
			   as glibc keeps state from the first one. */
			optind = 0;
			more = first + parse_options(argc - first, argv + first, &st);
		}
		if (more < argc)
			die_usage("one article at a time: '%s' is one too many", argv[more]);
	}

	/* The environment, then the config file, fill what options left. */
	const char *env_db = getenv("GLOSS_DB");
	if (!st.db && env_db && *env_db)
		st.db = xstrdup(env_db);
	const char *env_author = getenv("GLOSS_AUTHOR");
	if (!st.author && env_author && *env_author)
		st.author = xstrdup(env_author);
	bool db_explicit = st.db != NULL;
	const char *env_headless = getenv("GLOSS_HEADLESS");
	if (env_headless && strcmp(env_headless, "1") == 0)
		st.headless = true;
	const char *env_script = getenv("GLOSS_SCRIPT");
	if (!st.script && env_script && *env_script)
		st.script = env_script;
	st.keymap = keymap_new();
	read_config(&st);
	db_explicit = db_explicit || st.db != NULL;
	if (!st.db)
		st.db = config_default_store_path();
	bool reader = !command && st.mode == MODE_READ && (st.headless || isatty(STDOUT_FILENO));
	/* The reader asks for the login name only when it opens the store
	   (app_options.author), which with a new store is after the first
	   screen. */
	if (!st.author && !reader)
		st.author = config_login_name();
	if (st.ambiguous_width)
		u8_set_ambiguous_width(st.ambiguous_width);

	/* The reader shows its config errors itself; everything else says
	   them now. */
	if (!reader)
		print_config_errors(&st);
	if (st.mode == MODE_KEYS && !command) {
		struct buf keys = BUF_INIT;
		keymap_bindings_text(st.keymap, &keys);
		fwrite(keys.data, 1, keys.len, stdout);
		buf_free(&keys);
		keymap_free(st.keymap);
		buf_free(&st.config_errors);
		free(st.theme);
		free(st.panes);
		free(st.db);
		free(st.author);
		return 0;
	}

	/* A slow URL says how it is going on stderr (when that is a
	   terminal), before any screen is taken. */
	st.load.progress = true;
	int status = 0;
	if (command) {
		struct cli_context ctx = {
			.db_path = st.db,
			.db_path_explicit = db_explicit,
			.author = st.author,
			.json = st.json,
			.load = st.load,
		};
		status = cli_main(&ctx, argc - first, argv + first);
	} else {
		bool tutorial = false;
		if (stored)
			file = "-";   /* not read: the store gives the text */
		if (!file && isatty(STDIN_FILENO)) {
			file = tutorial_path();
			tutorial = true;
		}
		st.load.path = file ? file : "-";
		if (reader) {
			const char *no_color = getenv("NO_COLOR");
			struct app_options ao = {
				.load = st.load,
				.tutorial = tutorial,
				.stored = stored,
				.db_path = st.db,
				.db_path_explicit = db_explicit,
				.author = st.author,
				.keymap = st.keymap,
				.theme = st.theme,
				.osc52 = st.osc52,
				.mouse = st.mouse,
				.panes = st.panes,
				.status_bottom = st.status_bottom,
				.headless = st.headless,
				.script = st.script,
				.no_color = no_color && *no_color,
				.config_errors = st.config_errors.data,
			};
			status = app_run(&ao);
		} else if (stored) {
			status = run_dump_stored(&st, stored, db_explicit);
		} else {
			switch (st.mode) {
			case MODE_INFO: status = run_info(&st); break;
			case MODE_OUTLINE: status = run_outline(&st); break;
			case MODE_DUMP:
			case MODE_READ: status = run_dump(&st); break;
			case MODE_KEYS: break; /* printed above */
			}
		}
	}
	keymap_free(st.keymap);
	buf_free(&st.config_errors);
	free(st.theme);
	free(st.panes);
	free(st.db);
	free(st.author);
	return status;
}
