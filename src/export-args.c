/* export-args: the options of `gloss export`, parsed once for the command
 * line (cli-export.c) and for the reader's :export (app.c), so that both
 * take the same options with the same messages. */
#include "config.h"

#include "gloss/export.h"
#include "gloss/store.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A tag or name given as an option: valid UTF-8, NFC, trimmed, not
 * empty.  NULL (err filled) when it is not one. */
static char *
text_arg(const char *what, const char *s, struct gl_error *err)
{
	if (!u8_is_valid(s, strlen(s))) {
		gl_fail(err, GL_USAGE, "the %s is not valid UTF-8", what);
		return NULL;
	}
	struct buf b = BUF_INIT;
	u8_nfc(&b, s, strlen(s));
	char *t = buf_steal(&b, NULL);
	size_t start = 0, end = strlen(t);
	while (start < end && t[start] == ' ')
		start++;
	while (end > start && t[end - 1] == ' ')
		end--;
	memmove(t, t + start, end - start);
	t[end - start] = '\0';
	if (!*t) {
		free(t);
		gl_fail(err, GL_USAGE, "the %s is empty", what);
		return NULL;
	}
	return t;
}

bool
export_format_of_path(const char *path, enum export_format *f)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return false;
	dot++;
	if (strcasecmp(dot, "md") == 0 || strcasecmp(dot, "markdown") == 0)
		*f = EXPORT_MARKDOWN;
	else if (strcasecmp(dot, "json") == 0 || strcasecmp(dot, "jsonld") == 0)
		*f = EXPORT_JSON;
	else if (strcasecmp(dot, "csv") == 0)
		*f = EXPORT_CSV;
	else if (strcasecmp(dot, "html") == 0 || strcasecmp(dot, "htm") == 0)
		*f = EXPORT_HTML;
	else
		return false;
	return true;
}

enum gl_status
export_args_parse(int argc, char **argv, struct export_args *out, struct gl_error *err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "author", required_argument, NULL, 'a' },
		{ "tag", required_argument, NULL, 't' },
		{ "status", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 'S' },
		{ "full", no_argument, NULL, 'F' },
		{ "bom", no_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	memset(out, 0, sizeof *out);
	out->opt.format = EXPORT_MARKDOWN;
	const char *format = NULL;
	enum gl_status st = GL_OK;
	int o;

	/* getopt_long keeps its place in globals: start afresh, and say
	   nothing on stderr (the reader has the screen). */
	optind = 0;
	opterr = 0;
	while (st == GL_OK && (o = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (o) {
		case 'f': format = optarg; break;
		case 'o': out->output = optarg; break;
		case 'a':
			free(out->author);
			out->author = text_arg("author", optarg, err);
			if (!out->author)
				st = GL_USAGE;
			break;
		case 't':
			free(out->tag);
			out->tag = text_arg("tag", optarg, err);
			if (!out->tag)
				st = GL_USAGE;
			break;
		case 's':
			if (!store_status_parse(optarg, &out->opt.status))
				st = gl_fail(err, GL_USAGE, "--status is open or resolved");
			out->opt.status_set = true;
			break;
		case 'S':
			if (!gl_parse_time(optarg, out->since))
				st = gl_fail(err, GL_USAGE, "--since takes a date (YYYY-MM-DD) "
					     "or a time (YYYY-MM-DDTHH:MM:SSZ), not '%s'", optarg);
			out->opt.since = out->since;
			break;
		case 'F': out->opt.full = true; break;
		case 'B': out->opt.bom = true; break;
		case ':':
			st = gl_fail(err, GL_USAGE, "option %s needs a value", argv[optind - 1]);
			break;
		default:
			st = gl_fail(err, GL_USAGE, "unknown option %s", argv[optind - 1]);
			break;
		}
	}
	if (st == GL_OK && format && !export_format_parse(format, &out->opt.format))
		st = gl_fail(err, GL_USAGE, "unknown format '%s' (md, json, csv, html)", format);
	if (st != GL_OK) {
		export_args_clear(out);
		return st;
	}
	out->format_given = format != NULL;
	if (!format && out->output && !export_format_of_path(out->output, &out->opt.format))
		out->opt.format = EXPORT_MARKDOWN;
	if (out->opt.full && out->opt.format != EXPORT_MARKDOWN)
		out->warning = xasprintf("--full is for Markdown; the %s export is the same "
					 "without it", export_format_name(out->opt.format));
	else if (out->opt.bom && out->opt.format != EXPORT_CSV)
		out->warning = xasprintf("--bom is for CSV; the %s export is the same "
					 "without it", export_format_name(out->opt.format));
	out->opt.author = out->author;
	out->opt.tag = out->tag;
	out->first_operand = optind;
	return GL_OK;
}

void
export_args_clear(struct export_args *a)
{
	free(a->author);
	free(a->tag);
	free(a->warning);
	memset(a, 0, sizeof *a);
}
