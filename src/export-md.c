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
 * With --full the article itself, with the structure the reader shows:
 * its title block is the "# title" (once), headings keep their level,
 * list items their bullet or number and nesting (each level indented
 * under its item's text), code blocks are fenced with their language,
 * table rows make a GFM table (the first row its header), quotes are
 * block quotes, and emphasis, strong, strike-through, code spans and
 * links (with their addresses) are written back as Markdown, or as
 * inline HTML (<em>, <strong>, <del>, <code>) where a delimiter would
 * not read back (CommonMark's flanking rules, a highlight inside a code
 * span).  Highlights are <mark>...</mark> (inline HTML, which
 * CommonMark, GFM and pandoc all pass through), each followed by a
 * footnote reference [^N]; a code block with a highlight is an HTML
 * <pre><code> block (a fence would show <mark> as text), its references
 * after it.  The footnotes hold note, author, time, state, tags and
 * replies. */
#include "config.h"

#include "export-internal.h"
#include "gloss/u8.h"

#include <stdio.h>
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

/* How a block's line breaks are written. */
enum md_mode {
	MD_LINES,     /* a hard break, the next line after the prefix */
	MD_HEADING,   /* a space: a heading is one line */
	MD_TABLE,     /* <br>: a table row is one line */
};

struct md_out {
	struct buf *out;
	const char *text;
	const struct ex_document *d;
	const char *prefix;   /* before each later line of the block */
	enum md_mode mode;
	bool line_start;      /* nothing stands before on this line */
};

/* text[start, end), escaped. */
static void
md_text(struct md_out *m, size_t start, size_t end)
{
	size_t i = start;
	while (i < end) {
		const char *nl = memchr(m->text + i, '\n', end - i);
		size_t stop = nl ? (size_t)(nl - m->text) : end;
		if (stop > i) {
			md_escape(m->out, m->text + i, stop - i, m->line_start);
			m->line_start = false;
		}
		if (!nl)
			break;
		if (m->mode == MD_HEADING) {
			buf_putc(m->out, ' ');
		} else if (m->mode == MD_TABLE) {
			buf_puts(m->out, "<br>");
		} else {
			buf_puts(m->out, "\\\n");
			buf_puts(m->out, m->prefix);
			m->line_start = true;
		}
		i = stop + 1;
	}
}

/* What a character next to an emphasis delimiter is, for CommonMark's
 * flanking rules; UNSURE when the dialects may disagree (symbols,
 * placeholders). */
enum cclass { CC_SPACE, CC_PUNCT, CC_OTHER, CC_UNSURE };

static enum cclass
char_class(int32_t cp)
{
	if (cp < 0x80) {
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
			return CC_SPACE;
		if (cp < 0x20 || cp == 0x7f)
			return CC_UNSURE;
		return is_ascii_alnum((unsigned char)cp) ? CC_OTHER : CC_PUNCT;
	}
	if (u8_is_space(cp))
		return CC_SPACE;
	if (u8_is_punct(cp))
		return CC_PUNCT;
	return u8_is_alnum(cp) ? CC_OTHER : CC_UNSURE;
}

/* What is written just before (or after) token i: text's own character,
 * the blank around a cell separator or a line's edge, else markup
 * (punctuation). */
static enum cclass
neighbour(const struct ex_inline *il, const char *text, size_t i, bool before)
{
	if (before ? i == 0 : i + 1 >= il->n)
		return CC_SPACE;
	const struct ex_tok *t = &il->toks[before ? i - 1 : i + 1];
	if (t->kind == EX_TOK_CELL)
		return CC_SPACE;
	if (t->kind != EX_TOK_TEXT)
		return CC_PUNCT;
	int32_t cp;
	u8_decode(text, t->end, before ? u8_prev(text, t->end) : t->start, &cp);
	return char_class(cp);
}

static bool
star_family(enum ex_elem e)
{
	return e == EX_EL_STRONG || e == EX_EL_EM;
}

/* Whether the element opened at token i reads back as itself when
 * written with Markdown's delimiters (* ** ~~): its opening delimiter
 * left-flanking and its closing one right-flanking (CommonMark, which
 * GFM and pandoc follow here), and no delimiter of the same character
 * just outside it to merge with.  Otherwise it is written as HTML. */
static bool
delimiters_hold(const struct ex_inline *il, const char *text, size_t i)
{
	size_t j = il->toks[i].pair;
	enum cclass bo = neighbour(il, text, i, true), ao = neighbour(il, text, i, false);
	enum cclass bc = neighbour(il, text, j, true), ac = neighbour(il, text, j, false);
	bool opens = ao == CC_OTHER || (ao == CC_PUNCT && (bo == CC_SPACE || bo == CC_PUNCT));
	bool closes = bc == CC_OTHER || (bc == CC_PUNCT && (ac == CC_SPACE || ac == CC_PUNCT));
	if (!opens || !closes)
		return false;
	enum ex_elem e = il->toks[i].elem;
	if (i > 0 && il->toks[i - 1].kind == EX_TOK_CLOSE &&
	    (il->toks[i - 1].elem == e || (star_family(e) && star_family(il->toks[i - 1].elem))))
		return false;
	if (j + 1 < il->n && il->toks[j + 1].kind == EX_TOK_OPEN &&
	    (il->toks[j + 1].elem == e || (star_family(e) && star_family(il->toks[j + 1].elem))))
		return false;
	return true;
}

/* Whether the code element opened at token i can be a code span: only
 * text in it, on one line (and without a | in a table row). */
static bool
code_span_holds(const struct ex_inline *il, const char *text, size_t i, bool table)
{
	for (size_t k = i + 1; k < il->toks[i].pair; k++) {
		const struct ex_tok *t = &il->toks[k];
		if (t->kind != EX_TOK_TEXT || memchr(text + t->start, '\n', t->end - t->start))
			return false;
		if (table && memchr(text + t->start, '|', t->end - t->start))
			return false;
	}
	return true;
}

/* `code` as a code span: a run of backticks longer than any in it, and
 * a space inside each end where CommonMark strips one. */
static void
put_code_span(struct buf *out, const char *s, size_t n)
{
	struct buf v = BUF_INIT;
	ex_put_visible(&v, s, n);
	size_t longest = 0, run = 0;
	bool all_spaces = true;
	for (size_t i = 0; i < v.len; i++) {
		run = v.data[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
		if (v.data[i] != ' ')
			all_spaces = false;
	}
	bool pad = v.len > 0 && !all_spaces &&
		   (v.data[0] == '`' || v.data[v.len - 1] == '`' ||
		    (v.data[0] == ' ' && v.data[v.len - 1] == ' '));
	for (size_t i = 0; i <= longest; i++)
		buf_putc(out, '`');
	if (pad)
		buf_putc(out, ' ');
	buf_append(out, v.data ? v.data : "", v.len);
	if (pad)
		buf_putc(out, ' ');
	for (size_t i = 0; i <= longest; i++)
		buf_putc(out, '`');
	buf_free(&v);
}

/* A link's destination: blanks and controls percent-encoded, ( ) < > \ |
 * escaped. */
static void
put_destination(struct buf *out, const char *href)
{
	buf_putc(out, '(');
	for (const unsigned char *p = (const unsigned char *)href; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f) {
			buf_printf(out, "%%%02X", *p);
			continue;
		}
		if (strchr("()<>\\|", *p))
			buf_putc(out, '\\');
		buf_putc(out, (char)*p);
	}
	buf_putc(out, ')');
}

static const char *const md_delimiter[EX_EL_COUNT] = {
	[EX_EL_STRIKE] = "~~", [EX_EL_STRONG] = "**", [EX_EL_EM] = "*",
};
static const char *const md_tag[EX_EL_COUNT] = {
	[EX_EL_STRIKE] = "del", [EX_EL_STRONG] = "strong", [EX_EL_EM] = "em",
	[EX_EL_CODE] = "code", [EX_EL_MARK] = "mark",
};

/* A block's tokens as Markdown. */
static void
md_inline(struct md_out *m, const struct ex_inline *il)
{
	bool *delim = xcalloc(il->n + 1, sizeof *delim);
	for (size_t i = 0; i < il->n; i++) {
		const struct ex_tok *t = &il->toks[i];
		switch (t->kind) {
		case EX_TOK_TEXT:
			md_text(m, t->start, t->end);
			continue;
		case EX_TOK_CELL:
			buf_puts(m->out, " | ");
			break;
		case EX_TOK_REF:
			buf_printf(m->out, "[^%zu]", m->d->threads[t->thread].number);
			break;
		case EX_TOK_OPEN:
			if (t->elem == EX_EL_LINK) {
				buf_putc(m->out, '[');
			} else if (t->elem == EX_EL_CODE &&
				   code_span_holds(il, m->text, i, m->mode == MD_TABLE)) {
				size_t j = t->pair;
				put_code_span(m->out, m->text + il->toks[i + 1].start,
					      il->toks[j - 1].end - il->toks[i + 1].start);
				i = j;
			} else if (md_delimiter[t->elem] && delimiters_hold(il, m->text, i)) {
				delim[i] = true;
				buf_puts(m->out, md_delimiter[t->elem]);
			} else {
				buf_printf(m->out, "<%s>", md_tag[t->elem]);
			}
			break;
		case EX_TOK_CLOSE:
			if (t->elem == EX_EL_LINK) {
				buf_putc(m->out, ']');
				put_destination(m->out, il->toks[t->pair].href);
			}
			else if (delim[t->pair])
				buf_puts(m->out, md_delimiter[t->elem]);
			else
				buf_printf(m->out, "</%s>", md_tag[t->elem]);
			break;
		}
		m->line_start = false;
	}
	free(delim);
}

/* A code block with a highlight in it: an HTML block (<mark> would be
 * text in a fenced one), its references after it. */
static void
md_code_html(struct md_out *m, const struct ex_inline *il, const char *info)
{
	struct buf refs = BUF_INIT;
	buf_puts(m->out, "<pre><code");
	if (info) {
		buf_puts(m->out, " class=\"language-");
		export_html_escape(m->out, info, strlen(info), true);
		buf_putc(m->out, '"');
	}
	buf_putc(m->out, '>');
	for (size_t i = 0; i < il->n; i++) {
		const struct ex_tok *t = &il->toks[i];
		if (t->kind == EX_TOK_TEXT) {
			size_t k = t->start;
			while (k < t->end) {
				const char *nl = memchr(m->text + k, '\n', t->end - k);
				size_t stop = nl ? (size_t)(nl - m->text) : t->end;
				export_html_escape(m->out, m->text + k, stop - k, false);
				if (!nl)
					break;
				buf_putc(m->out, '\n');
				buf_puts(m->out, m->prefix);
				k = stop + 1;
			}
		} else if (t->kind == EX_TOK_REF) {
			buf_printf(&refs, "[^%zu]", m->d->threads[t->thread].number);
		} else if (t->elem == EX_EL_MARK) {
			buf_puts(m->out, t->kind == EX_TOK_OPEN ? "<mark>" : "</mark>");
		}
	}
	buf_puts(m->out, "</code></pre>\n");
	if (refs.len) {
		/* The blank line stays inside the block's quotes. */
		size_t keep = strlen(m->prefix);
		while (keep > 0 && m->prefix[keep - 1] == ' ')
			keep--;
		buf_append(m->out, m->prefix, keep);
		buf_printf(m->out, "\n%s%s\n", m->prefix, refs.data);
	}
	buf_free(&refs);
}

/* A code block without highlights: fenced, with a fence longer than any
 * run of backticks in it. */
static void
md_code_fenced(struct md_out *m, size_t start, size_t end, const char *blank,
	       const char *info)
{
	size_t longest = 0, run = 0;
	for (size_t i = start; i < end; i++) {
		run = m->text[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	size_t ticks = longest >= 3 ? longest + 1 : 3;
	for (size_t i = 0; i < ticks; i++)
		buf_putc(m->out, '`');
	if (info)
		buf_puts(m->out, info);
	buf_putc(m->out, '\n');
	size_t i = start;
	while (i <= end) {
		const char *nl = memchr(m->text + i, '\n', end - i);
		size_t stop = nl ? (size_t)(nl - m->text) : end;
		buf_puts(m->out, stop > i ? m->prefix : blank);
		ex_put_visible(m->out, m->text + i, stop - i);
		buf_putc(m->out, '\n');
		if (!nl)
			break;
		i = stop + 1;
	}
	buf_puts(m->out, m->prefix);
	for (size_t k = 0; k < ticks; k++)
		buf_putc(m->out, '`');
	buf_putc(m->out, '\n');
}

/* Whether the containers a[0, n) are b's: the same quotes and list
 * levels (an item starting, '+', is in the list it starts in). */
static bool
same_containers(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!a[i] || !b[i] || (a[i] == '>') != (b[i] == '>'))
			return false;
	}
	return true;
}

/* Whether list item b (written in containers `nest`) goes right under
 * the block before it (a tight list) rather than after a blank line: the
 * block before is a list item in the same quotes and lists, and b
 * continues its list (the item before at b's level is of its kind), or
 * starts a list inside it that can interrupt a paragraph (a bullet, or
 * the number 1). */
static bool
tight_item(const struct doc *doc, size_t b, size_t prev, const char *nest)
{
	const struct doc_block *cur = doc_block(doc, b), *p = doc_block(doc, prev);
	if (p->kind != DOC_BLOCK_LIST_ITEM)
		return false;
	/* The containers the item's list stands in; an item of an outer
	   list starting here too ("- - x") goes after a blank line. */
	size_t ctx = strlen(nest) - 1;
	if (memchr(nest, '+', ctx))
		return false;
	char qn[EX_NEST_MAX + 1];
	for (size_t k = b; k-- > 0;) {
		const struct doc_block *q = doc_block(doc, k);
		ex_block_nest(q, q->kind == DOC_BLOCK_HEADING ? q->level : 0, qn);
		if (!same_containers(qn, nest, ctx))
			return false;   /* outside the list's containers */
		const char *rest = qn + ctx;
		if (*rest == '\0')
			return q->kind == DOC_BLOCK_LIST_ITEM && ctx > 0 && nest[ctx - 1] != '>' &&
			       (!cur->ordered || cur->number == 1);
		if (*rest == '>')
			return false;   /* a quote between: the list ended */
		if (rest[1] == '\0' && q->kind == DOC_BLOCK_LIST_ITEM)
			return q->ordered == cur->ordered;
		/* deeper, or a later paragraph of an item of this list */
	}
	return false;
}

/* Writes block b of the latest text (its tokens made here) at its level,
 * list depth, quote depth or in its table. */
struct md_article {
	struct md_out m;
	const struct doc *doc;
	const struct outline *ol;
	struct ex_sweep sw;
	struct ex_inline il;
	size_t span, oi;
	/* The width of the marker of the item open at each list level
	   (1-based): what the item's later lines are indented by. */
	int width[EX_NEST_MAX + 1];
	int known;            /* list levels with a width */
	size_t prev;          /* the last block written, or (size_t)-1 */
	char prev_nest[EX_NEST_MAX + 1];   /* its containers */
};

/* The prefix of a line in containers nest[0, n): "> " per quote, the
 * indent of its item per list level; with `marker`, the first line's:
 * an item starting at a level ('+') gets its marker there, `marker` for
 * the block's own (the last level), "- " for another. */
static void
nest_prefix_first(struct buf *out, const struct md_article *a, const char *nest, size_t n,
		  const char *marker)
{
	int level = 0;
	for (size_t i = 0; i < n; i++) {
		if (nest[i] == '>') {
			buf_puts(out, "> ");
		} else if (marker && nest[i] == '+') {
			level++;
			buf_puts(out, i + 1 == n && *marker ? marker : "- ");
		} else {
			level++;
			for (int k = 0; k < a->width[level]; k++)
				buf_putc(out, ' ');
		}
	}
}

static void
nest_prefix(struct buf *out, const struct md_article *a, const char *nest, size_t n)
{
	nest_prefix_first(out, a, nest, n, NULL);
}

/* The same for a blank line: without the spaces at its end. */
static void
nest_blank(struct buf *out, const struct md_article *a, const char *nest, size_t n)
{
	size_t at = out->len;
	nest_prefix(out, a, nest, n);
	while (out->len > at && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->data)
		out->data[out->len] = '\0';
}

static int
heading_level(struct md_article *a, size_t b)
{
	return ex_heading_level(a->doc, a->ol, &a->oi, b);
}

static void
md_block(struct md_article *a, size_t b, int level)
{
	const struct doc_block *blk = doc_block(a->doc, b);
	struct buf *out = a->m.out;
	const char *text = a->m.text;
	/* Its quotes and lists; a heading stands on its own, outside them. */
	char nest[EX_NEST_MAX + 1];
	ex_block_nest(blk, level, nest);
	size_t nn = strlen(nest);
	int levels = 0;
	for (size_t i = 0; i < nn; i++)
		levels += nest[i] != '>';
	bool item = blk->kind == DOC_BLOCK_LIST_ITEM && nn > 0 && nest[nn - 1] == '+';
	const struct doc_block *p = a->prev == (size_t)-1 ? NULL : doc_block(a->doc, a->prev);

	/* The indent of each list level: an item's is its marker's width. */
	char marker[32] = "";
	if (item) {
		if (blk->ordered)
			snprintf(marker, sizeof marker, "%u. ", blk->number);
		else
			snprintf(marker, sizeof marker, "- ");
	}
	if (levels == 0)
		a->known = 0;
	for (size_t i = 0, at = 0; i < nn; i++) {
		if (nest[i] == '>')
			continue;
		at++;
		if (nest[i] == '+') {
			/* An item starts: what was known deeper is its
			   predecessor's. */
			a->width[at] = item && i + 1 == nn ? (int)strlen(marker) : 2;
			a->known = (int)at;
		} else if ((int)at > a->known) {
			a->width[at] = 2;
			a->known = (int)at;
		}
	}

	/* What separates it from the block before: nothing in a tight list
	   or a table, else a blank line inside the containers both share. */
	bool tight = p && ((item && tight_item(a->doc, b, a->prev, nest)) ||
			   (blk->kind == DOC_BLOCK_TABLE_ROW && p->kind == DOC_BLOCK_TABLE_ROW &&
			    strcmp(nest, a->prev_nest) == 0));
	if (!tight) {
		/* An item starting ends the containers shared at its level. */
		size_t common = 0;
		while (common < nn && nest[common] != '+' && a->prev_nest[common] &&
		       (nest[common] == '>') == (a->prev_nest[common] == '>'))
			common++;
		nest_blank(out, a, nest, common);
		buf_putc(out, '\n');
	}

	/* Its prefixes: the first line's, the others', a blank line's. */
	struct buf first = BUF_INIT, rest = BUF_INIT, blank = BUF_INIT;
	size_t start = blk->start;
	nest_prefix_first(&first, a, nest, nn, marker);
	if (item) {
		/* Plain text's own marker gives way to ours; a task's box
		   stays a box. */
		start += blk->marker_len < blk->end - blk->start ? blk->marker_len : 0;
		if (blk->end - start >= 4 && (memcmp(text + start, "[ ] ", 4) == 0 ||
					      memcmp(text + start, "[x] ", 4) == 0)) {
			buf_append(&first, text + start, 4);
			start += 4;
		}
	}
	nest_prefix(&rest, a, nest, nn);
	nest_blank(&blank, a, nest, nn);
	a->m.prefix = rest.data ? rest.data : "";

	bool table = blk->kind == DOC_BLOCK_TABLE_ROW && level == 0;
	ex_inline_block(&a->il, &a->sw, a->doc, &a->span, start, blk->end, table ? blk : NULL);
	buf_puts(out, first.data ? first.data : "");
	if (level) {
		for (int i = 0; i < level && i < 6; i++)
			buf_putc(out, '#');
		buf_putc(out, ' ');
		a->m.mode = MD_HEADING;
		a->m.line_start = false;
		size_t text_at = out->len;
		md_inline(&a->m, &a->il);
		/* "## C #" would lose its " #" as a closing sequence. */
		size_t run = out->len;
		while (run > text_at && out->data[run - 1] == '#')
			run--;
		if (run < out->len && (run == text_at || out->data[run - 1] == ' ')) {
			buf_putc(out, '#');
			memmove(out->data + run + 1, out->data + run, out->len - run - 1);
			out->data[run] = '\\';
		}
		buf_putc(out, '\n');
	} else if (blk->kind == DOC_BLOCK_CODE) {
		bool marked = false;
		for (size_t i = 0; i < a->il.n && !marked; i++)
			marked = a->il.toks[i].kind != EX_TOK_TEXT;
		if (marked)
			md_code_html(&a->m, &a->il, blk->info);
		else
			md_code_fenced(&a->m, start, blk->end, blank.data ? blank.data : "",
				       blk->info);
	} else if (table) {
		bool head = !p || p->kind != DOC_BLOCK_TABLE_ROW;
		size_t cells = 1;
		for (size_t i = 0; i < a->il.n; i++)
			cells += a->il.toks[i].kind == EX_TOK_CELL;
		buf_puts(out, "| ");
		a->m.mode = MD_TABLE;
		a->m.line_start = false;
		md_inline(&a->m, &a->il);
		buf_puts(out, " |\n");
		if (head) {
			/* GFM's table: the first row is the header. */
			buf_puts(out, a->m.prefix);
			for (size_t i = 0; i < cells; i++) {
				enum doc_align al = i < blk->ncells ? blk->cells[i].align
								    : DOC_ALIGN_NONE;
				buf_puts(out, al == DOC_ALIGN_LEFT ? "| :-- " :
					      al == DOC_ALIGN_CENTER ? "| :-: " :
					      al == DOC_ALIGN_RIGHT ? "| --: " : "| --- ");
			}
			buf_puts(out, "|\n");
		}
	} else {
		a->m.mode = MD_LINES;
		a->m.line_start = true;
		md_inline(&a->m, &a->il);
		buf_putc(out, '\n');
	}
	a->prev = b;
	memcpy(a->prev_nest, nest, sizeof nest);
	a->m.prefix = "";
	buf_free(&first);
	buf_free(&rest);
	buf_free(&blank);
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

/* The article with its structure: headings at their level (its title
 * block, when it has one, as the "# title"), list items with their
 * bullets or numbers and nesting, block quotes, code blocks fenced,
 * table rows as a GFM table, emphasis, strong, strike-through, code and
 * links; highlights marked, each followed by its footnote reference. */
static void
full_article(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	size_t title = ex_title_block(d);
	if (!d->latest) {
		page_notes(out, d, x);
		return;
	}
	struct md_article a;
	memset(&a, 0, sizeof a);
	a.doc = d->latest->doc;
	a.ol = d->latest->outline;
	a.m.out = out;
	a.m.text = doc_text(a.doc, NULL);
	a.m.d = d;
	a.m.prefix = "";
	a.prev = (size_t)-1;
	ex_sweep_init(&a.sw, d);
	if (title != (size_t)-1) {
		heading_level(&a, title);
		md_block(&a, title, 1);
		a.prev = (size_t)-1;
	}
	page_notes(out, d, x);
	size_t nb = doc_block_count(a.doc);
	for (size_t b = title == (size_t)-1 ? 0 : title + 1; b < nb; b++) {
		const struct doc_block *blk = doc_block(a.doc, b);
		if (blk->kind == DOC_BLOCK_RULE) {
			buf_puts(out, "\n* * *\n");
			a.prev = b;
			a.prev_nest[0] = '\0';
			a.known = 0;
			continue;
		}
		if (blk->start == blk->end)
			continue;   /* an empty line kept by a verbatim text */
		md_block(&a, b, heading_level(&a, b));
	}
	/* References past the last block (a range ending at the very end). */
	size_t t, len = doc_length(a.doc);
	bool extra = false;
	while ((t = ex_sweep_ending(&a.sw, len)) != (size_t)-1) {
		buf_printf(out, extra ? "[^%zu]" : "\n[^%zu]", d->threads[t].number);
		extra = true;
	}
	if (extra)
		buf_putc(out, '\n');
	for (size_t i = 0; i < d->nthreads; i++)
		if (d->threads[i].placed)
			footnote(out, &d->threads[i], x);
	ex_sweep_free(&a.sw);
	ex_inline_free(&a.il);
	orphans(out, d, x);
}

void
ex_write_md(struct ex_export *x, struct buf *out)
{
	front_matter(x, out);
	for (size_t i = 0; i < x->ndocs; i++) {
		const struct ex_document *d = &x->docs[i];
		/* With the article, its own title block is the title. */
		if (!x->opt->full || ex_title_block(d) == (size_t)-1)
			heading(out, 1, *d->info.title ? d->info.title : "(untitled)");
		if (x->opt->full)
			full_article(out, d, x);
		else
			summary(out, d, x);
	}
}
