/* doc: the document object, the builder the renderers share, the hash and
 * the code point <-> byte index.  Loading is in doc-load.c (a URL's bytes
 * come from doc-fetch.c), plain text in doc-text.c, Markdown in
 * doc-markdown.c, HTML in doc-html.c. */
#include "config.h"

#include "doc-internal.h"
#include "gloss/fetch.h"
#include "gloss/u8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* xxHash compiled in (its header carries the whole implementation), so
 * that no start pays the dynamic loader for libxxhash. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* One index entry per this many code points: the index costs 8 bytes per
 * 1024 characters, and a lookup scans at most 1023 characters. */
#define CP_SAMPLE 1024
/* Rendering gives back the memory of its input this much at a time. */
#define RELEASE_STEP ((size_t)4 * 1024 * 1024)

struct doc {
	char *text;
	size_t len;
	size_t len_cp;
	enum doc_format format;
	char *source;
	bool transient;
	char *title;
	char hash[33];
	struct doc_info info;
	char *encoding;
	struct doc_block *blocks;
	size_t nblocks;
	struct doc_span *spans;
	size_t nspans;
	struct doc_cell *cells;   /* every row's, in block order */
	char **strings;
	size_t nstrings;
	size_t *cp_index;      /* byte offset of code point k * CP_SAMPLE */
	size_t ncp_index;
	char *meta[DOC_META_COUNT];  /* owned, or NULL */
};

/* ------------------------------------------------------------- builder */

static bool
is_ascii_start(const char *s, size_t n)
{
	return n > 0 && (unsigned char)s[0] < 0x80;
}

size_t
docb_append(struct doc_builder *b, const char *s, size_t n)
{
	size_t old = b->text.len;
	if (n == 0)
		return old;
	/* Two NFC strings make an NFC string unless the second starts with
	 * something that attaches to the end of the first (a combining mark,
	 * a Hangul vowel or final jamo).  Those never start a grapheme
	 * cluster, so a cluster boundary at the join means nothing to do.
	 * An ASCII character or a line start never interact. */
	if (old == 0 || b->text.data[old - 1] == '\n' || is_ascii_start(s, n)) {
		buf_append(&b->text, s, n);
		return old;
	}
	size_t tail = u8_prev_cluster(b->text.data, old, old);
	size_t head = u8_next_cluster(s, n, 0);
	struct buf window = BUF_INIT;
	buf_append(&window, b->text.data + tail, old - tail);
	buf_append(&window, s, head);
	if (u8_next_cluster(window.data, window.len, 0) <= old - tail) {
		buf_free(&window);
		buf_append(&b->text, s, n);
		return old;
	}
	struct buf nfc = BUF_INIT;
	u8_nfc(&nfc, window.data, window.len);
	if (nfc.len == window.len && memcmp(nfc.data, window.data, nfc.len) == 0) {
		buf_append(&b->text, s, n);
		buf_free(&nfc);
		buf_free(&window);
		return old;
	}
	b->text.len = tail;
	buf_append(&b->text, nfc.data, nfc.len);
	buf_append(&b->text, s + head, n - head);
	buf_free(&nfc);
	buf_free(&window);
	return tail;
}

void
docb_consumed(struct doc_builder *b, size_t upto)
{
	if (!b->input || upto < b->released + RELEASE_STEP)
		return;
	gl_release_pages((char *)b->input + b->released, upto - b->released);
	b->released = upto;
}

struct doc_block *
docb_block_begin(struct doc_builder *b, enum doc_block_kind kind)
{
	if (b->block_open)
		docb_block_end(b);
	if (b->nblocks > 0)
		buf_putc(&b->text, '\n');
	if (b->nblocks == b->blocks_cap) {
		b->blocks_cap = b->blocks_cap ? b->blocks_cap * 2 : 64;
		b->blocks = xreallocarray(b->blocks, b->blocks_cap, sizeof *b->blocks);
	}
	struct doc_block *blk = &b->blocks[b->nblocks++];
	memset(blk, 0, sizeof *blk);
	blk->kind = kind;
	blk->nest = "";
	blk->start = blk->end = b->text.len;
	b->block_open = true;
	return blk;
}

void
docb_block_end(struct doc_builder *b)
{
	if (!b->block_open)
		return;
	b->blocks[b->nblocks - 1].end = b->text.len;
	b->block_open = false;
}

