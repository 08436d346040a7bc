/* export-html: one self-contained page.  No script, no outside resource
 * (the style sheet is in the page), every piece of text escaped.
 *
 *   <header>  the title of the export, when it was made, the authors with
 *             their colours
 *   <article> per document: its title (the article's own title block,
 *             once), source and hash; page notes; the text with its
 *             structure (headings at their level, <ul>/<ol> lists
 *             nested with their items, <pre><code>, <table> with the
 *             first row as its header, <blockquote>, <em>, <strong>,
 *             <del>, <code>, <a href> for http, https, mailto, ftp and
 *             relative links); each highlight a <mark class="hlN
 *             auM"> (N its style 1-5 as the reader draws it, M its
 *             author's colour 0-7; "multi" where highlights overlap)
 *             followed by a numbered reference; after
 *             each block, an <aside> with the notes of the highlights
 *             that end in it (quote, note, tags, author, time, state,
 *             replies); at the end the orphans, with the text they were
 *             made on.
 *
 * The ids in the page are "n-" + the annotation id (a note) and "m-" +
 * it (its first mark), so a note links to its highlight and back. */
#include "config.h"

#include "export-internal.h"
#include "gloss/u8.h"

#include <stdlib.h>
#include <string.h>

static const char style_sheet[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans\","
	"\"Noto Sans CJK TC\",sans-serif;line-height:1.7;max-width:46em;"
	"margin:2em auto;padding:0 1em;color:#222;background:#fff}\n"
	"header{border-bottom:1px solid #ddd;margin-bottom:1.5em}\n"
	".meta{color:#666;font-size:.9em}\n"
	"article{margin-bottom:3em}\n"
	"mark{padding:0 .1em;border-bottom:3px solid transparent}\n"
	"mark.hl1{background:#fff2a8}\n"
	"mark.hl2{background:#c9f2c0}\n"
	"mark.hl3{background:#c4ecf7}\n"
	"mark.hl4{background:#f6cdf0}\n"
	"mark.hl5{background:none;text-decoration:underline #d22 2px}\n"
	"mark.multi{outline:1px dotted #888}\n"
	".c0{color:#1f77b4}.c1{color:#2ca02c}.c2{color:#9467bd}.c3{color:#b8860b}"
	".c4{color:#d62728}.c5{color:#138d9c}.c6{color:#8c564b}.c7{color:#c2389a}\n"
	"sup.ref a{text-decoration:none;font-size:.75em}\n"
	"aside.notes{margin:.3em 0 1.2em 1.5em;font-size:.92em}\n"
	".note{border-left:4px solid #ccc;padding:.2em .8em;margin:.4em 0}\n"
	".note blockquote{margin:.2em 0;color:#555;font-style:italic}\n"
	".note .who{font-weight:bold}\n"
	".note .when,.note .state{color:#666}\n"
	".tag{background:#eee;border-radius:.3em;padding:0 .3em;margin-right:.3em}\n"
	".replies{list-style:none;padding-left:1em;margin:.3em 0}\n"
	".ctl{color:#a0a;font-family:monospace}\n"
	/* After .note, so that the author's colour wins. */
	".au0{border-color:#1f77b4}.au1{border-color:#2ca02c}"
	".au2{border-color:#9467bd}.au3{border-color:#d4a017}"
	".au4{border-color:#d62728}.au5{border-color:#17becf}"
	".au6{border-color:#8c564b}.au7{border-color:#e377c2}\n"
	"pre{white-space:pre-wrap}\n"
	"table{border-collapse:collapse;margin:.8em 0}\n"
	"th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}\n";

void
export_html_escape(struct buf *out, const char *s, size_t n, bool in_attribute)
{
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *ref = NULL;
		switch (c) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		default: break;
		}
		if (ref) {
			buf_append(out, s + run, i - run);
			buf_puts(out, ref);
			run = ++i;
			continue;
		}
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
			i++;
			continue;
		}
		int32_t cp;
		size_t len = u8_decode(s, n, i, &cp);
		char ph[16];
		bool needs = u8_placeholder(cp, ph);
		if (!needs && !(cp == 0xfffd && len == 1)) {
			i += len;
			continue;
		}
		buf_append(out, s + run, i - run);
		if (!needs) {
			buf_puts(out, "\xef\xbf\xbd");
		} else {
			if (!in_attribute)
				buf_puts(out, "<span class=\"ctl\">");
			/* Placeholders are ASCII: ^[ or <U+202E>. */
			for (const char *p = ph; *p; p++) {
				if (*p == '<')
					buf_puts(out, "&lt;");
				else if (*p == '>')
					buf_puts(out, "&gt;");
				else
					buf_putc(out, *p);
			}
			if (!in_attribute)
				buf_puts(out, "</span>");
		}
		i += len;
		run = i;
	}
	buf_append(out, s + run, n - run);
}

