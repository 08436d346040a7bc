/* export-csv: one row per annotation (RFC 4180: CRLF after each record,
 * a cell quoted when it holds a comma, a quote, CR or LF, quotes
 * doubled; UTF-8, without a BOM unless --bom asks for one: Excel takes a
 * CSV without one for the ANSI code page and shows CJK as mojibake,
 * while most other readers do not want one).  The columns:
 *
 *   id, parent, document, title, source, version, section, author,
 *   created, updated, status, anchor, start, end, quote, note, tags,
 *   style, private
 *
 * parent is empty for a thread's root; section is the outline heading
 * the highlight falls in; anchor, start and end are empty for page notes
 * and replies; start and end count code points; tags are joined by ", "
 * (a tag never holds a comma or white space: store_tag_problem);
 * private is "yes" or "no".  Rows come thread by thread, each root then
 * its replies, in text order. */
#include "config.h"

#include "export-internal.h"
#include "gloss/u8.h"

#include <stdlib.h>
#include <string.h>

void
export_csv_cell(struct buf *out, const char *s, size_t n)
{
	struct buf v = BUF_INIT;
	ex_put_visible(&v, s, n);
	bool quote = false;
	for (size_t i = 0; i < v.len && !quote; i++)
		quote = v.data[i] == ',' || v.data[i] == '"' || v.data[i] == '\n' ||
			v.data[i] == '\r';
	/* What a spreadsheet would run as a formula is made text. */
	bool inert = v.len > 0 && strchr("=+-@\t\r", v.data[0]) != NULL;
	if (quote)
		buf_putc(out, '"');
	if (inert)
		buf_putc(out, '\'');
	for (size_t i = 0; i < v.len; i++) {
		if (v.data[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, v.data[i]);
	}
	if (quote)
		buf_putc(out, '"');
	buf_free(&v);
}

static void
cell(struct buf *out, const char *s, bool last)
{
	if (s)
		export_csv_cell(out, s, strlen(s));
	buf_puts(out, last ? "\r\n" : ",");
}

static void
number_cell(struct buf *out, long long v, bool present)
{
	if (present)
		buf_printf(out, "%lld", v);
	buf_putc(out, ',');
}

void
ex_write_csv(struct ex_export *x, struct buf *out)
{
	if (x->opt->bom)
		buf_puts(out, "\xEF\xBB\xBF");
	buf_puts(out, "id,parent,document,title,source,version,section,author,created,"
		 "updated,status,anchor,start,end,quote,note,tags,style,private\r\n");
	struct buf tags = BUF_INIT;
	for (size_t i = 0; i < x->ndocs; i++) {
		const struct ex_document *d = &x->docs[i];
		for (size_t t = 0; t < d->nthreads; t++) {
			const struct ex_thread *th = &d->threads[t];
			const char *section = ex_section_title(th);
			for (size_t k = 0; k < th->count; k++) {
				const struct store_annotation *a = th->items[k].a;
				bool ranged = a->start >= 0;
				cell(out, a->id, false);
				cell(out, a->parent, false);
				cell(out, d->info.id, false);
				cell(out, d->info.title, false);
				cell(out, d->info.source, false);
				cell(out, a->version, false);
				cell(out, section, false);
				cell(out, a->author, false);
				cell(out, a->created, false);
				cell(out, a->updated, false);
				cell(out, store_status_name(a->status), false);
				cell(out, ranged ? store_anchor_state_name(a->anchor) : NULL, false);
				number_cell(out, a->start, ranged);
				number_cell(out, a->end, ranged);
				cell(out, a->exact, false);
				cell(out, a->note, false);
				buf_clear(&tags);
				for (size_t j = 0; j < a->tag_count; j++) {
					/* A tag has no comma or space, so ", "
					   splits the cell back unambiguously; one
					   stored before that rule is written in
					   the form an import gives it. */
					char *tag = store_tag_canonical(a->tags[j]);
					if (*tag) {
						if (tags.len)
							buf_puts(&tags, ", ");
						buf_puts(&tags, tag);
					}
					free(tag);
				}
				cell(out, tags.len ? tags.data : NULL, false);
				cell(out, a->style, false);
				cell(out, a->is_private ? "yes" : "no", true);
				ex_progress(x);
			}
		}
	}
	buf_free(&tags);
}
