/* export-md: Markdown.  The text of quotes, notes, tags and titles is
 * escaped so that CommonMark, GFM and pandoc's Markdown show it as it
 * was typed; a line break in it becomes a hard break (a backslash at the
 * end of the line), an empty line a new paragraph.
 *
 * The shape (one document; several give one "# title" part each):
 *
 *     ---
 *     title: "The Quiet Harbour"        YAML front matter: title, source,
 *     source: "/home/me/harbour.txt"    hash, authors, exported,
 *     hash: "f16c9bc0..."               generator (several documents:
 *     authors: ["alice", "bob"]         a list under "documents")
 *     exported: "2026-05-01T08:30:00Z"
 *     generator: "gloss 0.1"
 *     ---
 *
 *     # The Quiet Harbour
 *
 *     ## Page notes                     (when there are any)
 *     ...
 *     ## At the quay                    the outline heading the
 *                                       highlights below fall in
 *     > the quote, line by line\
 *     > second line
 *
 *     The note.
 *
 *     — alice · 2026-05-01T08:30:00Z · open · tags: boats, question
 *
 *     - **bob** · 2026-05-01T09:00:00Z: a reply
 *       - **alice** · ...: a reply to the reply
 *
 *     ## Orphaned annotations           not found in the latest text
 *
 * With --full the article itself follows the title: each paragraph,
 * headings as headings, highlights as <mark>...</mark> (inline HTML,
 * which CommonMark, GFM and pandoc all pass through) each followed by a
 * footnote reference [^N]; the footnotes hold note, author, time, state,
 * tags and replies. */
#include "config.h"

#include "export-internal.h"
#include "gloss/u8.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ escaping */

/* Punctuation that is markup wherever it stands in one of the three
 * dialects: emphasis, code, links, HTML and entities, pandoc's math,
 * super/subscript, citations, attributes, tables and strikeout. */
static bool
always_special(unsigned char c)
{
	return c && strchr("\\`*_[]<>&$^@{}|~", c) != NULL;
}

/* Punctuation that is markup only first on a line: headings, lists,
 * setext underlines, definition lists and pandoc's fenced divs, example
 * lists and (1) lists. */
static bool
line_start_special(unsigned char c)
{
	return c && strchr("#+-=:(!", c) != NULL;
}

static bool
is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A placeholder's text (^[, <U+202E>) escaped like any other text. */
static void
put_escaped_ascii(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (always_special((unsigned char)*s))
			buf_putc(out, '\\');
		buf_putc(out, *s);
	}
}

/* Escapes s[0, n); line_start: it begins a line. */
static void
md_escape(struct buf *out, const char *s, size_t n, bool line_start)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (line_start) {
			/* Leading blanks would make code; as references they are
			   text. */
			if (c == ' ' || c == '\t') {
				buf_puts(out, c == ' ' ? "&#32;" : "&#9;");
				i++;
				continue;
			}
			line_start = false;
			/* "1." "a)" "iv." "A." start (pandoc's) ordered lists. */
			size_t k = i;
			while (k < n && k - i < 10 && is_ascii_alnum((unsigned char)s[k]))
				k++;
			if (k > i && k < n && k - i < 10 && (s[k] == '.' || s[k] == ')')) {
				buf_append(out, s + i, k - i);
				buf_putc(out, '\\');
				buf_putc(out, s[k]);
				i = k + 1;
				continue;
			}
			if (line_start_special(c)) {
				buf_putc(out, '\\');
				buf_putc(out, (char)c);
				i++;
				continue;
			}
		}
		if (c == '\n') {
			buf_putc(out, '\n');
			line_start = true;
			i++;
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			if (always_special(c))
				buf_putc(out, '\\');
			buf_putc(out, (char)c);
			i++;
			continue;
		}
		int32_t cp;
		size_t len = u8_decode(s, n, i, &cp);
		char ph[16];
		if (c == '\t') {
			buf_putc(out, '\t');
		} else if (u8_placeholder(cp, ph)) {
			put_escaped_ascii(out, ph);
		} else if (cp == 0xfffd) {
			buf_puts(out, "\xef\xbf\xbd");
		} else {
			buf_append(out, s + i, len);
		}
		i += len;
	}
}

void
export_md_escape(struct buf *out, const char *s, size_t n)
{
	md_escape(out, s, n, true);
}

static void
put_escaped(struct buf *out, const char *s)
{
	if (s)
		export_md_escape(out, s, strlen(s));
}