static void
put(struct buf *out, const char *s)
{
	if (s)
		export_html_escape(out, s, strlen(s), false);
}

static void
put_attr(struct buf *out, const char *s)
{
	if (s)
		export_html_escape(out, s, strlen(s), true);
}

/* Text with its line breaks as <br> (in <pre>, as they are). */
static void
put_text_lines(struct buf *out, const char *s, size_t n, bool pre)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t stop = nl ? (size_t)(nl - s) : n;
		export_html_escape(out, s + i, stop - i, false);
		if (!nl)
			break;
		buf_puts(out, pre ? "\n" : "<br>\n");
		i = stop + 1;
	}
}

/* A note's text: paragraphs at empty lines, <br> at the others. */
static void
put_lines(struct buf *out, const char *s, size_t n)
{
	put_text_lines(out, s, n, false);
}

static void
put_note(struct buf *out, const char *note)
{
	size_t n = strlen(note), i = 0;
	while (n > 0 && (note[n - 1] == '\n' || note[n - 1] == ' '))
		n--;
	while (i < n) {
		const char *gap = NULL;
		for (size_t k = i; k + 1 < n; k++) {
			if (note[k] == '\n' && note[k + 1] == '\n') {
				gap = note + k;
				break;
			}
		}
		size_t stop = gap ? (size_t)(gap - note) : n;
		if (stop > i) {
			buf_puts(out, "<p>");
			put_lines(out, note + i, stop - i);
			buf_puts(out, "</p>");
		}
		i = stop;
		while (i < n && note[i] == '\n')
			i++;
	}
}

static void
who_when(struct buf *out, const struct store_annotation *a)
{
	buf_printf(out, "<span class=\"who c%u\">", ex_author_colour(a->author));
	put(out, a->author);
	buf_puts(out, "</span> <span class=\"when\">");
	put(out, a->created);
	if (a->updated && a->created && strcmp(a->updated, a->created) != 0) {
		buf_puts(out, " (edited ");
		put(out, a->updated);
		buf_putc(out, ')');
	}
	buf_puts(out, "</span>");
	if (a->is_private)
		buf_puts(out, " <span class=\"state\">private</span>");
}

/* One thread as a note: quote (when asked), note, tags, who and when,
 * state, and its replies. */
static void
note_html(struct buf *out, const struct ex_thread *t, bool with_quote,
	  struct ex_export *x)
{
	const struct store_annotation *root = t->items[0].a;
	buf_printf(out, "<div class=\"note au%u\" id=\"n-", ex_author_colour(root->author));
	put_attr(out, root->id);
	buf_puts(out, "\">");
	if (t->placed) {
		buf_puts(out, "<a href=\"#m-");
		put_attr(out, root->id);
		buf_printf(out, "\">%zu</a> ", t->number);
	}
	who_when(out, root);
	buf_printf(out, " <span class=\"state\">%s", store_status_name(root->status));
	if (root->anchor == STORE_ANCHOR_MOVED || root->anchor == STORE_ANCHOR_FUZZY ||
	    root->anchor == STORE_ANCHOR_ORPHAN)
		buf_printf(out, ", %s", store_anchor_state_name(root->anchor));
	buf_puts(out, "</span>");
	for (size_t i = 0; i < root->tag_count; i++) {
		buf_puts(out, " <span class=\"tag\">");
		put(out, root->tags[i]);
		buf_puts(out, "</span>");
	}
	if (with_quote && root->exact) {
		buf_puts(out, "<blockquote>");
		put_lines(out, root->exact, strlen(root->exact));
		buf_puts(out, "</blockquote>");
	}
	if (root->note && *root->note)
		put_note(out, root->note);
	ex_progress(x);
	/* Replies, nested by depth (depth first: a step down is one). */
	int depth = 0;
	for (size_t k = 1; k < t->count; k++) {
		const struct store_annotation *a = t->items[k].a;
		int want = t->items[k].depth;
		if (want > depth) {
			while (depth < want) {
				buf_puts(out, "<ul class=\"replies\"><li>");
				depth++;
			}
		} else {
			while (depth > want) {
				buf_puts(out, "</li></ul>");
				depth--;
			}
			buf_puts(out, "</li><li>");
		}
		who_when(out, a);
		if (a->note && *a->note)
			put_note(out, a->note);
		ex_progress(x);
	}
	while (depth > 0) {
		buf_puts(out, "</li></ul>");
		depth--;
	}
	buf_puts(out, "</div>\n");
}