struct doc_block *
docb_current(struct doc_builder *b)
{
	return b->block_open ? &b->blocks[b->nblocks - 1] : NULL;
}

void
docb_cell_begin(struct doc_builder *b, enum doc_align align)
{
	struct doc_block *blk = docb_current(b);
	if (!blk)
		return;
	if (b->ncells == b->cells_cap) {
		b->cells_cap = b->cells_cap ? b->cells_cap * 2 : 64;
		b->cells = xreallocarray(b->cells, b->cells_cap, sizeof *b->cells);
	}
	struct doc_cell *c = &b->cells[b->ncells++];
	c->start = c->end = b->text.len;
	c->align = align;
	blk->ncells++;
}

void
docb_cell_end(struct doc_builder *b)
{
	struct doc_block *blk = docb_current(b);
	if (blk && blk->ncells > 0)
		b->cells[b->ncells - 1].end = b->text.len;
}

void
docb_cells_drop(struct doc_builder *b)
{
	struct doc_block *blk = docb_current(b);
	if (blk) {
		b->ncells -= blk->ncells;
		blk->ncells = 0;
	}
}

void
docb_span(struct doc_builder *b, size_t start, size_t end, unsigned attrs,
	  const char *href, size_t href_len)
{
	if (end <= start || attrs == 0)
		return;
	if (b->nspans == b->spans_cap) {
		b->spans_cap = b->spans_cap ? b->spans_cap * 2 : 64;
		b->spans = xreallocarray(b->spans, b->spans_cap, sizeof *b->spans);
	}
	struct doc_span *sp = &b->spans[b->nspans++];
	sp->start = start;
	sp->end = end;
	sp->attrs = attrs;
	sp->href = NULL;
	sp->ruby = NULL;
	if (href) {
		/* Consecutive stretches of one link share its copy. */
		if (b->nstrings > 0 && strlen(b->strings[b->nstrings - 1]) == href_len &&
		    memcmp(b->strings[b->nstrings - 1], href, href_len) == 0) {
			sp->href = b->strings[b->nstrings - 1];
			return;
		}
		if (b->nstrings == b->strings_cap) {
			b->strings_cap = b->strings_cap ? b->strings_cap * 2 : 16;
			b->strings = xreallocarray(b->strings, b->strings_cap,
						   sizeof *b->strings);
		}
		char *copy = xmalloc(href_len + 1);
		memcpy(copy, href, href_len);
		copy[href_len] = '\0';
		b->strings[b->nstrings++] = copy;
		sp->href = copy;
	}
}

const char *
docb_string(struct doc_builder *b, const char *s, size_t n)
{
	if (b->nstrings == b->strings_cap) {
		b->strings_cap = b->strings_cap ? b->strings_cap * 2 : 16;
		b->strings = xreallocarray(b->strings, b->strings_cap, sizeof *b->strings);
	}
	return b->strings[b->nstrings++] = xstrndup(s, n);
}

const char *
docb_nest(struct doc_builder *b, const char *s, size_t n)
{
	if (n > DOC_NEST_MAX)
		n = DOC_NEST_MAX;
	if (n == 0)
		return "";
	/* Blocks side by side mostly share their containers. */
	if (b->last_nest && strlen(b->last_nest) == n && memcmp(b->last_nest, s, n) == 0)
		return b->last_nest;
	return b->last_nest = docb_string(b, s, n);
}

void
docb_span_ruby(struct doc_builder *b, const char *s, size_t n)
{
	if (n == 0 || b->nspans == 0)
		return;
	struct doc_span *sp = &b->spans[b->nspans - 1];
	if (!(sp->attrs & DOC_ATTR_RUBY) || sp->end != b->text.len)
		return;
	struct buf joined = BUF_INIT;
	if (sp->ruby) {
		buf_puts(&joined, sp->ruby);
		buf_putc(&joined, ' ');
	}
	buf_append(&joined, s, n);
	if (b->nstrings == b->strings_cap) {
		b->strings_cap = b->strings_cap ? b->strings_cap * 2 : 16;
		b->strings = xreallocarray(b->strings, b->strings_cap, sizeof *b->strings);
	}
	b->strings[b->nstrings++] = buf_steal(&joined, NULL);
	sp->ruby = b->strings[b->nstrings - 1];
}

