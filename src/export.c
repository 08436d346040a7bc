/* export: gathering what to export (documents, versions read back as
 * docs with their outlines, annotations grouped in threads and filtered)
 * and the helpers the four writers share.  The writers are
 * export-md.c, export-json.c, export-csv.c and export-html.c. */
#include "config.h"

#include "export-internal.h"
#include "gloss/u8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* ------------------------------------------------------------- names */

static const char *const format_names[] = {
	[EXPORT_MARKDOWN] = "md",
	[EXPORT_JSON] = "json",
	[EXPORT_CSV] = "csv",
	[EXPORT_HTML] = "html",
};

bool
export_format_parse(const char *name, enum export_format *out)
{
	if (!name)
		return false;
	if (strcmp(name, "markdown") == 0) {
		*out = EXPORT_MARKDOWN;
		return true;
	}
	for (size_t i = 0; i < GL_ARRAY_LEN(format_names); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum export_format)i;
			return true;
		}
	}
	return false;
}

const char *
export_format_name(enum export_format f)
{
	if ((size_t)f >= GL_ARRAY_LEN(format_names))
		return "?";
	return format_names[f];
}

/* ------------------------------------------------------------- times */

static void
current_time(const struct export_options *opt, char out[21])
{
	const char *fixed = opt->now ? opt->now : getenv("GLOSS_NOW");
	if (fixed && gl_parse_time(fixed, out))
		return;
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ----------------------------------------------------------- helpers */

bool
ex_source_is_url(const char *source)
{
	return source && (strncmp(source, "http://", 7) == 0 ||
			  strncmp(source, "https://", 8) == 0);
}

char *
ex_target_source(const struct ex_document *d, const char *hash)
{
	if (ex_source_is_url(d->info.source))
		return xstrdup(d->info.source);
	return xasprintf("%s%s", EXPORT_HASH_URN, hash ? hash : "");
}

int
ex_style_number(const char *style)
{
	/* The store's one rule; a style stored before it was checked (or
	   none) is drawn in the first. */
	int n = store_style_number(style);
	return n ? n : 1;
}

unsigned
ex_author_colour(const char *author)
{
	uint32_t h = 2166136261u;   /* FNV-1a: the same colour in every export */
	for (const unsigned char *p = (const unsigned char *)author; p && *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % 8;
}

void
ex_put_visible(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		/* Printable ASCII and whole multi-byte characters that need
		   nothing are copied in runs. */
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
			i++;
			continue;
		}
		int32_t cp;
		size_t len = u8_decode(s, n, i, &cp);
		char ph[16];
		if (c >= 0x80 && cp != 0xfffd && !u8_placeholder(cp, ph)) {
			i += len;
			continue;
		}
		buf_append(out, s + run, i - run);
		if (cp == 0xfffd || !u8_placeholder(cp, ph))
			buf_puts(out, "\xef\xbf\xbd");
		else
			buf_puts(out, ph);
		i += len;
		run = i;
	}
	buf_append(out, s + run, n - run);
}

const char *
ex_section_title(const struct ex_thread *t)
{
	if (!t->ver || t->section == (size_t)-1)
		return "";
	const struct outline_entry *e = outline_entry(t->ver->outline, t->section);
	if (!e || e->level <= 1)
		return "";
	return e->title;
}

void
ex_progress(struct ex_export *x)
{
	x->done++;
	if (x->opt->progress && (x->done % 4096 == 0 || x->done == x->total))
		x->opt->progress(x->opt->progress_ctx, x->done, x->total);
}

/* -------------------------------------------------------------- sweep */

static const struct ex_document *sweep_doc;