static bool
blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Writes text as paragraphs: each line after `first` (its first line) or
 * `prefix` (the others), a hard break between the lines of a paragraph,
 * and `blank` (trimmed) for an empty line between paragraphs. */
static void
put_paragraphs(struct buf *out, const char *first, const char *prefix,
	       const char *blank, const char *s)
{
	size_t n = strlen(s), i = 0;
	bool line_one = true, pending_blank = false;
	/* Drop leading and trailing empty lines: they show as nothing. */
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n;
		if (blank_line(s + i, end - i)) {
			if (!line_one)
				pending_blank = true;
			i = end + 1;
			continue;
		}
		if (!line_one) {
			if (pending_blank)
				buf_printf(out, "\n%s\n", blank);
			else
				buf_puts(out, "\\\n");
		}
		buf_puts(out, line_one ? first : prefix);
		export_md_escape(out, s + i, end - i);
		line_one = false;
		pending_blank = false;
		i = end + 1;
	}
	if (!line_one)
		buf_putc(out, '\n');
}

/* A YAML double-quoted scalar, as gl_yaml_scalar reads it back (a
 * Markdown article's front matter: gloss reads its own export). */
static void
put_yaml(struct buf *out, const char *s)
{
	struct buf v = BUF_INIT;
	if (s)
		ex_put_visible(&v, s, strlen(s));
	gl_yaml_put_quoted(out, v.data ? v.data : "", v.len);
	buf_free(&v);
}

static void
front_matter(struct ex_export *x, struct buf *out)
{
	buf_puts(out, "---\n");
	if (x->ndocs == 1) {
		const struct ex_document *d = &x->docs[0];
		buf_puts(out, "title: ");
		put_yaml(out, d->info.title);
		buf_puts(out, "\nsource: ");
		if (d->info.source)
			put_yaml(out, d->info.source);
		else
			buf_puts(out, "null");
		buf_puts(out, "\nhash: ");
		put_yaml(out, d->latest ? d->latest->hash : "");
		buf_putc(out, '\n');
	} else {
		buf_puts(out, "title: \"gloss export\"\n");
	}
	buf_puts(out, "authors: [");
	for (size_t i = 0; i < x->nauthors; i++) {
		if (i)
			buf_puts(out, ", ");
		put_yaml(out, x->authors[i]);
	}
	buf_printf(out, "]\nexported: \"%s\"\ngenerator: \"gloss %s\"\n", x->now,
		   PACKAGE_VERSION);
	if (x->ndocs != 1) {
		buf_puts(out, x->ndocs ? "documents:\n" : "documents: []\n");
		for (size_t i = 0; i < x->ndocs; i++) {
			const struct ex_document *d = &x->docs[i];
			buf_puts(out, "  - title: ");
			put_yaml(out, d->info.title);
			buf_puts(out, "\n    source: ");
			if (d->info.source)
				put_yaml(out, d->info.source);
			else
				buf_puts(out, "null");
			buf_puts(out, "\n    hash: ");
			put_yaml(out, d->latest ? d->latest->hash : "");
			buf_putc(out, '\n');
		}
	}
	buf_puts(out, "---\n");
}

/* "— alice · 2026-05-01T08:30:00Z · open · tags: a, b" and the like. */
static void
meta_line(struct buf *out, const struct store_annotation *a, bool thread_root)
{
	buf_puts(out, "— ");
	put_escaped(out, a->author);
	buf_printf(out, " · %s", a->created ? a->created : "");
	if (a->updated && a->created && strcmp(a->updated, a->created) != 0)
		buf_printf(out, " (edited %s)", a->updated);
	if (thread_root)
		buf_printf(out, " · %s", store_status_name(a->status));
	if (a->anchor == STORE_ANCHOR_MOVED || a->anchor == STORE_ANCHOR_FUZZY ||
	    a->anchor == STORE_ANCHOR_ORPHAN)
		buf_printf(out, " · %s", store_anchor_state_name(a->anchor));
	if (a->is_private)
		buf_puts(out, " · private");
	if (a->style) {
		buf_puts(out, " · style ");
		put_escaped(out, a->style);
	}
	if (a->tag_count) {
		buf_puts(out, " · tags: ");
		for (size_t i = 0; i < a->tag_count; i++) {
			if (i)
				buf_puts(out, ", ");
			put_escaped(out, a->tags[i]);
		}
	}
	buf_putc(out, '\n');
}

/* The replies of a thread as a nested list, each line indented by
 * `indent` first. */