bool
doc_join_without_space(int32_t before, int32_t after)
{
	/* CSS Text 3, segment break transformation: a break between two
	 * East Asian wide characters vanishes, except in Hangul, which puts
	 * spaces between words. */
	return u8_is_cjk(before) && u8_is_cjk(after) &&
	       u8_script(before) != U8_SCRIPT_HANGUL &&
	       u8_script(after) != U8_SCRIPT_HANGUL;
}

static void
builder_free(struct doc_builder *b)
{
	buf_free(&b->text);
	free(b->blocks);
	free(b->spans);
	free(b->cells);
	for (size_t i = 0; i < b->nstrings; i++)
		free(b->strings[i]);
	free(b->strings);
	free(b->title_text);
	for (int i = 0; i < DOC_META_COUNT; i++)
		free(b->meta[i]);
	memset(b, 0, sizeof *b);
}

/* ---------------------------------------------------------- the document */

static bool
is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

static size_t
snap_to_char(const char *text, size_t len, size_t off)
{
	if (off > len)
		off = len;
	while (off > 0 && off < len && is_continuation((unsigned char)text[off]))
		off--;
	return off;
}

/* A composition at a join may have moved a character boundary under a
 * span's edge: put edges back on characters, and keep spans in order and
 * apart. */
static void
tidy_spans(struct doc *d)
{
	size_t kept = 0, last_end = 0;
	for (size_t i = 0; i < d->nspans; i++) {
		struct doc_span sp = d->spans[i];
		sp.start = snap_to_char(d->text, d->len, sp.start);
		sp.end = snap_to_char(d->text, d->len, sp.end);
		if (sp.start < last_end)
			sp.start = last_end;
		if (sp.end <= sp.start)
			continue;
		d->spans[kept++] = sp;
		last_end = sp.end;
	}
	d->nspans = kept;
}

static size_t
utf8_seq_len(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead < 0xE0)
		return 2;
	if (lead < 0xF0)
		return 3;
	return 4;
}

static void
build_cp_index(struct doc *d)
{
	size_t cap = d->len / CP_SAMPLE + 2;
	d->cp_index = xreallocarray(NULL, cap, sizeof *d->cp_index);
	size_t count = 0, n = 0;
	for (size_t i = 0; i < d->len; i += utf8_seq_len((unsigned char)d->text[i])) {
		if (count % CP_SAMPLE == 0) {
			if (n == cap) {
				cap *= 2;
				d->cp_index = xreallocarray(d->cp_index, cap,
							    sizeof *d->cp_index);
			}
			d->cp_index[n++] = i;
		}
		count++;
	}
	d->len_cp = count;
	d->ncp_index = n;
}

static void
compute_hash(struct doc *d)
{
	XXH128_hash_t h = XXH3_128bits(d->text, d->len);
	XXH128_canonical_t canon;
	XXH128_canonicalFromHash(&canon, h);
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof canon.digest; i++) {
		d->hash[2 * i] = hex[canon.digest[i] >> 4];
		d->hash[2 * i + 1] = hex[canon.digest[i] & 15];
	}
	d->hash[32] = '\0';
}

