/* annotate: the reader's changes to annotations (see annotate.h). */
#include "config.h"

#include "gloss/annotate.h"
#include "gloss/cli.h"
#include "gloss/u8.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
annotate_tags_free(char **tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

void
annotate_change_clear(struct annotate_change *c)
{
	free(c->id);
	free(c->quote);
	free(c->style);
	free(c->note);
	annotate_tags_free(c->tags, c->ntags);
	memset(c, 0, sizeof *c);
}

static bool
is_tag_separator(int32_t cp)
{
	return cp == ',' || cp == 0xFF0C || cp == 0x3001 || u8_is_space(cp);
}

char **
annotate_parse_tags(const char *text, size_t *n)
{
	char **tags = NULL;
	size_t count = 0, len = strlen(text);
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t l = u8_decode(text, len, i, &cp);
		if (is_tag_separator(cp) || cp < 0x20) {
			i += l;
			continue;
		}
		size_t start = i;
		while (i < len) {
			l = u8_decode(text, len, i, &cp);
			if (is_tag_separator(cp) || cp < 0x20)
				break;
			i += l;
		}
		struct buf b = BUF_INIT;
		u8_nfc(&b, text + start, i - start);
		char *t = buf_steal(&b, NULL);
		/* The rule gloss add --tag follows too: a word of at most
		   STORE_TAG_MAX characters without control characters. */
		bool dup = store_tag_problem(t) != NULL;
		for (size_t k = 0; k < count && !dup; k++)
			dup = strcmp(tags[k], t) == 0;
		if (dup) {
			free(t);
			continue;
		}
		tags = xreallocarray(tags, count + 1, sizeof *tags);
		tags[count++] = t;
	}
	*n = count;
	return tags;
}

static bool
has_tag(char *const *tags, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tags[i], t) == 0)
			return true;
	return false;
}

static enum gl_status
apply_edit(struct store *s, const struct annotate_change *c, struct gl_error *err)
{
	struct store_edit e = { 0 };
	e.set_note = c->set_note;
	e.note = c->note;
	e.set_style = c->set_style;
	e.style = c->style;
	e.set_private = c->set_private;
	const char **add = NULL, **rm = NULL;
	struct store_annotation cur = { 0 };
	if (c->set_tags) {
		enum gl_status st = store_annotation_get(s, c->id, &cur, err);
		if (st != GL_OK)
			return st;
		add = xcalloc(c->ntags + 1, sizeof *add);
		rm = xcalloc(cur.tag_count + 1, sizeof *rm);
		for (size_t i = 0; i < c->ntags; i++)
			if (!has_tag(cur.tags, cur.tag_count, c->tags[i]))
				add[e.add_count++] = c->tags[i];
		for (size_t i = 0; i < cur.tag_count; i++)
			if (!has_tag(c->tags, c->ntags, cur.tags[i]))
				rm[e.remove_count++] = cur.tags[i];
		e.add_tags = add;
		e.remove_tags = rm;
	}
	enum gl_status st = store_annotation_edit(s, c->id, &e, err);
	free(add);
	free(rm);
	store_annotation_clear(&cur);
	return st;
}

enum gl_status
annotate_apply(struct store *s, const struct doc *d, const char *document,
	       const struct annotate_change *c, char **new_id, struct gl_error *err)
{
	if (c->kind == ANNOTATE_EDIT)
		return apply_edit(s, c, err);
	if (c->kind == ANNOTATE_REPLY) {
		char *id = NULL;
		enum gl_status st = store_annotation_reply(s, c->id, c->note ? c->note : "",
							   c->set_private > 0, &id, err);
		if (st == GL_OK && new_id)
			*new_id = id;
		else
			free(id);
		return st;
	}
	struct store_new_annotation what = {
		.style = c->style,
		.note = c->note && *c->note ? c->note : NULL,
		.is_private = c->set_private > 0,
		.tags = (const char *const *)c->tags,
		.tag_count = c->ntags,
	};
	char *id = NULL;
	enum gl_status st = cli_annotation_make(s, d, document, c->start_cp, c->end_cp, &what, &id,
						err);
	if (st == GL_OK && new_id)
		*new_id = id;
	else
		free(id);
	return st;
}

