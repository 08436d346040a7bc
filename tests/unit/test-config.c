/* config: one syntax, one parser; a bad line is reported with the file and
 * line number and never stops the rest of the file. */
#include "config.h"

#include "gloss/config.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

struct seen {
	struct buf log;
};

static const char *
record(const struct config_line *line, void *ctx, char *msgbuf)
{
	struct seen *s = ctx;
	if (line->nwords) {
		buf_printf(&s->log, "%zu:", line->lineno);
		for (size_t i = 0; i < line->nwords; i++)
			buf_printf(&s->log, "[%s]", line->words[i]);
		buf_putc(&s->log, '\n');
		return NULL;
	}
	if (strcmp(line->key, "refuse") == 0) {
		snprintf(msgbuf, 256, "refused '%s'", line->value);
		return msgbuf;
	}
	buf_printf(&s->log, "%zu:%s=%s\n", line->lineno, line->key, line->value);
	return NULL;
}

static size_t
parse(const char *text, struct seen *s, struct buf *errors)
{
	buf_clear(&s->log);
	buf_clear(errors);
	return config_parse(text, strlen(text), "cfg", record, s, errors);
}

int
main(void)
{
	struct seen s = { BUF_INIT };
	struct buf errors = BUF_INIT;

	is_int(parse("# comment\n\nauthor = alice\ndb=/srv/team.db\n", &s, &errors), 0,
	       "a file of settings and comments has no errors");
	is_str(s.log.data, "3:author=alice\n4:db=/srv/team.db\n",
	       "settings keep their line numbers and values, with or without spaces");

	parse("author = 王小明  # the name\n", &s, &errors);
	is_str(s.log.data, "1:author=王小明\n", "a trailing comment and blanks are not part of a value");

	parse("note = \"a # sign and \\\"quotes\\\"\"\n", &s, &errors);
	is_str(s.log.data, "1:note=a # sign and \"quotes\"\n", "a quoted value keeps # and escaped quotes");

	parse("url = http://x/#frag\n", &s, &errors);
	is_str(s.log.data, "1:url=http://x/#frag\n", "a # inside a word is not a comment");

	parse("bind reading j line-down\nbind reading \"<Space>\" page-down\n", &s, &errors);
	is_str(s.log.data, "1:[bind][reading][j][line-down]\n2:[bind][reading][<Space>][page-down]\n",
	       "directives split into words, quoted words kept whole");

	size_t n = parse("author = a\n= nothing\nrefuse = this\nkey = \"open\ndb = d\n", &s, &errors);
	is_int(n, 3, "each bad line counts as one error");
	is_str(s.log.data, "1:author=a\n5:db=d\n", "lines after a bad line are still read");
	ok(strstr(errors.data, "cfg:2: ") != NULL, "an error names the file and the line: %s", errors.data);
	ok(strstr(errors.data, "cfg:3: refused 'this'") != NULL, "a handler's message is reported with its line");
	ok(strstr(errors.data, "cfg:4: unterminated") != NULL, "an unterminated quote is reported");

	parse("author = \x1b]0;pwned\x07\n", &s, &errors);
	ok(strchr(s.log.data, 0x1b) != NULL, "values are passed on as written");
	n = parse("\x1b[31m = x\n", &s, &errors);
	ok(n == 1 && strchr(errors.data, 0x1b) == NULL,
	   "an error message about a line with escape sequences carries no raw escape");

	n = parse("author = \xff\xfe\n", &s, &errors);
	is_int(n, 1, "a line that is not UTF-8 is an error, not a crash");

	parse("\xEF\xBB\xBF" "author = bom\r\n", &s, &errors);
	is_str(s.log.data, "1:author=bom\n", "a BOM and CRLF line endings are accepted");

	is_int(config_parse_file("/nonexistent/gloss/config", record, &s, &errors), 0,
	       "a missing config file is not an error");

	setenv("XDG_DATA_HOME", "/data", 1);
	char *p = config_default_store_path();
	is_str(p, "/data/gloss/gloss.db", "the default store is under XDG_DATA_HOME");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/x", 1);
	p = config_default_store_path();
	is_str(p, "/home/x/.local/share/gloss/gloss.db", "without XDG_DATA_HOME it is under ~/.local/share");
	free(p);
	unsetenv("GLOSS_CONFIG");
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	p = config_default_path();
	is_str(p, "/cfg/gloss/config", "the config file is under XDG_CONFIG_HOME");
	free(p);

	buf_free(&s.log);
	buf_free(&errors);
	return tap_done();
}