static bool
is_stdin_path(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

static enum doc_format
format_for_path(const char *path)
{
	if (!path)
		return DOC_FORMAT_TEXT;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		return DOC_FORMAT_TEXT;
	static const char *const markdown[] = { "md", "markdown", "mdown", "mkd" };
	static const char *const html[] = { "html", "htm", "xhtml" };
	for (size_t i = 0; i < GL_ARRAY_LEN(markdown); i++)
		if (strcasecmp(dot + 1, markdown[i]) == 0)
			return DOC_FORMAT_MARKDOWN;
	for (size_t i = 0; i < GL_ARRAY_LEN(html); i++)
		if (strcasecmp(dot + 1, html[i]) == 0)
			return DOC_FORMAT_HTML;
	return DOC_FORMAT_TEXT;
}

static enum doc_format
resolve_format(enum doc_format f, const char *path)
{
	if (f != DOC_FORMAT_AUTO)
		return f;
	/* Standard input stays AUTO: loading sniffs HTML. */
	return is_stdin_path(path) ? DOC_FORMAT_AUTO : format_for_path(path);
}

/* The title from s[0, n): at most DOC_TITLE_MAX grapheme clusters, cut
 * at a cluster boundary and ended with "…" when longer (a file that is
 * one 6 MB line must not make a 6 MB title in every listing).  Clusters,
 * not columns, so that the title does not depend on the ambiguous-width
 * setting of whoever loaded the document first. */
static char *
capped_title(const char *s, size_t n)
{
	/* And at most this many bytes: a hostile cluster (a letter with a
	   million combining marks) is cut at a character boundary. */
	const size_t max_bytes = DOC_TITLE_MAX * 16;
	size_t at = 0;
	for (size_t k = 0; k < DOC_TITLE_MAX && at < n; k++) {
		size_t next = u8_next_cluster(s, n, at);
		if (next > max_bytes) {
			if (at == 0) {
				at = max_bytes;
				while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
					at--;
			}
			break;
		}
		at = next;
	}
	if (at >= n)
		return xstrndup(s, n);
	/* No space before the ellipsis. */
	size_t end = at;
	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	return xasprintf("%.*s\xE2\x80\xA6", (int)end, s);  /* … */
}

/* Points each table row at its part of d->cells (ncells of them, in
 * block order), keeping every cell inside its block and in order; text
 * of the row before its first cell or after its last (HTML's stray text
 * in a <tr>) belongs to that cell, so that all of a row is in a cell or
 * between two. */
static void
attach_cells(struct doc *d, size_t ncells)
{
	size_t k = 0;
	for (size_t i = 0; i < d->nblocks; i++) {
		struct doc_block *blk = &d->blocks[i];
		if (blk->ncells == 0 || k + blk->ncells > ncells) {
			blk->ncells = 0;
			blk->cells = NULL;
			continue;
		}
		size_t at = blk->start;
		for (size_t c = k; c < k + blk->ncells; c++) {
			struct doc_cell *cell = &d->cells[c];
			if (cell->start < at)
				cell->start = at;
			if (cell->start > blk->end)
				cell->start = blk->end;
			if (cell->end < cell->start)
				cell->end = cell->start;
			if (cell->end > blk->end)
				cell->end = blk->end;
			at = cell->end;
		}
		d->cells[k].start = blk->start;
		d->cells[k + blk->ncells - 1].end = blk->end;
		blk->cells = d->cells + k;
		k += blk->ncells;
	}
}

/* Renders the loaded text and takes what `l` owns (its text is freed as
 * soon as it is rendered, so two copies at most live at once). */
static enum gl_status
doc_build(struct doc_loaded *l, enum doc_format fmt, const char *source,
	  bool transient, struct doc **out, struct gl_error *err)
{
	struct doc_builder b;
	memset(&b, 0, sizeof b);
	const char *text = l->text.data ? l->text.data : "";
	enum gl_status st = GL_OK;
	switch (fmt) {
	case DOC_FORMAT_MARKDOWN:
		st = doc_render_markdown(&b, text, l->text.len, err);
		break;
	case DOC_FORMAT_VERBATIM:
		doc_render_verbatim(&b, text, l->text.len);
		break;
	case DOC_FORMAT_HTML:
		/* Links are resolved against a page's address. */
		st = doc_render_html(&b, text, l->text.len, doc_is_url(source) ? source : NULL, err);
		if (b.as_text)
			fmt = DOC_FORMAT_TEXT;
		break;
	case DOC_FORMAT_AUTO:
	case DOC_FORMAT_TEXT:
	default:
		fmt = DOC_FORMAT_TEXT;
		/* l->text is freed right after: it may go as it is read. */
		b.input = l->text.data;
		doc_render_text(&b, text, l->text.len);
		break;
	}
	buf_free(&l->text);
	if (st != GL_OK) {
		builder_free(&b);
		doc_loaded_free(l);
		return st;
	}
	docb_block_end(&b);

	struct doc *d = xcalloc(1, sizeof *d);
	d->format = fmt;
	d->text = buf_steal(&b.text, &d->len);
	/* Give back what the buffer's doubling left unused. */
	d->text = xrealloc(d->text, d->len + 1);
	d->blocks = b.blocks;
	d->nblocks = b.nblocks;
	d->cells = b.cells;
	attach_cells(d, b.ncells);
	d->spans = b.spans;
	d->nspans = b.nspans;
	d->strings = b.strings;
	d->nstrings = b.nstrings;
	if (b.title_text) {
		d->title = capped_title(b.title_text, strlen(b.title_text));
		free(b.title_text);
		b.title_text = NULL;
	} else if (b.have_title && b.title_end >= b.title_start && b.title_end <= d->len) {
		d->title = capped_title(d->text + b.title_start, b.title_end - b.title_start);
	} else {
		d->title = xstrdup("");
	}
	for (int i = 0; i < DOC_META_COUNT; i++)
		d->meta[i] = b.meta[i];
	d->info.truncated = b.truncated;
	d->source = xstrdup(source ? source : "");
	d->transient = transient;
	d->encoding = l->encoding ? l->encoding : xstrdup("UTF-8");
	l->encoding = NULL;
	d->info.encoding = d->encoding;
	d->info.encoding_detected = l->encoding_detected;
	d->info.had_bom = l->had_bom;
	d->info.newlines = l->newlines ? l->newlines : "none";
	d->info.source_bytes = l->source_bytes;
	d->info.replaced = l->replaced;
	d->info.changed_by_nfc = l->changed_by_nfc;
	tidy_spans(d);
	build_cp_index(d);
	compute_hash(d);
	*out = d;
	return GL_OK;
}

/* A page by its URL: fetched, then decoded and rendered as a file with
 * those bytes would be, with the server's type and charset; its source is
 * where it was finally found. */
static enum gl_status
load_url(const struct doc_load_options *opt, struct doc **out,
	 struct gl_error *err)
{
	struct doc_fetch_options fo = {
		.url = opt->path,
		.max_size = opt->max_size,
		.timeout = opt->timeout,
		.progress = opt->progress,
		.any_text = opt->format != DOC_FORMAT_AUTO,
	};
	struct doc_fetched f;
	enum gl_status st = doc_fetch(&fo, &f, err);
	if (st != GL_OK)
		return st;
	enum doc_format fmt = opt->format;
	if (fmt == DOC_FORMAT_AUTO && *f.media_type) {
		if (strcmp(f.media_type, "text/plain") == 0)
			fmt = DOC_FORMAT_TEXT;
		else if (strcmp(f.media_type, "text/markdown") == 0 ||
			 strcmp(f.media_type, "text/x-markdown") == 0)
			fmt = DOC_FORMAT_MARKDOWN;
		else
			fmt = DOC_FORMAT_HTML;
	}
	char *source = f.url;
	f.url = NULL;
	struct doc_load_options named = *opt;
	named.path = source;
	struct doc_loaded l;
	st = doc_decode_bytes(&named, f.body.data, f.body.len, &fmt, f.charset, &l, err);
	doc_fetched_clear(&f);
	if (st == GL_OK)
		st = doc_build(&l, fmt, source, false, out, err);
	free(source);
	return st;
}

enum gl_status
doc_load(const struct doc_load_options *opt, struct doc **out,
	 struct gl_error *err)
{
	*out = NULL;
	const char *path = opt ? opt->path : NULL;
	if (doc_is_url(path))
		return load_url(opt, out, err);
	enum doc_format fmt = resolve_format(opt ? opt->format : DOC_FORMAT_AUTO, path);
	/* A pipe given by its path (gloss <(cmd)) is read as standard input
	   is: HTML when it looks like a page, unless its name says
	   Markdown or HTML. */
	bool stream = !is_stdin_path(path) && doc_path_is_stream(path);
	if (stream && fmt == DOC_FORMAT_TEXT && (!opt || opt->format == DOC_FORMAT_AUTO))
		fmt = DOC_FORMAT_AUTO;
	struct doc_load_options defaults;
	memset(&defaults, 0, sizeof defaults);
	struct doc_loaded l;
	enum gl_status st = doc_read_and_decode(opt ? opt : &defaults, &fmt, &l, err);
	if (st != GL_OK)
		return st;
	/* A file is found again by its path wherever it lives (/tmp too,
	   where people keep pages they fetched): only standard input, a
	   pipe (its path means nothing once it is read), and a spool file
	   its caller says is transient, are not. */
	bool from_stdin = is_stdin_path(path);
	bool transient = from_stdin || stream || (opt && opt->transient);
	return doc_build(&l, fmt, from_stdin ? "-" : path, transient, out, err);
}

/* Reads up to n bytes of fd from `at`; the count read, or 0 on an error
 * (the full load then reports it). */
static size_t
read_part(int fd, char *buf, size_t n, size_t at)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(at + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? 0 : got;
		got += (size_t)r;
	}
	return got;
}