/* gloss's state directory: $XDG_STATE_HOME/gloss, else
 * ~/.local/state/gloss (caller frees). */
static char *
state_dir(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (state && state[0] == '/')
		return xasprintf("%s/gloss", state);
	return xasprintf("%s/.local/state/gloss", home ? home : ".");
}

/* The name of a new file `prefix`-TIME-PID.txt in the state directory
 * (made if need be), in *path (caller frees). */
static enum gl_status
state_file_path(const char *prefix, char **path, struct gl_error *err)
{
	char *dir = state_dir();
	enum gl_status st = gl_mkdir_p(dir, 0700, err);
	if (st != GL_OK) {
		free(dir);
		return st;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	*path = xasprintf("%s/%s-%s-%ld.txt", dir, prefix, stamp, (long)getpid());
	free(dir);
	return GL_OK;
}

void
annotate_draft_clear(struct annotate_draft *d)
{
	free(d->key);
	free(d->document);
	free(d->quote);
	free(d->about);
	free(d->note);
	free(d->file);
	memset(d, 0, sizeof *d);
}

/* "NAME: N bytes\n" then the N bytes and a line break: what the reader
 * reads back whole, whatever lines it holds. */
static void
put_counted(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "%s: %zu bytes\n", name, strlen(text));
	buf_puts(b, text);
	buf_putc(b, '\n');
}