static void
replies(struct buf *out, const struct ex_thread *t, const char *indent,
	struct ex_export *x)
{
	if (t->count < 2)
		return;
	buf_putc(out, '\n');
	for (size_t k = 1; k < t->count; k++) {
		const struct store_annotation *a = t->items[k].a;
		struct buf first = BUF_INIT, rest = BUF_INIT;
		int depth = t->items[k].depth;
		for (int d = 1; d < depth; d++)
			buf_puts(&first, "  ");
		buf_puts(&rest, first.data ? first.data : "");
		buf_puts(&rest, "  ");
		buf_puts(out, indent);
		buf_puts(out, first.data ? first.data : "");
		buf_puts(out, "- **");
		put_escaped(out, a->author);
		buf_printf(out, "** · %s", a->created ? a->created : "");
		if (a->is_private)
			buf_puts(out, " · private");
		buf_puts(out, ":");
		if (a->note && *a->note) {
			char *p = xasprintf("%s%s", indent, rest.data);
			char *b = xasprintf("%s%s", indent, rest.data);
			/* The blank line between paragraphs of an item keeps
			   its indentation out: an empty line ends nothing in a
			   list item that continues indented. */
			size_t bl = strlen(b);
			while (bl > 0 && b[bl - 1] == ' ')
				b[--bl] = '\0';
			put_paragraphs(out, " ", p, b, a->note);
			free(p);
			free(b);
		} else {
			buf_putc(out, '\n');
		}
		buf_free(&first);
		buf_free(&rest);
		ex_progress(x);
	}
}

/* One thread in the summary: quote, note, meta line, replies. */
static void
summary_thread(struct buf *out, const struct ex_thread *t, struct ex_export *x)
{
	const struct store_annotation *root = t->items[0].a;
	buf_putc(out, '\n');
	if (root->exact) {
		if (*root->exact)
			put_paragraphs(out, "> ", "> ", ">", root->exact);
		else
			buf_puts(out, "> (an empty range)\n");
		buf_putc(out, '\n');
	}
	if (root->note && *root->note) {
		put_paragraphs(out, "", "", "", root->note);
		buf_putc(out, '\n');
	}
	meta_line(out, root, true);
	ex_progress(x);
	replies(out, t, "", x);
}

static void
heading(struct buf *out, int level, const char *text)
{
	if (level < 1)
		level = 1;
	if (level > 6)
		level = 6;
	buf_putc(out, '\n');
	for (int i = 0; i < level; i++)
		buf_putc(out, '#');
	buf_putc(out, ' ');
	/* A heading is one line. */
	struct buf one = BUF_INIT;
	for (const char *p = text ? text : ""; *p; p++)
		buf_putc(&one, *p == '\n' ? ' ' : *p);
	if (one.len)
		export_md_escape(out, one.data, one.len);
	buf_free(&one);
	buf_putc(out, '\n');
}

static void
page_notes(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	bool any = false;
	for (size_t i = 0; i < d->nthreads; i++) {
		const struct ex_thread *t = &d->threads[i];
		if (t->items[0].a->start >= 0)
			continue;
		if (!any)
			heading(out, 2, "Page notes");
		any = true;
		summary_thread(out, t, x);
	}
}

/* Threads that are not in the latest text: orphans, and highlights
 * still on an older version. */
static bool
elsewhere(const struct ex_thread *t)
{
	return t->items[0].a->start >= 0 && !t->placed;
}

static void
orphans(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	bool any = false;
	for (size_t i = 0; i < d->nthreads; i++) {
		const struct ex_thread *t = &d->threads[i];
		if (!elsewhere(t))
			continue;
		if (!any) {
			heading(out, 2, "Orphaned annotations");
			buf_puts(out, "\nNot found in the latest text; each quote is "
				 "the text it was made on.\n");
		}
		any = true;
		summary_thread(out, t, x);
	}
}

static void
summary(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	page_notes(out, d, x);
	const struct ex_version *ver = NULL;
	size_t section = (size_t)-1;
	bool first = true;
	for (size_t i = 0; i < d->nthreads; i++) {
		const struct ex_thread *t = &d->threads[i];
		if (!t->placed)
			continue;
		if (first || t->ver != ver || t->section != section) {
			const char *title = ex_section_title(t);
			const struct outline_entry *e = t->section == (size_t)-1 ? NULL
				: outline_entry(t->ver->outline, t->section);
			if (*title)
				heading(out, e ? e->level : 2, title);
			else if (!first)
				heading(out, 2, "Beginning");
			ver = t->ver;
			section = t->section;
			first = false;
		}
		summary_thread(out, t, x);
	}
	orphans(out, d, x);
}

/* --------------------------------------------------------------- full */