/* The notes of the threads whose highlight ended in the block just
 * written. */
static void
flush_notes(struct buf *out, const struct ex_document *d, const size_t *pending,
	    size_t *npending, struct ex_export *x)
{
	if (*npending == 0)
		return;
	buf_puts(out, "<aside class=\"notes\">\n");
	for (size_t i = 0; i < *npending; i++)
		note_html(out, &d->threads[pending[i]], false, x);
	buf_puts(out, "</aside>\n");
	*npending = 0;
}

/* Writing the article: the elements open around the block being
 * written (lists with an item open in each, quotes, a table), the notes
 * waiting to be shown. */
struct html_article {
	struct buf *out;
	const struct ex_document *d;
	struct ex_export *x;
	const struct doc *doc;
	const struct outline *ol;
	const char *text;
	struct ex_sweep sw;
	struct ex_inline il;
	size_t span, oi;
	/* The containers open, outermost first: '>' a <blockquote>, '-' a
	   list with an item open in it (ordered or not). */
	char open[EX_NEST_MAX + 1];
	bool open_ordered[EX_NEST_MAX + 1];
	size_t nopen;
	bool table, table_body;
	const struct doc_block *row;   /* the table row being written */
	size_t *pending, npending;
	bool *marked_once;
};

static const char *const html_tag[EX_EL_COUNT] = {
	[EX_EL_LINK] = "a", [EX_EL_MARK] = "mark", [EX_EL_STRIKE] = "del",
	[EX_EL_STRONG] = "strong", [EX_EL_EM] = "em", [EX_EL_CODE] = "code",
};

/* Opens cell k of a table row: <th> or <td>, with its alignment. */
static void
cell_open(struct buf *out, const char *cell, const struct doc_block *row, size_t k)
{
	enum doc_align al = row && k < row->ncells ? row->cells[k].align : DOC_ALIGN_NONE;
	buf_printf(out, "<%s%s>", cell,
		   al == DOC_ALIGN_LEFT ? " style=\"text-align: left\"" :
		   al == DOC_ALIGN_CENTER ? " style=\"text-align: center\"" :
		   al == DOC_ALIGN_RIGHT ? " style=\"text-align: right\"" : "");
}

/* A block's tokens as HTML; `cell` is the tag of a table row's cells. */
static void
html_inline(struct html_article *a, bool pre, const char *cell)
{
	struct buf *out = a->out;
	size_t k = 0;   /* the cell a table row's text is in */
	for (size_t i = 0; i < a->il.n; i++) {
		const struct ex_tok *t = &a->il.toks[i];
		switch (t->kind) {
		case EX_TOK_TEXT:
			put_text_lines(out, a->text + t->start, t->end - t->start, pre);
			break;
		case EX_TOK_CELL:
			buf_printf(out, "</%s>", cell);
			cell_open(out, cell, a->row, ++k);
			break;
		case EX_TOK_REF: {
			const struct ex_thread *th = &a->d->threads[t->thread];
			buf_puts(out, "<sup class=\"ref\"><a href=\"#n-");
			put_attr(out, th->items[0].a->id);
			buf_printf(out, "\">%zu</a></sup>", th->number);
			a->pending[a->npending++] = t->thread;
			break;
		}
		case EX_TOK_OPEN:
			if (t->elem == EX_EL_LINK) {
				buf_puts(out, "<a href=\"");
				put_attr(out, t->href);
				buf_puts(out, "\">");
			} else if (t->elem == EX_EL_MARK) {
				/* The newest highlight decides the colours. */
				const struct store_annotation *an = a->d->threads[t->thread].items[0].a;
				buf_printf(out, "<mark class=\"hl%d au%u%s\"",
					   ex_style_number(an->style),
					   ex_author_colour(an->author),
					   t->multi ? " multi" : "");
				if (!a->marked_once[t->thread]) {
					buf_puts(out, " id=\"m-");
					put_attr(out, an->id);
					buf_putc(out, '"');
					a->marked_once[t->thread] = true;
				}
				buf_puts(out, " title=\"");
				put_attr(out, an->author);
				buf_puts(out, "\">");
			} else {
				buf_printf(out, "<%s>", html_tag[t->elem]);
			}
			break;
		case EX_TOK_CLOSE:
			buf_printf(out, "</%s>", html_tag[t->elem]);
			break;
		}
	}
}