enum gl_status
annotate_write_drafts(const struct annotate_draft *drafts, size_t n, char **path,
		      struct gl_error *err)
{
	char *p = NULL;
	enum gl_status st = state_file_path("drafts", &p, err);
	if (st != GL_OK)
		return st;
	struct buf b = BUF_INIT;
	buf_puts(&b, "# gloss: note drafts that were not saved (the reader was left with them).\n"
		     "# The reader offers them again when the article is opened (:drafts); each is\n"
		     "# also here so that nothing typed is lost: copy it into the note prompt\n"
		     "# (c, e or r in the reader) or give it to gloss add --note.\n");
	for (size_t i = 0; i < n; i++) {
		const struct annotate_draft *d = &drafts[i];
		/* One line each: the reader finds the fields by line. */
		char *about = xstrdup(d->about ? d->about : "");
		for (char *c = about; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		buf_printf(&b, "\ndraft: %s\n", about);
		free(about);
		if (d->key)
			buf_printf(&b, "key: %s\n", d->key);
		if (d->document)
			buf_printf(&b, "document: %s\n", d->document);
		if (d->quote)
			put_counted(&b, "quote", d->quote);
		put_counted(&b, "note", d->note ? d->note : "");
	}
	st = gl_write_file_atomic(p, b.data, b.len, 0600, err);
	buf_free(&b);
	if (st != GL_OK) {
		free(p);
		return st;
	}
	*path = p;
	return GL_OK;
}

/* The value of "NAME: value" when `line` (len bytes) is such a line. */
static const char *
field(const char *line, size_t len, const char *name, size_t *vlen)
{
	size_t n = strlen(name);
	if (len < n + 2 || memcmp(line, name, n) != 0 || line[n] != ':' || line[n + 1] != ' ')
		return NULL;
	*vlen = len - n - 2;
	return line + n + 2;
}

struct parsed_drafts {
	struct annotate_draft *d;
	size_t *start, *end;   /* each one's bytes in the file */
	size_t n;
};

static void
parsed_drafts_free(struct parsed_drafts *pd)
{
	for (size_t i = 0; i < pd->n; i++)
		annotate_draft_clear(&pd->d[i]);
	free(pd->d);
	free(pd->start);
	free(pd->end);
	memset(pd, 0, sizeof *pd);
}

/* The whole drafts in a drafts file's text (see annotate_write_drafts):
 * an entry is kept once its note is read, if it has a key; one whose
 * counted text does not fit (cut short, edited by hand) is dropped. */
static void
parse_drafts(const char *text, size_t len, struct parsed_drafts *out)
{
	memset(out, 0, sizeof *out);
	struct annotate_draft cur = { 0 };
	bool in_entry = false;
	size_t cur_start = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_end = nl ? (size_t)(nl - text) : len;
		const char *line = text + pos;
		size_t ll = line_end - pos, vl;
		const char *v;
		if ((v = field(line, ll, "draft", &vl))) {
			annotate_draft_clear(&cur);
			cur.about = xstrndup(v, vl);
			in_entry = true;
			/* The blank line before it goes with it. */
			cur_start = pos >= 2 && text[pos - 1] == '\n' && text[pos - 2] == '\n' ? pos - 1
												   : pos;
		} else if (in_entry && (v = field(line, ll, "key", &vl))) {
			free(cur.key);
			cur.key = xstrndup(v, vl);
		} else if (in_entry && (v = field(line, ll, "document", &vl))) {
			free(cur.document);
			cur.document = vl ? xstrndup(v, vl) : NULL;
		} else if (in_entry && ((v = field(line, ll, "quote", &vl)) ||
					(v = field(line, ll, "note", &vl)))) {
			bool note = line[0] == 'n';
			char *num = xstrndup(v, vl);
			char *unit = NULL;
			errno = 0;
			unsigned long long count = strtoull(num, &unit, 10);
			bool good = errno == 0 && unit != num && strcmp(unit, " bytes") == 0 &&
				    line_end < len && count <= len - line_end - 1;
			free(num);
			size_t body = line_end + 1;
			if (good && body + count < len && text[body + count] != '\n')
				good = false;
			if (!good) {
				annotate_draft_clear(&cur);
				in_entry = false;
				pos = line_end + 1;
				continue;
			}
			char *what = xstrndup(text + body, (size_t)count);
			pos = body + (size_t)count + 1 < len ? body + (size_t)count + 1 : len;
			if (!note) {
				free(cur.quote);
				cur.quote = what;
				continue;
			}
			cur.note = what;
			in_entry = false;
			if (!cur.key) {
				annotate_draft_clear(&cur);
				continue;
			}
			out->d = xreallocarray(out->d, out->n + 1, sizeof *out->d);
			out->start = xreallocarray(out->start, out->n + 1, sizeof *out->start);
			out->end = xreallocarray(out->end, out->n + 1, sizeof *out->end);
			out->d[out->n] = cur;
			out->start[out->n] = cur_start;
			out->end[out->n] = pos;
			out->n++;
			memset(&cur, 0, sizeof cur);
			continue;
		}
		pos = line_end + 1;
	}
	annotate_draft_clear(&cur);
}

/* A drafts file is at most this long (a draft is what one person typed). */
#define DRAFTS_FILE_MAX ((size_t)64 << 20)

static int
cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void
annotate_read_drafts(struct annotate_draft **drafts, size_t *n)
{
	char *dir = state_dir();
	DIR *dh = opendir(dir);
	if (!dh) {
		free(dir);
		return;
	}
	char **names = NULL;
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(dh))) {
		size_t l = strlen(e->d_name);
		if (l < 11 || strncmp(e->d_name, "drafts-", 7) != 0 ||
		    strcmp(e->d_name + l - 4, ".txt") != 0)
			continue;
		names = xreallocarray(names, count + 1, sizeof *names);
		names[count++] = xstrdup(e->d_name);
	}
	closedir(dh);
	/* TIME comes first in the name: oldest first. */
	if (count)
		qsort(names, count, sizeof *names, cmp_names);
	for (size_t i = 0; i < count; i++) {
		char *path = gl_path_join(dir, names[i]);
		char *text = NULL;
		size_t len;
		struct gl_error err;
		if (gl_read_file(path, &text, &len, DRAFTS_FILE_MAX, &err) == GL_OK) {
			struct parsed_drafts pd;
			parse_drafts(text, len, &pd);
			*drafts = xreallocarray(*drafts, *n + pd.n, sizeof **drafts);
			for (size_t k = 0; k < pd.n; k++) {
				pd.d[k].file = xstrdup(path);
				(*drafts)[(*n)++] = pd.d[k];
			}
			pd.n = 0;
			parsed_drafts_free(&pd);
		}
		free(text);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

/* Nothing but "#" lines and blank ones: a drafts file with no draft left
 * (what gloss cannot read back is kept, in case it is someone's text). */
static bool
only_comments(const char *text, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end > pos && text[pos] != '#')
			return false;
		pos = end + 1;
	}
	return true;
}