/* The text of s[start, end) of a block: escaped, LF as a hard break.
 * *line_start says whether nothing stands before it on its line (and is
 * updated). */
static void
put_text(struct buf *out, const char *s, size_t start, size_t end, bool *line_start)
{
	size_t i = start;
	while (i < end) {
		const char *nl = memchr(s + i, '\n', end - i);
		size_t stop = nl ? (size_t)(nl - s) : end;
		if (stop > i) {
			md_escape(out, s + i, stop - i, *line_start);
			*line_start = false;
		}
		if (!nl)
			break;
		buf_puts(out, "\\\n");
		*line_start = true;
		i = stop + 1;
	}
}

static void
footnote(struct buf *out, const struct ex_thread *t, struct ex_export *x)
{
	const struct store_annotation *root = t->items[0].a;
	buf_printf(out, "\n[^%zu]: ", t->number);
	if (root->note && *root->note) {
		put_paragraphs(out, "", "    ", "", root->note);
		buf_puts(out, "\n    ");
	}
	meta_line(out, root, true);
	ex_progress(x);
	replies(out, t, "    ", x);
}

static void
full_article(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	page_notes(out, d, x);
	if (!d->latest)
		return;
	const struct doc *doc = d->latest->doc;
	const struct outline *ol = d->latest->outline;
	const char *text = doc_text(doc, NULL);
	struct ex_sweep sw;
	ex_sweep_init(&sw, d);
	size_t nb = doc_block_count(doc), oi = 0, nol = outline_count(ol);
	for (size_t b = 0; b < nb; b++) {
		const struct doc_block *blk = doc_block(doc, b);
		if (blk->kind == DOC_BLOCK_RULE) {
			buf_puts(out, "\n* * *\n");
			continue;
		}
		if (blk->start == blk->end)
			continue;   /* an empty line kept by a verbatim text */
		int level = 0;
		while (oi < nol && outline_entry(ol, oi)->block < b)
			oi++;
		if (oi < nol && outline_entry(ol, oi)->block == b)
			level = outline_entry(ol, oi)->level;
		buf_putc(out, '\n');
		if (level) {
			for (int i = 0; i < level + 1 && i < 6; i++)
				buf_putc(out, '#');
			buf_putc(out, ' ');
		}
		size_t cur = blk->start;
		bool line_start = level == 0;
		for (;;) {
			size_t t;
			while ((t = ex_sweep_ending(&sw, cur)) != (size_t)-1) {
				buf_printf(out, "[^%zu]", d->threads[t].number);
				line_start = false;
			}
			if (cur >= blk->end)
				break;
			ex_sweep_starting(&sw, cur);
			size_t next = ex_sweep_next(&sw, cur, blk->end);
			bool marked = sw.nactive > 0;
			/* A heading is one line: a hard break would end it. */
			if (level && memchr(text + cur, '\n', next - cur)) {
				struct buf one = BUF_INIT;
				for (size_t k = cur; k < next; k++)
					buf_putc(&one, text[k] == '\n' ? ' ' : text[k]);
				if (marked)
					buf_puts(out, "<mark>");
				bool mid = false;
				put_text(out, one.data, 0, one.len, &mid);
				if (marked)
					buf_puts(out, "</mark>");
				buf_free(&one);
			} else {
				if (marked) {
					buf_puts(out, "<mark>");
					line_start = false;
				}
				put_text(out, text, cur, next, &line_start);
				if (marked)
					buf_puts(out, "</mark>");
			}
			cur = next;
		}
		buf_putc(out, '\n');
	}
	/* References past the last block (a range ending at the very end). */
	size_t t, len = doc_length(doc);
	bool extra = false;
	while ((t = ex_sweep_ending(&sw, len)) != (size_t)-1) {
		buf_printf(out, extra ? "[^%zu]" : "\n[^%zu]", d->threads[t].number);
		extra = true;
	}
	if (extra)
		buf_putc(out, '\n');
	for (size_t i = 0; i < d->nthreads; i++)
		if (d->threads[i].placed)
			footnote(out, &d->threads[i], x);
	ex_sweep_free(&sw);
	orphans(out, d, x);
}

void
ex_write_md(struct ex_export *x, struct buf *out)
{
	front_matter(x, out);
	for (size_t i = 0; i < x->ndocs; i++) {
		const struct ex_document *d = &x->docs[i];
		heading(out, 1, *d->info.title ? d->info.title : "(untitled)");
		if (x->opt->full)
			full_article(out, d, x);
		else
			summary(out, d, x);
	}
}