/* Whether blk is written as a list item (its text right in the <li>). */
static bool
html_item(const struct doc_block *blk)
{
	char nest[EX_NEST_MAX + 1];
	ex_block_nest(blk, 0, nest);
	size_t nn = strlen(nest);
	return blk->kind == DOC_BLOCK_LIST_ITEM && nn > 0 && nest[nn - 1] == '+';
}

static void
close_table(struct html_article *a)
{
	if (!a->table)
		return;
	buf_puts(a->out, a->table_body ? "</tbody>\n</table>\n" : "</thead>\n</table>\n");
	a->table = a->table_body = false;
	flush_notes(a->out, a->d, a->pending, &a->npending, a->x);
}

/* Closes the containers past the first `keep`. */
static void
close_containers(struct html_article *a, size_t keep)
{
	while (a->nopen > keep) {
		a->nopen--;
		if (a->open[a->nopen] == '>')
			buf_puts(a->out, "</blockquote>\n");
		else
			buf_puts(a->out, a->open_ordered[a->nopen] ? "</li></ol>\n" : "</li></ul>\n");
	}
	a->open[a->nopen] = '\0';
}

static void
open_container(struct html_article *a, char kind, bool ordered, unsigned start)
{
	if (kind == '>') {
		buf_puts(a->out, "<blockquote>\n");
	} else if (ordered && start != 1) {
		buf_printf(a->out, "<ol start=\"%u\">\n<li>", start);
	} else {
		buf_puts(a->out, ordered ? "<ol>\n<li>" : "<ul>\n<li>");
	}
	a->open_ordered[a->nopen] = ordered;
	a->open[a->nopen++] = kind;
	a->open[a->nopen] = '\0';
}

/* The elements around block b (written at heading `level`, or 0): the
 * quotes and lists it stands in (doc_block.nest), an item open at each
 * list level, closed or opened from those of the block before; a table
 * ended. */
static void
html_containers(struct html_article *a, const struct doc_block *blk, int level)
{
	char nest[EX_NEST_MAX + 1];
	ex_block_nest(blk, level, nest);
	size_t nn = strlen(nest);
	bool item = !level && blk->kind == DOC_BLOCK_LIST_ITEM && nn > 0 && nest[nn - 1] == '+';
	if (level || blk->kind != DOC_BLOCK_TABLE_ROW || strcmp(nest, a->open) != 0)
		close_table(a);
	size_t common = 0;
	while (common < nn && common < a->nopen && nest[common] != '+' &&
	       nest[common] == a->open[common])
		common++;
	if (common < nn && nest[common] == '+' && common < a->nopen && a->open[common] == '-') {
		/* An item starts in a list that is open: the next item of it,
		   unless the block's own item is of the other kind. */
		bool own = item && common == nn - 1;
		if (!own || a->open_ordered[common] == blk->ordered) {
			close_containers(a, common + 1);
			buf_puts(a->out, "</li>\n<li>");
			common++;
		}
	}
	close_containers(a, common);
	for (size_t i = common; i < nn; i++) {
		bool own = item && i == nn - 1;
		open_container(a, nest[i] == '>' ? '>' : '-', own && blk->ordered, own ? blk->number : 1);
	}
}