/* Where a head of the file may end: after the last blank line in its
 * second half (the end of a paragraph whichever way the file is read),
 * else after its last line break; 0 when it has none. */
static size_t
head_cut(const char *s, size_t n)
{
	for (size_t i = n; i >= 2 && i > n / 2; i--)
		if (s[i - 1] == '\n' && s[i - 2] == '\n')
			return i;
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '\n')
			return i;
	return 0;
}

/* Where a tail of the file may start: after the first blank line in its
 * first half, else after its first line break; 0 when it has none. */
static size_t
tail_cut(const char *s, size_t n)
{
	for (size_t i = 2; i <= n / 2; i++)
		if (s[i - 1] == '\n' && s[i - 2] == '\n')
			return i;
	const char *lf = memchr(s, '\n', n);
	return lf && (size_t)(lf - s) + 1 < n ? (size_t)(lf - s) + 1 : 0;
}

/* doc_load_head and doc_load_tail. */
static struct doc *
load_part(const struct doc_load_options *opt, size_t part, bool tail)
{
	const char *path = opt ? opt->path : NULL;
	if (!opt || part == 0 || is_stdin_path(path) || doc_is_url(path) ||
	    resolve_format(opt->format, path) != DOC_FORMAT_TEXT)
		return NULL;
	/* Never opened when it is not a file: opening a FIFO only to close
	   it again would let its writer start, then die of SIGPIPE. */
	struct stat pre;
	if (stat(path, &pre) != 0 || !S_ISREG(pre.st_mode))
		return NULL;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	struct stat st;
	size_t max = opt->max_size ? opt->max_size : DOC_DEFAULT_MAX_SIZE;
	/* Only a file well over the part gains anything; one over the limit
	   is refused by the full load, with its message. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size <= 2ull * part ||
	    (unsigned long long)st.st_size > (unsigned long long)max) {
		close(fd);
		return NULL;
	}
	char *buf = xmalloc(part);
	size_t got = read_part(fd, buf, part, tail ? (size_t)st.st_size - part : 0);
	close(fd);
	size_t from = 0, to = 0;
	if (got == part && !tail) {
		to = head_cut(buf, got);
	} else if (got == part) {
		from = tail_cut(buf, got);
		to = from ? got : 0;
	}
	struct doc *d = NULL;
	struct gl_error err;
	/* Text that is UTF-8 from the start is taken to be UTF-8: a part in
	   another encoding could be guessed otherwise than the whole file. */
	if (to > from && !opt->encoding && u8_is_valid(buf + from, to - from) &&
	    (doc_load_bytes(buf + from, to - from, opt, &d, &err) != GL_OK ||
	     doc_format(d) != DOC_FORMAT_TEXT)) {
		doc_free(d);
		d = NULL;
	}
	free(buf);
	return d;
}

