/* config: one parser for every configuration text (see config.h). */
#include "config.h"

#include "gloss/config.h"
#include "gloss/u8.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
report(struct buf *errors, const char *file, size_t lineno, const char *msg)
{
	if (!errors)
		return;
	struct buf line = BUF_INIT;
	buf_printf(&line, "%s:%zu: %s", file, lineno, msg);
	u8_safe(errors, line.data, line.len);
	buf_putc(errors, '\n');
	buf_free(&line);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses a quoted value starting after the opening quote; writes the
 * unescaped text to out.  Returns the position after the closing quote, or
 * NULL when the quote is not closed. */
static const char *
parse_quoted(const char *p, const char *end, struct buf *out)
{
	while (p < end) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
			p++;
		buf_putc(out, *p++);
	}
	return NULL;
}

/* Strips a trailing " # comment" and blanks from an unquoted value. */
static size_t
value_length(const char *p, const char *end)
{
	const char *q = p;
	while (q < end) {
		if (*q == '#' && (q == p || is_blank(q[-1])))
			break;
		q++;
	}
	while (q > p && is_blank(q[-1]))
		q--;
	return (size_t)(q - p);
}

static bool
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static const char *
parse_line(const char *p, const char *end, struct config_line *cl,
	   struct buf *store, size_t *offsets)
{
	/* Settings: key = value. */
	const char *k = p;
	while (k < end && is_key_char(*k))
		k++;
	const char *after_key = k;
	while (k < end && is_blank(*k))
		k++;
	if (after_key > p && k < end && *k == '=') {
		buf_append(store, p, (size_t)(after_key - p));
		buf_putc(store, '\0');
		const char *v = k + 1;
		while (v < end && is_blank(*v))
			v++;
		offsets[0] = 0;
		offsets[1] = store->len;
		if (v < end && *v == '"') {
			const char *rest = parse_quoted(v + 1, end, store);
			if (!rest)
				return "unterminated quoted value";
			while (rest < end && is_blank(*rest))
				rest++;
			if (rest < end && *rest != '#')
				return "text after a quoted value";
		} else {
			buf_append(store, v, value_length(v, end));
		}
		buf_putc(store, '\0');
		cl->nwords = 0;
		return NULL;
	}
	if (after_key == p || (k < end && *k == '='))
		return "expected 'key = value' or a directive such as 'bind'";
	/* Directives: words separated by blanks; a word may be quoted. */
	cl->nwords = 0;
	const char *w = p;
	while (w < end) {
		while (w < end && is_blank(*w))
			w++;
		if (w >= end || *w == '#')
			break;
		if (cl->nwords == GL_ARRAY_LEN(cl->words))
			return "too many words on the line";
		offsets[cl->nwords] = store->len;
		if (*w == '"') {
			w = parse_quoted(w + 1, end, store);
			if (!w)
				return "unterminated quoted word";
		} else {
			const char *s = w;
			while (w < end && !is_blank(*w))
				w++;
			buf_append(store, s, (size_t)(w - s));
		}
		buf_putc(store, '\0');
		cl->nwords++;
	}
	return NULL;
}

size_t
config_parse(const char *text, size_t n, const char *file,
	     config_handler handler, void *ctx, struct buf *errors)
{
	size_t nerrors = 0;
	size_t lineno = 0;
	const char *p = text, *end = text + n;
	struct buf store = BUF_INIT;
	if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		lineno++;
		const char *s = p, *e = eol;
		p = eol < end ? eol + 1 : end;
		if (e > s && e[-1] == '\r')
			e--;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if (!u8_is_valid(s, (size_t)(e - s))) {
			report(errors, file, lineno, "the line is not valid UTF-8");
			nerrors++;
			continue;
		}
		struct config_line cl = { .file = file, .lineno = lineno };
		size_t offsets[GL_ARRAY_LEN(cl.words)];
		char msgbuf[256];
		buf_clear(&store);
		const char *msg = parse_line(s, e, &cl, &store, offsets);
		if (!msg) {
			if (cl.nwords == 0) {
				cl.key = store.data + offsets[0];
				cl.value = store.data + offsets[1];
			} else {
				for (size_t i = 0; i < cl.nwords; i++)
					cl.words[i] = store.data + offsets[i];
			}
			msgbuf[0] = '\0';
			msg = handler(&cl, ctx, msgbuf);
		}
		if (msg) {
			report(errors, file, lineno, msg);
			nerrors++;
		}
	}
	buf_free(&store);
	return nerrors;
}

size_t
config_parse_file(const char *path, config_handler handler, void *ctx,
		  struct buf *errors)
{
	char *text;
	size_t len;
	struct gl_error err;
	enum gl_status s = gl_read_file(path, &text, &len, 1 << 20, &err);
	if (s == GL_NOT_FOUND)
		return 0;
	if (s != GL_OK) {
		if (errors) {
			u8_safe(errors, err.message, strlen(err.message));
			buf_putc(errors, '\n');
		}
		return 1;
	}
	size_t n = config_parse(text, len, path, handler, ctx, errors);
	free(text);
	return n;
}

static char *
home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return xstrdup(h);
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

static char *
xdg_path(const char *var, const char *fallback, const char *rest)
{
	const char *base = getenv(var);
	if (base && *base == '/')
		return gl_path_join(base, rest);
	char *home = home_dir();
	char *dir = gl_path_join(home, fallback);
	char *path = gl_path_join(dir, rest);
	free(home);
	free(dir);
	return path;
}

char *
config_default_path(void)
{
	const char *env = getenv("GLOSS_CONFIG");
	if (env && *env)
		return xstrdup(env);
	return xdg_path("XDG_CONFIG_HOME", ".config", "gloss/config");
}

char *
config_default_store_path(void)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", "gloss/gloss.db");
}

/* LOGNAME, else USER (as login(1), su(1) and sudo set
 * them), else the password database.  The environment comes first, as in
 * Python's getpass.getuser: asking the password database costs every start
 * a tenth of a millisecond (nscd's socket is tried twice, then nsswitch.conf
 * and /etc/passwd are read), and it tells no more than the environment
 * does: --author and GLOSS_AUTHOR may name anyone anyway. */
char *
config_login_name(void)
{
	static const char *const vars[] = { "LOGNAME", "USER" };
	for (size_t i = 0; i < GL_ARRAY_LEN(vars); i++) {
		const char *env = getenv(vars[i]);
		if (env && *env)
			return xstrdup(env);
	}
	struct passwd *pw = getpwuid(getuid());
	return xstrdup(pw && pw->pw_name && *pw->pw_name ? pw->pw_name : "unknown");
}