static int
html_heading_level(struct html_article *a, size_t b)
{
	return ex_heading_level(a->doc, a->ol, &a->oi, b);
}

/* Writes block b (its tokens made here) inside its containers. */
static void
html_block(struct html_article *a, size_t b, int level)
{
	const struct doc_block *blk = doc_block(a->doc, b);
	struct buf *out = a->out;
	bool row = blk->kind == DOC_BLOCK_TABLE_ROW && level == 0;
	size_t start = blk->start;
	/* Plain text's own list marker gives way to the list's. */
	if (!level && html_item(blk) &&
	    blk->marker_len < blk->end - blk->start)
		start += blk->marker_len;
	ex_inline_block(&a->il, &a->sw, a->doc, &a->span, start, blk->end, row ? blk : NULL);
	if (level) {
		if (level > 6)
			level = 6;
		buf_printf(out, "<h%d>", level);
		html_inline(a, false, "td");
		buf_printf(out, "</h%d>\n", level);
	} else if (row) {
		/* The first row of a table is its header, as in GFM. */
		const char *cell = a->table ? "td" : "th";
		if (!a->table) {
			buf_puts(out, "<table>\n<thead>\n");
			a->table = true;
		} else if (!a->table_body) {
			buf_puts(out, "</thead>\n<tbody>\n");
			a->table_body = true;
		}
		buf_puts(out, "<tr>");
		a->row = blk;
		cell_open(out, cell, blk, 0);
		html_inline(a, false, cell);
		a->row = NULL;
		buf_printf(out, "</%s></tr>\n", cell);
	} else if (blk->kind == DOC_BLOCK_CODE) {
		buf_puts(out, "<pre><code");
		if (blk->info) {
			buf_puts(out, " class=\"language-");
			put_attr(out, blk->info);
			buf_putc(out, '"');
		}
		buf_putc(out, '>');
		html_inline(a, true, "td");
		buf_puts(out, "</code></pre>\n");
	} else if (html_item(blk)) {
		html_inline(a, false, "td");
		buf_putc(out, '\n');
	} else {
		buf_puts(out, "<p>");
		html_inline(a, false, "td");
		buf_puts(out, "</p>\n");
	}
	if (!a->table)
		flush_notes(out, a->d, a->pending, &a->npending, a->x);
}

/* The title, source and version, and the page notes. */
static void
document_head(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	buf_puts(out, "<p class=\"meta\">");
	if (d->info.source) {
		put(out, d->info.source);
		buf_puts(out, " · ");
	}
	buf_puts(out, "version ");
	put(out, d->latest ? d->latest->hash : "(none)");
	buf_printf(out, " · %zu annotation%s</p>\n", d->count, d->count == 1 ? "" : "s");

	bool any = false;
	for (size_t i = 0; i < d->nthreads; i++) {
		const struct ex_thread *t = &d->threads[i];
		if (t->items[0].a->start >= 0)
			continue;
		if (!any)
			buf_puts(out, "<section class=\"page-notes\">\n<h2>Page notes</h2>\n");
		any = true;
		note_html(out, t, false, x);
	}
	if (any)
		buf_puts(out, "</section>\n");
}

/* The title (the article's own title block, with its highlights, when
 * it has one), the head, then the article block by block with its
 * structure: headings at their level, lists (nested, numbered), quotes,
 * code, tables, emphasis, links; the notes after each block. */