static int
compare_start(const void *a, const void *b)
{
	const struct ex_thread *x = &sweep_doc->threads[*(const size_t *)a];
	const struct ex_thread *y = &sweep_doc->threads[*(const size_t *)b];
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

static int
compare_end(const void *a, const void *b)
{
	const struct ex_thread *x = &sweep_doc->threads[*(const size_t *)a];
	const struct ex_thread *y = &sweep_doc->threads[*(const size_t *)b];
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

void
ex_sweep_init(struct ex_sweep *sw, const struct ex_document *d)
{
	memset(sw, 0, sizeof *sw);
	sw->d = d;
	sw->by_start = xcalloc(d->nthreads + 1, sizeof *sw->by_start);
	sw->by_end = xcalloc(d->nthreads + 1, sizeof *sw->by_end);
	sw->active = xcalloc(d->nthreads + 1, sizeof *sw->active);
	for (size_t i = 0; i < d->nthreads; i++)
		if (d->threads[i].placed)
			sw->by_start[sw->n++] = i;
	memcpy(sw->by_end, sw->by_start, sw->n * sizeof *sw->by_end);
	sweep_doc = d;
	qsort(sw->by_start, sw->n, sizeof *sw->by_start, compare_start);
	qsort(sw->by_end, sw->n, sizeof *sw->by_end, compare_end);
	sweep_doc = NULL;
}

void
ex_sweep_free(struct ex_sweep *sw)
{
	free(sw->by_start);
	free(sw->by_end);
	free(sw->active);
	memset(sw, 0, sizeof *sw);
}

size_t
ex_sweep_ending(struct ex_sweep *sw, size_t cur)
{
	if (sw->ei >= sw->n || sw->d->threads[sw->by_end[sw->ei]].end > cur)
		return (size_t)-1;
	size_t t = sw->by_end[sw->ei++];
	for (size_t i = 0; i < sw->nactive; i++) {
		if (sw->active[i] == t) {
			memmove(&sw->active[i], &sw->active[i + 1],
				(sw->nactive - i - 1) * sizeof *sw->active);
			sw->nactive--;
			break;
		}
	}
	return t;
}

void
ex_sweep_starting(struct ex_sweep *sw, size_t cur)
{
	while (sw->si < sw->n && sw->d->threads[sw->by_start[sw->si]].start <= cur) {
		size_t t = sw->by_start[sw->si++];
		/* An empty range (or one already over) is only a reference. */
		if (sw->d->threads[t].end > cur)
			sw->active[sw->nactive++] = t;
	}
}

size_t
ex_sweep_next(const struct ex_sweep *sw, size_t cur, size_t limit)
{
	size_t next = limit;
	if (sw->si < sw->n) {
		size_t s = sw->d->threads[sw->by_start[sw->si]].start;
		if (s > cur && s < next)
			next = s;
	}
	for (size_t i = 0; i < sw->nactive; i++) {
		size_t e = sw->d->threads[sw->active[i]].end;
		if (e > cur && e < next)
			next = e;
	}
	return next;
}

/* ------------------------------------------------------------- inline */

static void
tok_push(struct ex_inline *il, const struct ex_tok *t)
{
	if (il->n == il->cap) {
		il->cap = il->cap ? il->cap * 2 : 32;
		il->toks = xreallocarray(il->toks, il->cap, sizeof *il->toks);
	}
	il->toks[il->n++] = *t;
}

void
ex_inline_free(struct ex_inline *il)
{
	free(il->toks);
	memset(il, 0, sizeof *il);
}

bool
ex_link_ok(const char *href)
{
	if (!href || !*href)
		return false;
	size_t k = strcspn(href, ":/?#");
	if (href[k] != ':')
		return true;   /* relative: no scheme */
	static const char *const schemes[] = { "http", "https", "mailto", "ftp" };
	for (size_t i = 0; i < GL_ARRAY_LEN(schemes); i++)
		if (strlen(schemes[i]) == k && strncasecmp(href, schemes[i], k) == 0)
			return true;
	return false;
}

/* What the open elements of one block are. */
struct open_elem {
	enum ex_elem elem;
	size_t tok;            /* its OPEN token */
	const char *href;
};

static void
close_to(struct ex_inline *il, struct open_elem *stack, size_t *depth, size_t keep)
{
	while (*depth > keep) {
		struct open_elem *e = &stack[--*depth];
		struct ex_tok t = { .kind = EX_TOK_CLOSE, .elem = e->elem, .pair = e->tok };
		il->toks[e->tok].pair = il->n;
		tok_push(il, &t);
	}
}

void
ex_inline_block(struct ex_inline *il, struct ex_sweep *sw, const struct doc *doc,
		size_t *span, size_t start, size_t end, const struct doc_block *row)
{
	size_t nspans = doc_span_count(doc);
	struct open_elem stack[EX_EL_COUNT];
	size_t depth = 0, *refs = NULL, nrefs = 0, refs_cap = 0;
	size_t cur = start;
	size_t cell = 0;    /* row: the cell that holds or follows cur */
	bool table = row && row->ncells > 0;
	il->n = 0;
	for (;;) {
		/* The highlights that end here, then those that start. */
		size_t t, si = sw->si;
		nrefs = 0;
		while ((t = ex_sweep_ending(sw, cur)) != (size_t)-1) {
			if (nrefs == refs_cap) {
				refs_cap = refs_cap ? refs_cap * 2 : 4;
				refs = xreallocarray(refs, refs_cap, sizeof *refs);
			}
			refs[nrefs++] = t;
		}
		if (cur < end)
			ex_sweep_starting(sw, cur);
		bool event = nrefs > 0 || sw->si != si;
		while (table && cell < row->ncells && row->cells[cell].end < cur)
			cell++;
		/* At a cell's end with another cell after it: the separator. */
		bool sep = table && cur < end && cell + 1 < row->ncells &&
			   row->cells[cell].end == cur && row->cells[cell + 1].start > cur;
		if (cur >= end || sep) {
			close_to(il, stack, &depth, 0);
			for (size_t i = 0; i < nrefs; i++) {
				struct ex_tok r = { .kind = EX_TOK_REF, .thread = refs[i] };
				tok_push(il, &r);
			}
			if (cur >= end)
				break;
			size_t next_cell = row->cells[cell + 1].start;
			struct ex_tok c = { .kind = EX_TOK_CELL, .start = cur, .end = next_cell };
			tok_push(il, &c);
			cur = next_cell;
			cell++;
			continue;
		}
		/* The doc's attributes here, and where they change. */
		while (*span < nspans && doc_span(doc, *span)->end <= cur)
			(*span)++;
		unsigned attrs = 0;
		const char *href = NULL;
		size_t next = ex_sweep_next(sw, cur, end);
		if (*span < nspans) {
			const struct doc_span *sp = doc_span(doc, *span);
			if (sp->start <= cur) {
				attrs = sp->attrs;
				href = sp->href;
				if (sp->end < next)
					next = sp->end;
			} else if (sp->start < next) {
				next = sp->start;
			}
		}
		/* Text stops at its cell's end. */
		if (table && cell < row->ncells && row->cells[cell].end > cur &&
		    row->cells[cell].end < next)
			next = row->cells[cell].end;
		bool want[EX_EL_COUNT] = {
			[EX_EL_LINK] = (attrs & DOC_ATTR_LINK) && ex_link_ok(href),
			[EX_EL_MARK] = sw->nactive > 0,
			[EX_EL_STRIKE] = (attrs & DOC_ATTR_STRIKE) != 0,
			[EX_EL_STRONG] = (attrs & DOC_ATTR_STRONG) != 0,
			[EX_EL_EM] = (attrs & DOC_ATTR_EM) != 0,
			[EX_EL_CODE] = (attrs & DOC_ATTR_CODE) != 0,
		};
		/* Keep the open elements from the bottom while they still
		   hold; close the rest.  A highlight's element ends where any
		   highlight starts or ends, and a reference is never inside a
		   link (nor its mark). */
		size_t keep = 0;
		while (keep < depth) {
			const struct open_elem *e = &stack[keep];
			bool stays = want[e->elem];
			if (e->elem == EX_EL_MARK && event)
				stays = false;
			if (e->elem == EX_EL_LINK && (nrefs > 0 || !href ||
						      strcmp(e->href, href) != 0))
				stays = false;
			if (!stays)
				break;
			keep++;
		}
		close_to(il, stack, &depth, keep);
		for (size_t i = 0; i < nrefs; i++) {
			struct ex_tok r = { .kind = EX_TOK_REF, .thread = refs[i] };
			tok_push(il, &r);
		}
		for (int e = 0; e < EX_EL_COUNT; e++) {
			if (!want[e])
				continue;
			bool open = false;
			for (size_t k = 0; k < depth && !open; k++)
				open = stack[k].elem == (enum ex_elem)e;
			if (open)
				continue;
			struct ex_tok o = { .kind = EX_TOK_OPEN, .elem = (enum ex_elem)e };
			if (e == EX_EL_LINK)
				o.href = href;
			if (e == EX_EL_MARK) {
				o.thread = sw->active[sw->nactive - 1];
				o.multi = sw->nactive > 1;
			}
			stack[depth].elem = (enum ex_elem)e;
			stack[depth].tok = il->n;
			stack[depth].href = o.href;
			depth++;
			tok_push(il, &o);
		}
		struct ex_tok x = { .kind = EX_TOK_TEXT, .start = cur, .end = next };
		tok_push(il, &x);
		cur = next;
	}
	free(refs);
}

/* The text of a block with its line breaks as spaces, trimmed. */
static void
block_line(struct buf *out, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < n; i++)
		buf_putc(out, s[i] == '\n' || s[i] == '\t' ? ' ' : s[i]);
}

void
ex_block_nest(const struct doc_block *blk, int level, char out[EX_NEST_MAX + 1])
{
	size_t n = 0;
	out[0] = '\0';
	if (level > 0)
		return;
	int lists = 0, quotes = 0;
	for (const char *c = blk->nest; *c && n < EX_NEST_MAX; c++) {
		if (*c != '>' && *c != '-' && *c != '+')
			continue;
		out[n++] = *c;
		if (*c == '>')
			quotes++;
		else
			lists++;
	}
	bool listed = blk->depth > 0 && (blk->kind == DOC_BLOCK_LIST_ITEM ||
					 blk->kind == DOC_BLOCK_PARAGRAPH ||
					 blk->kind == DOC_BLOCK_CODE);
	if (listed) {
		for (; lists < blk->depth && n < EX_NEST_MAX; lists++)
			out[n++] = '-';
		/* A list item starts its item. */
		if (blk->kind == DOC_BLOCK_LIST_ITEM && n > 0 && out[n - 1] == '-') {
			out[n - 1] = '+';
		} else if (blk->kind == DOC_BLOCK_LIST_ITEM && n > 0 && out[n - 1] != '+') {
			if (n == EX_NEST_MAX)
				n--;
			out[n++] = '+';
		}
	} else if (blk->kind == DOC_BLOCK_QUOTE) {
		int want = blk->depth > 0 ? blk->depth : 1;
		for (; quotes < want && n < EX_NEST_MAX; quotes++)
			out[n++] = '>';
		if (n > 0 && out[n - 1] != '>') {
			if (n == EX_NEST_MAX)
				n--;
			out[n++] = '>';
		}
	}
	out[n] = '\0';
}

int
ex_heading_level(const struct doc *doc, const struct outline *ol, size_t *oi, size_t b)
{
	size_t nol = outline_count(ol);
	while (*oi < nol && outline_entry(ol, *oi)->block < b)
		(*oi)++;
	if (*oi < nol && outline_entry(ol, *oi)->block == b)
		return outline_entry(ol, *oi)->level;
	const struct doc_block *blk = doc_block(doc, b);
	return blk->kind == DOC_BLOCK_HEADING ? blk->level : 0;
}

size_t
ex_title_block(const struct ex_document *d)
{
	if (!d->latest || !d->latest->doc || !*d->info.title)
		return (size_t)-1;
	const struct doc *doc = d->latest->doc;
	const struct outline *ol = d->latest->outline;
	size_t nb = doc_block_count(doc), b = 0;
	while (b < nb && doc_block(doc, b)->start == doc_block(doc, b)->end)
		b++;
	if (b == nb)
		return (size_t)-1;
	const struct doc_block *blk = doc_block(doc, b);
	int level = blk->kind == DOC_BLOCK_HEADING ? blk->level : 0;
	for (size_t i = 0; i < outline_count(ol); i++) {
		const struct outline_entry *e = outline_entry(ol, i);
		if (e->block == b) {
			level = e->level;
			break;
		}
		if (e->block > b)
			break;
	}
	if (level != 1)
		return (size_t)-1;
	struct buf line = BUF_INIT, title = BUF_INIT;
	block_line(&line, doc_text(doc, NULL) + blk->start, blk->end - blk->start);
	block_line(&title, d->info.title, strlen(d->info.title));
	bool same = line.len == title.len && memcmp(line.data, title.data, line.len) == 0;
	/* A long title is cut and ends with "…". */
	static const char ellipsis[] = "\xe2\x80\xa6";
	size_t el = sizeof ellipsis - 1;
	if (!same && title.len > el && memcmp(title.data + title.len - el, ellipsis, el) == 0 &&
	    line.len >= title.len - el)
		same = memcmp(line.data, title.data, title.len - el) == 0;
	buf_free(&line);
	buf_free(&title);
	return same ? b : (size_t)-1;
}

/* ----------------------------------------------------------- versions */

/* The version (hash, renderer) as a doc with its outline, read once per
 * export; *out is NULL when the store does not have it. */
static enum gl_status
get_version(struct ex_export *x, const char *hash, int renderer,
	    const struct doc *loaded, struct ex_version **out,
	    struct gl_error *err)
{
	*out = NULL;
	if (!hash)
		return GL_OK;
	for (size_t i = 0; i < x->nversions; i++) {
		struct ex_version *v = x->versions[i];
		if (v->renderer == renderer && strcmp(v->hash, hash) == 0) {
			*out = v;
			return GL_OK;
		}
	}
	struct ex_version *v = xcalloc(1, sizeof *v);
	if (loaded && renderer == DOC_RENDERER_VERSION &&
	    strcmp(doc_hash(loaded), hash) == 0) {
		v->doc = loaded;
	} else {
		struct store_version sv;
		enum gl_status st = store_version_find(x->store, hash, renderer, true,
						       &sv, err);
		if (st == GL_NO_MATCH) {
			free(v);
			return GL_OK;
		}
		if (st != GL_OK) {
			free(v);
			return st;
		}
		st = doc_from_text(sv.text ? sv.text : "", sv.text_len,
				   DOC_FORMAT_VERBATIM, NULL, &v->owned, err);
		store_version_clear(&sv);
		if (st != GL_OK) {
			free(v);
			return st;
		}
		v->doc = v->owned;
	}
	v->hash = xstrdup(hash);
	v->renderer = renderer;
	v->outline = outline_build(v->doc);
	x->versions = xreallocarray(x->versions, x->nversions + 1, sizeof *x->versions);
	x->versions[x->nversions++] = v;
	*out = v;
	return GL_OK;
}

/* ------------------------------------------------------------ threads */

/* qsort_r is a GNU and BSD extension with two signatures; a file-scope
 * pointer keeps this portable (export is not thread-safe anyway). */
static const struct store_annotation *sort_items;

static int
compare_by_id(const void *a, const void *b)
{
	return strcmp(sort_items[*(const size_t *)a].id,
		      sort_items[*(const size_t *)b].id);
}

/* The index of the annotation with `id`, or (size_t)-1. */
static size_t
find_id(const struct store_annotation *items, const size_t *by_id, size_t n,
	const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(items[by_id[mid]].id, id);
		if (c == 0)
			return by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

static bool
thread_selected(const struct ex_export *x, const struct ex_item *items, size_t n,
		const char *since)
{
	const struct export_options *o = x->opt;
	const struct store_annotation *root = items[0].a;
	if (o->status_set && root->status != o->status)
		return false;
	if (o->tag) {
		bool has = false;
		for (size_t i = 0; i < root->tag_count && !has; i++)
			has = strcmp(root->tags[i], o->tag) == 0;
		if (!has)
			return false;
	}
	if (o->author) {
		bool by = false;
		for (size_t i = 0; i < n && !by; i++)
			by = items[i].a->author && strcmp(items[i].a->author, o->author) == 0;
		if (!by)
			return false;
	}
	if (since) {
		bool recent = false;
		for (size_t i = 0; i < n && !recent; i++) {
			const struct store_annotation *a = items[i].a;
			recent = (a->created && strcmp(a->created, since) >= 0) ||
				 (a->updated && strcmp(a->updated, since) >= 0);
		}
		if (!recent)
			return false;
	}
	return true;
}

/* Groups a document's annotations in threads (depth first), keeps the
 * selected ones and works out where each stands. */
static enum gl_status
build_threads(struct ex_export *x, struct ex_document *d, const struct doc *loaded,
	      const char *since, struct gl_error *err)
{
	const struct store_annotation *items = d->list.items;
	size_t n = d->list.count;
	enum gl_status st = GL_OK;
	if (n == 0)
		return GL_OK;

	size_t *by_id = xcalloc(n, sizeof *by_id);
	for (size_t i = 0; i < n; i++)
		by_id[i] = i;
	sort_items = items;
	qsort(by_id, n, sizeof *by_id, compare_by_id);
	sort_items = NULL;

	/* Children of each annotation, in list order (CSR arrays). */
	size_t *parent = xcalloc(n, sizeof *parent);
	size_t *first = xcalloc(n + 1, sizeof *first);
	size_t *child = xcalloc(n, sizeof *child);
	size_t *fill = xcalloc(n, sizeof *fill);
	for (size_t i = 0; i < n; i++) {
		parent[i] = items[i].parent ? find_id(items, by_id, n, items[i].parent)
					    : (size_t)-1;
		if (parent[i] == i)
			parent[i] = (size_t)-1;   /* never loop on bad data */
		if (items[i].parent && parent[i] != (size_t)-1)
			first[parent[i] + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (size_t i = 0; i < n; i++)
		if (items[i].parent && parent[i] != (size_t)-1)
			child[first[parent[i]] + fill[parent[i]]++] = i;

	struct ex_version *latest = d->latest;
	size_t *stack = xcalloc(n, sizeof *stack);
	int *depth = xcalloc(n, sizeof *depth);
	bool *seen = xcalloc(n, sizeof *seen);
	size_t cap = 0, placed = 0;
	for (size_t r = 0; r < n && st == GL_OK; r++) {
		if (items[r].parent)
			continue;   /* replies come with their root; a reply
				       whose root is gone is not exported */
		struct ex_item *t = NULL;
		size_t tn = 0, sp = 0;
		stack[sp] = r;
		depth[sp++] = 0;
		while (sp > 0) {
			size_t i = stack[--sp];
			int dep = depth[sp];
			if (seen[i])
				continue;
			seen[i] = true;
			t = xreallocarray(t, tn + 1, sizeof *t);
			t[tn].a = &items[i];
			t[tn++].depth = dep;
			/* Push children in reverse so they pop in order. */
			for (size_t k = first[i + 1]; k-- > first[i];) {
				if (sp < n) {
					stack[sp] = child[k];
					depth[sp++] = dep + 1;
				}
			}
		}
		if (!thread_selected(x, t, tn, since)) {
			free(t);
			continue;
		}
		if (d->nthreads == cap) {
			cap = cap ? cap * 2 : 16;
			d->threads = xreallocarray(d->threads, cap, sizeof *d->threads);
		}
		struct ex_thread *th = &d->threads[d->nthreads++];
		memset(th, 0, sizeof *th);
		th->items = t;
		th->count = tn;
		th->section = (size_t)-1;
		d->count += tn;
		const struct store_annotation *root = &items[r];
		st = get_version(x, root->version, root->renderer, loaded, &th->ver, err);
		if (st != GL_OK || !th->ver || root->start < 0)
			continue;
		size_t len_cp = doc_length_cp(th->ver->doc);
		if ((size_t)root->end > len_cp || root->start > root->end)
			continue;
		th->ranged = true;
		th->start = doc_cp_to_byte(th->ver->doc, (size_t)root->start);
		th->end = doc_cp_to_byte(th->ver->doc, (size_t)root->end);
		th->section = outline_section_at(th->ver->outline, th->start);
		th->placed = th->ver == latest && root->anchor != STORE_ANCHOR_ORPHAN;
		if (th->placed)
			th->number = ++placed;
	}
	free(stack);
	free(depth);
	free(seen);
	free(by_id);
	free(parent);
	free(first);
	free(child);
	free(fill);
	return st;
}

/* A Markdown or HTML article exported without its loaded doc: the stored
 * text has lost its markup (headings, lists, code, tables, emphasis,
 * links), so its source file is read again, and used only when it still
 * renders to that very text (`hash`).  NULL when it cannot be: a URL
 * (never fetched here), standard input, plain text (its stored text has
 * its blocks), a file edited, gone or read in another way. */
static struct doc *
reload_source(const char *source, const char *hash)
{
	if (!source || !*source || strcmp(source, "-") == 0 || doc_is_url(source))
		return NULL;
	static const char *const structured[] = {
		".md", ".markdown", ".mdown", ".mkd", ".html", ".htm", ".xhtml",
	};
	const char *dot = strrchr(source, '.');
	bool known = false;
	for (size_t i = 0; dot && i < GL_ARRAY_LEN(structured) && !known; i++)
		known = strcasecmp(dot, structured[i]) == 0;
	/* Only a file: a FIFO there now would wait for a writer. */
	struct stat sb;
	if (!known || stat(source, &sb) != 0 || !S_ISREG(sb.st_mode))
		return NULL;
	struct doc_load_options o = { .path = source, .format = DOC_FORMAT_AUTO };
	struct doc *doc = NULL;
	struct gl_error err;
	if (doc_load(&o, &doc, &err) != GL_OK)
		return NULL;
	if (strcmp(doc_hash(doc), hash) != 0) {
		doc_free(doc);
		return NULL;
	}
	return doc;
}

static enum gl_status
gather_document(struct ex_export *x, const char *id, const struct doc *loaded,
		const char *since, struct gl_error *err)
{
	x->docs = xreallocarray(x->docs, x->ndocs + 1, sizeof *x->docs);
	struct ex_document *d = &x->docs[x->ndocs++];
	memset(d, 0, sizeof *d);
	enum gl_status st = store_document_get(x->store, id, &d->info, err);
	if (st != GL_OK)
		return st;
	struct store_version v;
	st = store_version_latest(x->store, id, false, &v, err);
	if (st == GL_OK) {
		if (!loaded && v.hash && v.renderer == DOC_RENDERER_VERSION)
			loaded = d->reloaded = reload_source(d->info.source, v.hash);
		st = get_version(x, v.hash, v.renderer, loaded, &d->latest, err);
		store_version_clear(&v);
	} else if (st == GL_NO_MATCH) {
		st = GL_OK;
	}
	if (st != GL_OK)
		return st;
	struct store_filter f = { .document = id };
	st = store_annotations_list(x->store, &f, &d->list, err);
	if (st != GL_OK)
		return st;
	st = build_threads(x, d, loaded, since, err);
	x->total += d->count;
	return st;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
collect_authors(struct ex_export *x)
{
	size_t cap = 0;
	for (size_t i = 0; i < x->ndocs; i++) {
		const struct ex_document *d = &x->docs[i];
		for (size_t t = 0; t < d->nthreads; t++) {
			for (size_t k = 0; k < d->threads[t].count; k++) {
				const char *a = d->threads[t].items[k].a->author;
				if (!a)
					continue;
				if (x->nauthors == cap) {
					cap = cap ? cap * 2 : 8;
					x->authors = xreallocarray(x->authors, cap,
								   sizeof *x->authors);
				}
				x->authors[x->nauthors++] = (char *)a;
			}
		}
	}
	if (x->nauthors > 1)
		qsort(x->authors, x->nauthors, sizeof *x->authors, compare_strings);
	size_t n = 0;
	for (size_t i = 0; i < x->nauthors; i++)
		if (n == 0 || strcmp(x->authors[n - 1], x->authors[i]) != 0)
			x->authors[n++] = x->authors[i];
	x->nauthors = n;
}

static void
free_export(struct ex_export *x)
{
	for (size_t i = 0; i < x->ndocs; i++) {
		struct ex_document *d = &x->docs[i];
		for (size_t t = 0; t < d->nthreads; t++)
			free(d->threads[t].items);
		free(d->threads);
		store_annotation_list_free(&d->list);
		store_document_clear(&d->info);
	}
	for (size_t i = 0; i < x->nversions; i++) {
		struct ex_version *v = x->versions[i];
		outline_free(v->outline);
		doc_free(v->owned);
		free(v->hash);
		free(v);
	}
	free(x->versions);
	/* After the versions, which may have borrowed them. */
	for (size_t i = 0; i < x->ndocs; i++)
		doc_free(x->docs[i].reloaded);
	free(x->docs);
	free(x->authors);   /* the strings belong to the lists */
}

enum gl_status
export_write(struct store *s, const struct export_document *docs, size_t n,
	     const struct export_options *opt, struct buf *out, size_t *count,
	     struct gl_error *err)
{
	struct ex_export x;
	char since[21];
	enum gl_status st = GL_OK;

	memset(&x, 0, sizeof x);
	x.store = s;
	x.opt = opt;
	current_time(opt, x.now);
	if (opt->since && !gl_parse_time(opt->since, since))
		return gl_fail(err, GL_USAGE, "'%s' is not a date (YYYY-MM-DD) or "
			       "time (YYYY-MM-DDTHH:MM:SSZ)", opt->since);
	const char *since_p = opt->since ? since : NULL;

	if (n == 0) {
		struct store_document_list l;
		st = store_documents_list(s, &l, err);
		if (st == GL_OK) {
			for (size_t i = 0; st == GL_OK && i < l.count; i++)
				st = gather_document(&x, l.items[i].id, NULL, since_p, err);
			store_document_list_free(&l);
		}
	} else {
		for (size_t i = 0; st == GL_OK && i < n; i++)
			st = gather_document(&x, docs[i].id, docs[i].doc, since_p, err);
	}
	if (st == GL_OK) {
		collect_authors(&x);
		switch (opt->format) {
		case EXPORT_MARKDOWN: ex_write_md(&x, out); break;
		case EXPORT_JSON: st = ex_write_json(&x, out, err); break;
		case EXPORT_CSV: ex_write_csv(&x, out); break;
		case EXPORT_HTML: ex_write_html(&x, out); break;
		}
	}
	if (st == GL_OK && count)
		*count = x.total;
	free_export(&x);
	return st;
}