enum gl_status
annotate_forget_draft(const char *file, const char *key, const char *note, struct gl_error *err)
{
	char *text = NULL;
	size_t len;
	if (gl_read_file(file, &text, &len, DRAFTS_FILE_MAX, err) != GL_OK) {
		free(text);
		/* Gone already (another session took it): nothing to forget. */
		return access(file, F_OK) != 0 && errno == ENOENT ? GL_OK : err->status;
	}
	struct parsed_drafts pd;
	parse_drafts(text, len, &pd);
	size_t i = 0;
	while (i < pd.n && !(strcmp(pd.d[i].key, key) == 0 && strcmp(pd.d[i].note, note) == 0))
		i++;
	enum gl_status st = GL_OK;
	if (i < pd.n) {
		memmove(text + pd.start[i], text + pd.end[i], len - pd.end[i]);
		len -= pd.end[i] - pd.start[i];
		text[len] = '\0';
		if (only_comments(text, len)) {
			if (unlink(file) != 0 && errno != ENOENT)
				st = gl_fail(err, GL_IO, "%s: %s", file, strerror(errno));
		} else {
			st = gl_write_file_atomic(file, text, len, 0600, err);
		}
	}
	parsed_drafts_free(&pd);
	free(text);
	return st;
}

enum gl_status
annotate_write_recovery(const struct annotate_change *c, const char *title, char **path,
			struct gl_error *err)
{
	char *p = NULL;
	enum gl_status st = state_file_path("recovery", &p, err);
	if (st != GL_OK)
		return st;

	struct buf b = BUF_INIT;
	buf_puts(&b, "# gloss could not save this; it is kept here so that nothing typed is lost.\n");
	buf_printf(&b, "document: %s\n", title ? title : "");
	if (c->kind == ANNOTATE_EDIT)
		buf_printf(&b, "annotation: %s (an edit)\n", c->id ? c->id : "");
	else if (c->kind == ANNOTATE_REPLY)
		buf_printf(&b, "annotation: %s (a reply to it)\n", c->id ? c->id : "");
	else if (c->start_cp < 0)
		buf_puts(&b, "range: page note\n");
	else
		buf_printf(&b, "range: %lld:%lld (code points)\n", c->start_cp, c->end_cp);
	if (c->quote)
		buf_printf(&b, "quote: %s\n", c->quote);
	if (c->set_style && c->style)
		buf_printf(&b, "style: %s\n", c->style);
	if (c->ntags || c->set_tags) {
		buf_puts(&b, "tags:");
		for (size_t i = 0; i < c->ntags; i++)
			buf_printf(&b, " %s", c->tags[i]);
		buf_putc(&b, '\n');
	}
	if (c->set_private)
		buf_printf(&b, "private: %s\n", c->set_private > 0 ? "yes" : "no");
	if (c->set_note || (c->note && *c->note))
		buf_printf(&b, "note:\n%s\n", c->note ? c->note : "");
	st = gl_write_file_atomic(p, b.data, b.len, 0600, err);
	buf_free(&b);
	if (st != GL_OK) {
		free(p);
		return st;
	}
	*path = p;
	return GL_OK;
}