struct doc *
doc_load_head(const struct doc_load_options *opt, size_t head)
{
	return load_part(opt, head, false);
}

struct doc *
doc_load_tail(const struct doc_load_options *opt, size_t tail)
{
	return load_part(opt, tail, true);
}

enum gl_status
doc_load_bytes(const void *bytes, size_t n, const struct doc_load_options *opt,
	       struct doc **out, struct gl_error *err)
{
	*out = NULL;
	struct doc_load_options defaults;
	memset(&defaults, 0, sizeof defaults);
	if (!opt)
		opt = &defaults;
	enum doc_format fmt = resolve_format(opt->format, opt->path);
	struct doc_loaded l;
	enum gl_status st = doc_decode_bytes(opt, bytes, n, &fmt, NULL, &l, err);
	if (st != GL_OK)
		return st;
	bool from_stdin = is_stdin_path(opt->path);
	bool transient = from_stdin || opt->transient;
	return doc_build(&l, fmt, from_stdin ? "-" : opt->path, transient, out, err);
}

enum gl_status
doc_from_text(const char *text, size_t n, enum doc_format fmt,
	      const char *source, struct doc **out, struct gl_error *err)
{
	*out = NULL;
	if (fmt == DOC_FORMAT_AUTO)
		fmt = source ? format_for_path(source) : DOC_FORMAT_TEXT;
	struct doc_loaded l;
	if (!text)
		n = 0;
	if (fmt == DOC_FORMAT_VERBATIM && u8_is_valid(text ? text : "", n)) {
		/* Rendered before: its newlines are LF already, and a CR it
		 * holds came from an entity (&#13;) and must stay.  NFC is
		 * kept (a no-op on what gloss rendered). */
		memset(&l, 0, sizeof l);
		l.encoding = xstrdup("UTF-8");
		l.source_bytes = n;
		l.newlines = memchr(text ? text : "", '\n', n) ? "LF" : "none";
		u8_nfc(&l.text, text ? text : "", n);
		l.changed_by_nfc = l.text.len != n || memcmp(l.text.data, text, n) != 0;
	} else {
		doc_normalize_into(&l, text ? text : "", n);
	}
	bool transient = !source || strcmp(source, "-") == 0;
	return doc_build(&l, fmt, source, transient, out, err);
}