static void
article_text(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	size_t title = ex_title_block(d);
	if (!d->latest) {
		buf_puts(out, "<h1>");
		put(out, *d->info.title ? d->info.title : "(untitled)");
		buf_puts(out, "</h1>\n");
		document_head(out, d, x);
		return;
	}
	struct html_article a;
	memset(&a, 0, sizeof a);
	a.out = out;
	a.d = d;
	a.x = x;
	a.doc = d->latest->doc;
	a.ol = d->latest->outline;
	a.text = doc_text(a.doc, NULL);
	a.pending = xcalloc(d->nthreads + 1, sizeof *a.pending);
	a.marked_once = xcalloc(d->nthreads + 1, sizeof *a.marked_once);
	ex_sweep_init(&a.sw, d);
	if (title != (size_t)-1) {
		const struct doc_block *blk = doc_block(a.doc, title);
		html_heading_level(&a, title);
		ex_inline_block(&a.il, &a.sw, a.doc, &a.span, blk->start, blk->end, NULL);
		buf_puts(out, "<h1>");
		html_inline(&a, false, "td");
		buf_puts(out, "</h1>\n");
	} else {
		buf_puts(out, "<h1>");
		put(out, *d->info.title ? d->info.title : "(untitled)");
		buf_puts(out, "</h1>\n");
	}
	document_head(out, d, x);
	flush_notes(out, d, a.pending, &a.npending, x);
	size_t nb = doc_block_count(a.doc);
	for (size_t b = title == (size_t)-1 ? 0 : title + 1; b < nb; b++) {
		const struct doc_block *blk = doc_block(a.doc, b);
		if (blk->kind == DOC_BLOCK_RULE) {
			size_t t;
			html_containers(&a, blk, 0);
			while ((t = ex_sweep_ending(&a.sw, blk->start)) != (size_t)-1)
				a.pending[a.npending++] = t;
			flush_notes(out, d, a.pending, &a.npending, x);
			buf_puts(out, "<hr>\n");
			continue;
		}
		if (blk->start == blk->end)
			continue;   /* an empty line kept by a verbatim text */
		/* A heading stands outside lists and quotes. */
		int level = html_heading_level(&a, b);
		html_containers(&a, blk, level);
		html_block(&a, b, level);
	}
	close_table(&a);
	close_containers(&a, 0);
	size_t t;
	while ((t = ex_sweep_ending(&a.sw, doc_length(a.doc))) != (size_t)-1)
		a.pending[a.npending++] = t;
	flush_notes(out, d, a.pending, &a.npending, x);
	ex_sweep_free(&a.sw);
	ex_inline_free(&a.il);
	free(a.pending);
	free(a.marked_once);
}

static void
document_html(struct buf *out, const struct ex_document *d, struct ex_export *x)
{
	/* The language, so that a browser picks Japanese or Chinese shapes
	   for the same ideographs (Han unification). */
	const char *lang = NULL;
	if (d->latest && d->latest->doc) {
		size_t len;
		const char *text = doc_text(d->latest->doc, &len);
		lang = u8_guess_language(text, len);
	}
	if (lang)
		buf_printf(out, "<article lang=\"%s\">\n", lang);
	else
		buf_puts(out, "<article>\n");
	article_text(out, d, x);

	bool any = false;
	for (size_t i = 0; i < d->nthreads; i++) {
		const struct ex_thread *t = &d->threads[i];
		if (t->items[0].a->start < 0 || t->placed)
			continue;
		if (!any)
			buf_puts(out, "<section class=\"orphans\">\n<h2>Orphaned "
				 "annotations</h2>\n<p class=\"meta\">Not found in the "
				 "latest text; each quote is the text it was made on.</p>\n");
		any = true;
		note_html(out, t, true, x);
	}
	if (any)
		buf_puts(out, "</section>\n");
	buf_puts(out, "</article>\n");
}

void
ex_write_html(struct ex_export *x, struct buf *out)
{
	const char *title = x->ndocs == 1 && *x->docs[0].info.title
			    ? x->docs[0].info.title : "gloss export";
	buf_puts(out, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	buf_printf(out, "<meta name=\"generator\" content=\"gloss %s\">\n<title>",
		   PACKAGE_VERSION);
	put(out, title);
	buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
		   "<p class=\"meta\">Exported by gloss %s on %s · %zu annotation%s",
		   style_sheet, PACKAGE_VERSION, x->now, x->total,
		   x->total == 1 ? "" : "s");
	if (x->nauthors) {
		buf_puts(out, " by ");
		for (size_t i = 0; i < x->nauthors; i++) {
			if (i)
				buf_puts(out, ", ");
			buf_printf(out, "<span class=\"who c%u\">",
				   ex_author_colour(x->authors[i]));
			put(out, x->authors[i]);
			buf_puts(out, "</span>");
		}
	}
	buf_puts(out, "</p>\n</header>\n");
	for (size_t i = 0; i < x->ndocs; i++)
		document_html(out, &x->docs[i], x);
	buf_puts(out, "</body>\n</html>\n");
}
