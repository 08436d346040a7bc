/* annotate: the reader's changes to annotations (see annotate.h). */
#include "config.h"

#include "gloss/annotate.h"
#include "gloss/cli.h"
#include "gloss/u8.h"

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

/* The name of a new file `prefix`-TIME-PID.txt in the state directory
 * (made if need be), in *path (caller frees). */
static enum gl_status
state_file_path(const char *prefix, char **path, struct gl_error *err)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *dir;
	if (state && state[0] == '/')
		dir = xasprintf("%s/gloss", state);
	else
		dir = xasprintf("%s/.local/state/gloss", home ? home : ".");
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

enum gl_status
annotate_write_drafts(const char *const *about, const char *const *notes, size_t n, char **path,
		      struct gl_error *err)
{
	char *p = NULL;
	enum gl_status st = state_file_path("drafts", &p, err);
	if (st != GL_OK)
		return st;
	struct buf b = BUF_INIT;
	buf_puts(&b, "# gloss: note drafts that were not saved (the reader was left with them).\n"
		     "# Each is kept here so that nothing typed is lost: copy it back into the note\n"
		     "# prompt (c, e or r in the reader) or give it to gloss add --note.\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "\ndraft: %s\nnote:\n%s\n", about[i] ? about[i] : "",
			   notes[i] ? notes[i] : "");
	st = gl_write_file_atomic(p, b.data, b.len, 0600, err);
	buf_free(&b);
	if (st != GL_OK) {
		free(p);
		return st;
	}
	*path = p;
	return GL_OK;
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