void
doc_free(struct doc *d)
{
	if (!d)
		return;
	free(d->text);
	free(d->source);
	free(d->title);
	free(d->encoding);
	free(d->blocks);
	free(d->spans);
	free(d->cells);
	for (size_t i = 0; i < d->nstrings; i++)
		free(d->strings[i]);
	free(d->strings);
	free(d->cp_index);
	for (int i = 0; i < DOC_META_COUNT; i++)
		free(d->meta[i]);
	free(d);
}

const char *
doc_text(const struct doc *d, size_t *len)
{
	if (len)
		*len = d->len;
	return d->text;
}

size_t
doc_length(const struct doc *d)
{
	return d->len;
}

size_t
doc_length_cp(const struct doc *d)
{
	return d->len_cp;
}

size_t
doc_cp_to_byte(const struct doc *d, size_t cp)
{
	if (cp >= d->len_cp)
		return d->len;
	size_t off = d->cp_index[cp / CP_SAMPLE];
	for (size_t rest = cp % CP_SAMPLE; rest > 0; rest--)
		off += utf8_seq_len((unsigned char)d->text[off]);
	return off;
}

size_t
doc_byte_to_cp(const struct doc *d, size_t byte)
{
	if (byte >= d->len)
		return d->len_cp;
	byte = snap_to_char(d->text, d->len, byte);
	/* The last sample at or before `byte`. */
	size_t lo = 0, hi = d->ncp_index;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->cp_index[mid] <= byte)
			lo = mid;
		else
			hi = mid;
	}
	/* The text is valid UTF-8: each byte that is not a continuation
	   byte starts a character (a branch-free count the compiler
	   vectorises). */
	size_t cp = lo * CP_SAMPLE;
	const unsigned char *t = (const unsigned char *)d->text;
	for (size_t off = d->cp_index[lo]; off < byte; off++)
		cp += (t[off] & 0xC0) != 0x80;
	return cp;
}

const char *
doc_hash(const struct doc *d)
{
	return d->hash;
}

enum doc_format
doc_format(const struct doc *d)
{
	return d->format;
}

const char *
doc_format_name(enum doc_format f)
{
	switch (f) {
	case DOC_FORMAT_AUTO:
		return "auto";
	case DOC_FORMAT_TEXT:
		return "text";
	case DOC_FORMAT_MARKDOWN:
		return "markdown";
	case DOC_FORMAT_HTML:
		return "html";
	case DOC_FORMAT_VERBATIM:
		return "verbatim";
	}
	return "text";
}

const char *
doc_source(const struct doc *d)
{
	return d->source;
}

bool
doc_source_is_transient(const struct doc *d)
{
	return d->transient;
}

const char *
doc_title(const struct doc *d)
{
	return d->title;
}

const struct doc_info *
doc_info(const struct doc *d)
{
	return &d->info;
}

const char *
doc_meta(const struct doc *d, enum doc_meta key)
{
	if ((unsigned)key >= DOC_META_COUNT || !d->meta[key])
		return "";
	return d->meta[key];
}

size_t
doc_block_count(const struct doc *d)
{
	return d->nblocks;
}

const struct doc_block *
doc_block(const struct doc *d, size_t i)
{
	return i < d->nblocks ? &d->blocks[i] : NULL;
}

size_t
doc_block_at(const struct doc *d, size_t off)
{
	if (d->nblocks == 0)
		return 0;
	/* The last block that starts at or before off. */
	size_t lo = 0, hi = d->nblocks;
	if (d->blocks[0].start > off)
		return 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->blocks[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	const struct doc_block *blk = &d->blocks[lo];
	if (off < blk->end || off == blk->start || lo + 1 == d->nblocks)
		return lo;
	return lo + 1;
}

size_t
doc_span_count(const struct doc *d)
{
	return d->nspans;
}

const struct doc_span *
doc_span(const struct doc *d, size_t i)
{
	return i < d->nspans ? &d->spans[i] : NULL;
}
