/* main: the command line (getopt_long), the config file and paths (XDG),
 * the environment and exit statuses.  It hands a subcommand to `cli` and
 * everything else to the module that does it; no logic of its own. */
#include "config.h"

#include "gloss/cli.h"
#include "gloss/config.h"
#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <getopt.h>
#include <stdarg.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum mode { MODE_READ, MODE_INFO, MODE_OUTLINE, MODE_DUMP };

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
};

static void
usage(FILE *f)
{
	fputs("Usage: gloss [OPTION]... [FILE | -]\n"
	      "       gloss [OPTION]... COMMAND [ARG]...\n"
	      "Read and annotate an article in the terminal.\n"
	      "\n"
	      "  -i, --info              print what gloss knows of FILE: encoding, size, hash\n"
	      "  -o, --outline           print FILE's headings: level, offset, title\n"
	      "  -d, --dump              print FILE laid out in rows, as the reader shows it\n"
	      "  -w, --width N           row width for --dump (default: terminal, else 80)\n"
	      "      --from OFFSET       --dump from the block holding this code point\n"
	      "      --forced            mark rows ended by a forced break in --dump\n"
	      "  -f, --format FMT        read FILE as text, markdown (default: by extension)\n"
	      "  -e, --encoding NAME     FILE's encoding (default: detected), e.g. big5\n"
	      "      --binary            show a binary file instead of refusing it\n"
	      "      --ambiguous-width N East Asian ambiguous characters are N (1 or 2) columns\n"
	      "      --db PATH           the annotation store (default: $XDG_DATA_HOME/gloss/gloss.db)\n"
	      "      --author NAME       who annotates (default: $GLOSS_AUTHOR, config, login)\n"
	      "      --json              commands print JSON\n"
	      "      --config FILE       read this config file instead of the default\n"
	      "  -h, --help              show this help and exit\n"
	      "  -V, --version           show the version and exit\n"
	      "\n"
	      "With no FILE, gloss reads standard input when it is not a terminal,\n"
	      "else opens the tutorial.  When standard output is not a terminal,\n"
	      "gloss FILE prints the laid-out rows, like --dump.\n"
	      "\n"
	      "Commands:\n", f);
	cli_print_usage(f);
	fputs("\nExit status: 0 success, 2 usage, 3 no such file, 4 unreadable,\n"
	      "5 not a regular file, 6 binary, 7 too large, 8 encoding, 9 I/O error,\n"
	      "10-14 store errors, 15 not allowed, 16 nothing matches; see gloss(1).\n", f);
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
			return NULL; /* key bindings: read by the reader */
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
	} else if (strcmp(line->key, "theme") == 0 || strcmp(line->key, "panes") == 0 ||
		   strcmp(line->key, "osc52") == 0) {
		/* Settings of the reader, read again by it. */
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
	struct buf errors = BUF_INIT;
	config_parse_file(path, apply_setting, st, &errors);
	/* A bad line never stops gloss: say it and go on. */
	if (errors.len) {
		const char *p = errors.data;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			fprintf(stderr, "gloss: config: %.*s\n", (int)len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	buf_free(&errors);
	free(path);
}

static char *
login_name(void)
{
	const char *env = getenv("USER");
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name)
		return xstrdup(pw->pw_name);
	return xstrdup(env && *env ? env : "unknown");
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

static int
run_dump(struct settings *st)
{
	struct doc *d = load_or_die(st);
	struct outline *o = outline_build(d);
	struct layout *l = layout_new(d, o, st->width ? (int)st->width : output_width());
	struct buf out = BUF_INIT;
	layout_dump(l, doc_cp_to_byte(d, (size_t)st->from),
		    st->dump_forced ? LAYOUT_DUMP_FORCED : 0, NULL, 0, &out);
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
	OPT_FROM, OPT_FORCED,
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
	{ NULL, 0, NULL, 0 },
};

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
	die_usage("unknown format '%s' (text, markdown)", s);
	return DOC_FORMAT_AUTO;
}

/* Reads options, stopping at the first operand; returns its index or argc. */
static int
parse_options(int argc, char **argv, struct settings *st)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hVidow:f:e:", long_options, NULL)) != -1) {
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
		case ':':
			die_usage("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	return optind;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct settings st = { .mode = MODE_READ };

	/* Options before the first operand; if that operand names a command,
	   the rest belongs to the command.  Otherwise options may also follow
	   the file, as most programs allow. */
	int first = parse_options(argc, argv, &st);
	const char *file = NULL;
	bool command = first < argc && strcmp(argv[first], "--") != 0 &&
		       cli_is_command(argv[first]);
	if (!command && first < argc) {
		if (strcmp(argv[first], "--") == 0)
			first++;
		if (first < argc) {
			file = argv[first];
			optind = first + 1;
			int more = parse_options(argc, argv, &st);
			if (more < argc)
				die_usage("one article at a time: '%s' is one too many", argv[more]);
		}
	}

	/* The environment, then the config file, fill what options left. */
	const char *env_db = getenv("GLOSS_DB");
	if (!st.db && env_db && *env_db)
		st.db = xstrdup(env_db);
	const char *env_author = getenv("GLOSS_AUTHOR");
	if (!st.author && env_author && *env_author)
		st.author = xstrdup(env_author);
	bool db_explicit = st.db != NULL;
	read_config(&st);
	db_explicit = db_explicit || st.db != NULL;
	if (!st.db)
		st.db = config_default_store_path();
	if (!st.author)
		st.author = login_name();
	if (st.ambiguous_width)
		u8_set_ambiguous_width(st.ambiguous_width);

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
		if (!file && isatty(STDIN_FILENO))
			file = tutorial_path();
		st.load.path = file ? file : "-";
		switch (st.mode) {
		case MODE_INFO: status = run_info(&st); break;
		case MODE_OUTLINE: status = run_outline(&st); break;
		case MODE_DUMP:
		case MODE_READ: status = run_dump(&st); break;
		}
	}
	free(st.db);
	free(st.author);
	return status;
}
