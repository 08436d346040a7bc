/* doc-markdown: Markdown (md4c, GitHub dialect) into rendered text,
 * blocks and spans.
 *
 * Raw HTML is not interpreted (MD_FLAG_NOHTML): it stays in the text as
 * written.  A soft line break joins with one space, or with nothing
 * between two CJK characters that are not Hangul (as plain text joins
 * lines); a hard break is an LF inside the block (a mandatory break for
 * layout).  Entities are decoded: numeric ones to their character (a
 * control character stays, NUL and invalid values become U+FFFD), named
 * ones from HTML 4's list of 252 plus &apos; (an unknown name stays as
 * written).  List markers are markup, not text; a task item keeps its
 * box as "[ ] " or "[x] ".  Table rows are one block each, their cells
 * joined by " | " and recorded (doc_block.cells, with their alignment).  Images show their alternative text.  YAML front
 * matter at the very start is metadata (title:, author:, date:), not text;
 * footnote definitions "[^1]: note" stay as text, "[^1] note", where they
 * stand (md4c has no footnotes). */
#include "config.h"

#include "doc-internal.h"
#include "gloss/u8.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

/* md4c's md_parse, called through `md_parse_fn`.  With GLOSS_LAZY_LIBS
 * (configure's default) libmd4c is not linked, as every start would pay
 * for it in the dynamic loader while only Markdown needs it: the first
 * Markdown article loads it by its soname (gl_load_library), as
 * doc-html.c does libxml2.  The type is checked against md4c.h. */
typedef int md_parse_type(const MD_CHAR *, MD_SIZE, const MD_PARSER *, void *);
_Static_assert(_Generic(&md_parse, md_parse_type *: 1, default: 0),
	       "md_parse's type is not the one md4c.h declares");
static md_parse_type *md_parse_fn
#ifndef GLOSS_LAZY_LIBS
	= md_parse
#endif
	;
static enum gl_status md4c_state = GL_OK;
static struct gl_error md4c_why;

static void
load_md4c(void)
{
#ifdef GLOSS_LAZY_LIBS
	static const char *const names[] = { "md_parse" };
	void *addrs[1];
	md4c_state = gl_load_library(GLOSS_MD4C_SONAME, "reading Markdown", names, addrs, 1,
				     &md4c_why);
	if (md4c_state == GL_OK)
		md_parse_fn = (md_parse_type *)addrs[0];
#endif
}

/* Loads libmd4c once, whichever thread reads the first Markdown. */
static enum gl_status
md4c_ready(struct gl_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_md4c);
	if (md4c_state != GL_OK && err)
		*err = md4c_why;
	return md4c_state;
}

/* ------------------------------------------------------------ entities */

struct entity {
	const char *name;
	int32_t cp;
};

/* HTML 4.01's character entities (the list in Python's
 * html.entities.name2codepoint) and &apos;, sorted by name (strcmp). */
static const struct entity entities[] = {
	{ "AElig", 0x00C6 }, { "Aacute", 0x00C1 }, { "Acirc", 0x00C2 },
	{ "Agrave", 0x00C0 }, { "Alpha", 0x0391 }, { "Aring", 0x00C5 },
	{ "Atilde", 0x00C3 }, { "Auml", 0x00C4 }, { "Beta", 0x0392 },
	{ "Ccedil", 0x00C7 }, { "Chi", 0x03A7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x0394 }, { "ETH", 0x00D0 }, { "Eacute", 0x00C9 },
	{ "Ecirc", 0x00CA }, { "Egrave", 0x00C8 }, { "Epsilon", 0x0395 },
	{ "Eta", 0x0397 }, { "Euml", 0x00CB }, { "Gamma", 0x0393 },
	{ "Iacute", 0x00CD }, { "Icirc", 0x00CE }, { "Igrave", 0x00CC },
	{ "Iota", 0x0399 }, { "Iuml", 0x00CF }, { "Kappa", 0x039A },
	{ "Lambda", 0x039B }, { "Mu", 0x039C }, { "Ntilde", 0x00D1 },
	{ "Nu", 0x039D }, { "OElig", 0x0152 }, { "Oacute", 0x00D3 },
	{ "Ocirc", 0x00D4 }, { "Ograve", 0x00D2 }, { "Omega", 0x03A9 },
	{ "Omicron", 0x039F }, { "Oslash", 0x00D8 }, { "Otilde", 0x00D5 },
	{ "Ouml", 0x00D6 }, { "Phi", 0x03A6 }, { "Pi", 0x03A0 }, { "Prime", 0x2033 },
	{ "Psi", 0x03A8 }, { "Rho", 0x03A1 }, { "Scaron", 0x0160 },
	{ "Sigma", 0x03A3 }, { "THORN", 0x00DE }, { "Tau", 0x03A4 },
	{ "Theta", 0x0398 }, { "Uacute", 0x00DA }, { "Ucirc", 0x00DB },
	{ "Ugrave", 0x00D9 }, { "Upsilon", 0x03A5 }, { "Uuml", 0x00DC },
	{ "Xi", 0x039E }, { "Yacute", 0x00DD }, { "Yuml", 0x0178 },
	{ "Zeta", 0x0396 }, { "aacute", 0x00E1 }, { "acirc", 0x00E2 },
	{ "acute", 0x00B4 }, { "aelig", 0x00E6 }, { "agrave", 0x00E0 },
	{ "alefsym", 0x2135 }, { "alpha", 0x03B1 }, { "amp", 0x0026 },
	{ "and", 0x2227 }, { "ang", 0x2220 }, { "apos", 0x0027 }, { "aring", 0x00E5 },
	{ "asymp", 0x2248 }, { "atilde", 0x00E3 }, { "auml", 0x00E4 },
	{ "bdquo", 0x201E }, { "beta", 0x03B2 }, { "brvbar", 0x00A6 },
	{ "bull", 0x2022 }, { "cap", 0x2229 }, { "ccedil", 0x00E7 },
	{ "cedil", 0x00B8 }, { "cent", 0x00A2 }, { "chi", 0x03C7 },
	{ "circ", 0x02C6 }, { "clubs", 0x2663 }, { "cong", 0x2245 },
	{ "copy", 0x00A9 }, { "crarr", 0x21B5 }, { "cup", 0x222A },
	{ "curren", 0x00A4 }, { "dArr", 0x21D3 }, { "dagger", 0x2020 },
	{ "darr", 0x2193 }, { "deg", 0x00B0 }, { "delta", 0x03B4 },
	{ "diams", 0x2666 }, { "divide", 0x00F7 }, { "eacute", 0x00E9 },
	{ "ecirc", 0x00EA }, { "egrave", 0x00E8 }, { "empty", 0x2205 },
	{ "emsp", 0x2003 }, { "ensp", 0x2002 }, { "epsilon", 0x03B5 },
	{ "equiv", 0x2261 }, { "eta", 0x03B7 }, { "eth", 0x00F0 }, { "euml", 0x00EB },
	{ "euro", 0x20AC }, { "exist", 0x2203 }, { "fnof", 0x0192 },
	{ "forall", 0x2200 }, { "frac12", 0x00BD }, { "frac14", 0x00BC },
	{ "frac34", 0x00BE }, { "frasl", 0x2044 }, { "gamma", 0x03B3 },
	{ "ge", 0x2265 }, { "gt", 0x003E }, { "hArr", 0x21D4 }, { "harr", 0x2194 },
	{ "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0x00ED },
	{ "icirc", 0x00EE }, { "iexcl", 0x00A1 }, { "igrave", 0x00EC },
	{ "image", 0x2111 }, { "infin", 0x221E }, { "int", 0x222B },
	{ "iota", 0x03B9 }, { "iquest", 0x00BF }, { "isin", 0x2208 },
	{ "iuml", 0x00EF }, { "kappa", 0x03BA }, { "lArr", 0x21D0 },
	{ "lambda", 0x03BB }, { "lang", 0x2329 }, { "laquo", 0x00AB },
	{ "larr", 0x2190 }, { "lceil", 0x2308 }, { "ldquo", 0x201C },
	{ "le", 0x2264 }, { "lfloor", 0x230A }, { "lowast", 0x2217 },
	{ "loz", 0x25CA }, { "lrm", 0x200E }, { "lsaquo", 0x2039 },
	{ "lsquo", 0x2018 }, { "lt", 0x003C }, { "macr", 0x00AF },
	{ "mdash", 0x2014 }, { "micro", 0x00B5 }, { "middot", 0x00B7 },
	{ "minus", 0x2212 }, { "mu", 0x03BC }, { "nabla", 0x2207 },
	{ "nbsp", 0x00A0 }, { "ndash", 0x2013 }, { "ne", 0x2260 }, { "ni", 0x220B },
	{ "not", 0x00AC }, { "notin", 0x2209 }, { "nsub", 0x2284 },
	{ "ntilde", 0x00F1 }, { "nu", 0x03BD }, { "oacute", 0x00F3 },
	{ "ocirc", 0x00F4 }, { "oelig", 0x0153 }, { "ograve", 0x00F2 },
	{ "oline", 0x203E }, { "omega", 0x03C9 }, { "omicron", 0x03BF },
	{ "oplus", 0x2295 }, { "or", 0x2228 }, { "ordf", 0x00AA }, { "ordm", 0x00BA },
	{ "oslash", 0x00F8 }, { "otilde", 0x00F5 }, { "otimes", 0x2297 },
	{ "ouml", 0x00F6 }, { "para", 0x00B6 }, { "part", 0x2202 },
	{ "permil", 0x2030 }, { "perp", 0x22A5 }, { "phi", 0x03C6 }, { "pi", 0x03C0 },
	{ "piv", 0x03D6 }, { "plusmn", 0x00B1 }, { "pound", 0x00A3 },
	{ "prime", 0x2032 }, { "prod", 0x220F }, { "prop", 0x221D },
	{ "psi", 0x03C8 }, { "quot", 0x0022 }, { "rArr", 0x21D2 },
	{ "radic", 0x221A }, { "rang", 0x232A }, { "raquo", 0x00BB },
	{ "rarr", 0x2192 }, { "rceil", 0x2309 }, { "rdquo", 0x201D },
	{ "real", 0x211C }, { "reg", 0x00AE }, { "rfloor", 0x230B },
	{ "rho", 0x03C1 }, { "rlm", 0x200F }, { "rsaquo", 0x203A },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "scaron", 0x0161 },
	{ "sdot", 0x22C5 }, { "sect", 0x00A7 }, { "shy", 0x00AD },
	{ "sigma", 0x03C3 }, { "sigmaf", 0x03C2 }, { "sim", 0x223C },
	{ "spades", 0x2660 }, { "sub", 0x2282 }, { "sube", 0x2286 },
	{ "sum", 0x2211 }, { "sup", 0x2283 }, { "sup1", 0x00B9 }, { "sup2", 0x00B2 },
	{ "sup3", 0x00B3 }, { "supe", 0x2287 }, { "szlig", 0x00DF },
	{ "tau", 0x03C4 }, { "there4", 0x2234 }, { "theta", 0x03B8 },
	{ "thetasym", 0x03D1 }, { "thinsp", 0x2009 }, { "thorn", 0x00FE },
	{ "tilde", 0x02DC }, { "times", 0x00D7 }, { "trade", 0x2122 },
	{ "uArr", 0x21D1 }, { "uacute", 0x00FA }, { "uarr", 0x2191 },
	{ "ucirc", 0x00FB }, { "ugrave", 0x00F9 }, { "uml", 0x00A8 },
	{ "upsih", 0x03D2 }, { "upsilon", 0x03C5 }, { "uuml", 0x00FC },
	{ "weierp", 0x2118 }, { "xi", 0x03BE }, { "yacute", 0x00FD },
	{ "yen", 0x00A5 }, { "yuml", 0x00FF }, { "zeta", 0x03B6 }, { "zwj", 0x200D },
	{ "zwnj", 0x200C },
};

static int
entity_cmp(const void *key, const void *elem)
{
	const struct entity *e = elem;
	return strcmp(key, e->name);
}

/* Decodes the entity s[0, n) ("&amp;", "&#233;", "&#xE9;") into out (at
 * least 8 bytes) and returns its length; an unknown name is copied as
 * written (then the length may be up to n, and out must hold n bytes). */
static size_t
decode_entity(const char *s, size_t n, char *out)
{
	if (n >= 4 && s[0] == '&' && s[1] == '#' && s[n - 1] == ';') {
		bool hex = s[2] == 'x' || s[2] == 'X';
		size_t i = hex ? 3 : 2;
		int32_t value = 0;
		bool overflow = false;
		for (; i < n - 1; i++) {
			int digit;
			char c = s[i];
			if (c >= '0' && c <= '9')
				digit = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				digit = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				digit = c - 'A' + 10;
			else
				break;
			if (value > 0x10FFFF)
				overflow = true;
			else
				value = value * (hex ? 16 : 10) + digit;
		}
		if (i == n - 1) {
			/* CommonMark: NUL, surrogates and values past U+10FFFF
			 * are U+FFFD; other controls stay (shown as
			 * placeholders). */
			if (overflow || value == 0 || value > 0x10FFFF ||
			    (value >= 0xD800 && value <= 0xDFFF))
				value = U8_REPLACEMENT;
			return u8_encode(value, out);
		}
	} else if (n >= 3 && s[0] == '&' && s[n - 1] == ';' && n - 2 < 32) {
		char name[32];
		memcpy(name, s + 1, n - 2);
		name[n - 2] = '\0';
		const struct entity *e = bsearch(name, entities, GL_ARRAY_LEN(entities),
						 sizeof entities[0], entity_cmp);
		if (e)
			return u8_encode(e->cp, out);
	}
	memcpy(out, s, n);
	return n;
}

/* Appends the decoded form of an attribute (a link's destination). */
static void
attribute_text(struct buf *out, const MD_ATTRIBUTE *attr)
{
	if (!attr->text || attr->size == 0)
		return;
	for (size_t i = 0; attr->substr_offsets[i] < attr->size; i++) {
		MD_OFFSET from = attr->substr_offsets[i];
		MD_OFFSET to = attr->substr_offsets[i + 1];
		const char *piece = attr->text + from;
		size_t len = to - from;
		switch (attr->substr_types[i]) {
		case MD_TEXT_NULLCHAR:
			buf_puts(out, "\xEF\xBF\xBD");
			break;
		case MD_TEXT_ENTITY: {
			char small[64];
			if (len < sizeof small) {
				size_t k = decode_entity(piece, len, small);
				buf_append(out, small, k);
			} else {
				buf_append(out, piece, len);
			}
			break;
		}
		default:
			buf_append(out, piece, len);
			break;
		}
	}
}

/* --------------------------------------------------------------- state */

struct md_container {
	MD_BLOCKTYPE type;    /* MD_BLOCK_QUOTE or MD_BLOCK_LI */
	bool used;            /* LI: its first paragraph has been made */
	bool started;         /* LI: a block has been made in it */
	unsigned number;      /* LI: its number in an ordered list */
	bool ordered;
	const char *task;     /* LI: "[ ] ", "[x] " or NULL */
};

struct md_list {
	bool ordered;
	unsigned next;
};

struct md_span {
	MD_SPANTYPE type;
	unsigned attr;
	char *href;           /* owned; for a link */
	size_t href_len;
};

struct leaf_kind {
	bool set;
	enum doc_block_kind kind;
	int level, depth;
	bool ordered;
	unsigned number;
	const char *prefix;
};

struct md_state {
	struct doc_builder *b;
	struct md_container *containers;
	size_t ncontainers, containers_cap;
	struct md_list *lists;
	size_t nlists, lists_cap;
	struct md_span *spans;
	size_t nspans, spans_cap;
	int quote_depth;
	struct leaf_kind pending;   /* what the next text opens */
	struct buf code_info;       /* the language of the code block
				       being entered */
	bool soft_break;            /* a soft break waits for the next text */
	unsigned cells;             /* cells seen in the current table row */
	/* The stretch of text with the current attributes. */
	bool stretch_open;
	size_t stretch_start;
	/* The title candidates. */
	bool have_h1, have_heading;
	size_t h1_start, h1_end, heading_start, heading_end;
	int first_line;             /* 0 not yet, 1 in the first block, 2 done */
	size_t first_start, first_end;
};

static unsigned
current_attrs(const struct md_state *st)
{
	unsigned attrs = 0;
	for (size_t i = 0; i < st->nspans; i++)
		attrs |= st->spans[i].attr;
	return attrs;
}

static const struct md_span *
current_link(const struct md_state *st)
{
	for (size_t i = st->nspans; i > 0; i--)
		if (st->spans[i - 1].href)
			return &st->spans[i - 1];
	return NULL;
}

/* Ends the current stretch of attributed text (before the attributes
 * change, or at the end of a block). */
static void
flush_stretch(struct md_state *st)
{
	if (st->stretch_open) {
		const struct md_span *link = current_link(st);
		docb_span(st->b, st->stretch_start, st->b->text.len, current_attrs(st),
			  link ? link->href : NULL, link ? link->href_len : 0);
	}
	st->stretch_open = false;
}

/* Ends the spans still open.  md4c 0.4.8 does not always pair its span
 * callbacks (mity/md4c#294: "_[](_)" in a heading enters an emphasis it
 * never leaves, and a leave can come with no enter), and a span must
 * never cross a block: no span is open where a block starts or ends, so
 * what is open there ends. */
static void
drop_spans(struct md_state *st)
{
	flush_stretch(st);
	for (size_t i = 0; i < st->nspans; i++)
		free(st->spans[i].href);
	st->nspans = 0;
}

/* What a paragraph here is: the first one of a list item is the item. */
static struct leaf_kind
context_kind(struct md_state *st)
{
	struct leaf_kind k;
	memset(&k, 0, sizeof k);
	k.set = true;
	k.kind = DOC_BLOCK_PARAGRAPH;
	struct md_container *top = st->ncontainers ?
				   &st->containers[st->ncontainers - 1] : NULL;
	if (top && top->type == MD_BLOCK_LI) {
		k.depth = (int)st->nlists;
		if (!top->used) {
			top->used = true;
			k.kind = DOC_BLOCK_LIST_ITEM;
			k.ordered = top->ordered;
			k.number = top->number;
			k.prefix = top->task;
		}
	} else if (st->quote_depth > 0) {
		k.kind = DOC_BLOCK_QUOTE;
		k.depth = st->quote_depth;
	}
	return k;
}

static void
first_line_done(struct md_state *st)
{
	if (st->first_line == 1) {
		st->first_end = st->b->text.len;
		st->first_line = 2;
	}
}

static void
open_block(struct md_state *st, struct leaf_kind k)
{
	struct doc_block *blk = docb_block_begin(st->b, k.kind);
	blk->level = k.level;
	blk->depth = k.depth;
	/* Its containers, so that export can put a list back inside its
	   quote (and a quote inside its list item): '+' for an item that
	   starts with this block, even when it is no list item's paragraph
	   ("- > quoted" starts with a quote). */
	char nest[DOC_NEST_MAX];
	size_t n = 0;
	for (size_t i = 0; i < st->ncontainers && n < sizeof nest; i++) {
		struct md_container *c = &st->containers[i];
		if (c->type == MD_BLOCK_QUOTE) {
			nest[n++] = '>';
		} else {
			nest[n++] = c->started ? '-' : '+';
			c->started = true;
		}
	}
	blk->nest = docb_nest(st->b, nest, n);
	blk->ordered = k.ordered;
	blk->number = k.number;
	st->soft_break = false;
	st->stretch_open = false;
	if (k.prefix)
		docb_append(st->b, k.prefix, strlen(k.prefix));
	if (k.kind == DOC_BLOCK_CODE && st->code_info.len > 0)
		blk->info = docb_string(st->b, st->code_info.data, st->code_info.len);
	buf_clear(&st->code_info);
	if (st->first_line == 0 && k.kind != DOC_BLOCK_RULE) {
		st->first_line = 1;
		st->first_start = blk->start;
	}
}

static void
close_block(struct md_state *st)
{
	struct doc_block *blk = docb_current(st->b);
	if (!blk)
		return;
	flush_stretch(st);
	if (blk->kind == DOC_BLOCK_CODE) {
		/* md4c ends every code line with an LF; the last one would
		 * be a blank line before the next block. */
		while (st->b->text.len > blk->start && st->b->text.data[st->b->text.len - 1] == '\n')
			st->b->text.len--;
		st->b->text.data[st->b->text.len] = '\0';
	}
	first_line_done(st);
	if (blk->kind == DOC_BLOCK_HEADING) {
		if (blk->level == 1 && !st->have_h1) {
			st->have_h1 = true;
			st->h1_start = blk->start;
			st->h1_end = st->b->text.len;
		}
		if (!st->have_heading) {
			st->have_heading = true;
			st->heading_start = blk->start;
			st->heading_end = st->b->text.len;
		}
	}
	st->soft_break = false;
	docb_block_end(st->b);
}

static void
ensure_block(struct md_state *st)
{
	if (docb_current(st->b))
		return;
	open_block(st, st->pending.set ? st->pending : context_kind(st));
	st->pending.set = false;
}

static int32_t
last_char(const struct buf *text)
{
	if (text->len == 0)
		return 0;
	int32_t cp;
	u8_decode(text->data, text->len, u8_prev(text->data, text->len), &cp);
	return cp;
}

/* Appends rendered text to the open block (opening it if needed). */
static void
put_text(struct md_state *st, const char *s, size_t n)
{
	if (n == 0)
		return;
	ensure_block(st);
	if (st->soft_break) {
		st->soft_break = false;
		int32_t next;
		u8_decode(s, n, 0, &next);
		if (!doc_join_without_space(last_char(&st->b->text), next))
			docb_append(st->b, " ", 1);
	}
	size_t at = docb_append(st->b, s, n);
	if (!st->stretch_open && current_attrs(st)) {
		st->stretch_open = true;
		st->stretch_start = at;
	}
}

/* ------------------------------------------------------------ callbacks */

static void *
grow(void *array, size_t *cap, size_t count, size_t size)
{
	if (count < *cap)
		return array;
	*cap = *cap ? *cap * 2 : 8;
	return xreallocarray(array, *cap, size);
}

static enum doc_align
cell_align(MD_ALIGN a)
{
	switch (a) {
	case MD_ALIGN_LEFT:
		return DOC_ALIGN_LEFT;
	case MD_ALIGN_CENTER:
		return DOC_ALIGN_CENTER;
	case MD_ALIGN_RIGHT:
		return DOC_ALIGN_RIGHT;
	default:
		return DOC_ALIGN_NONE;
	}
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md_state *st = userdata;
	/* Text straight in a tight list item ends where a block starts. */
	if (type != MD_BLOCK_TH && type != MD_BLOCK_TD)
		close_block(st);
	drop_spans(st);
	switch (type) {
	case MD_BLOCK_QUOTE:
		st->containers = grow(st->containers, &st->containers_cap,
				      st->ncontainers, sizeof *st->containers);
		memset(&st->containers[st->ncontainers], 0, sizeof *st->containers);
		st->containers[st->ncontainers++].type = MD_BLOCK_QUOTE;
		st->quote_depth++;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		st->lists = grow(st->lists, &st->lists_cap, st->nlists, sizeof *st->lists);
		st->lists[st->nlists].ordered = type == MD_BLOCK_OL;
		st->lists[st->nlists].next =
			type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
		st->nlists++;
		break;
	case MD_BLOCK_LI: {
		MD_BLOCK_LI_DETAIL *li = detail;
		st->containers = grow(st->containers, &st->containers_cap,
				      st->ncontainers, sizeof *st->containers);
		struct md_container *c = &st->containers[st->ncontainers++];
		memset(c, 0, sizeof *c);
		c->type = MD_BLOCK_LI;
		if (st->nlists > 0) {
			struct md_list *list = &st->lists[st->nlists - 1];
			c->ordered = list->ordered;
			if (list->ordered)
				c->number = list->next++;
		}
		if (li && li->is_task)
			c->task = (li->task_mark == 'x' || li->task_mark == 'X') ? "[x] " : "[ ] ";
		st->pending.set = false;
		break;
	}
	case MD_BLOCK_HR: {
		struct leaf_kind k;
		memset(&k, 0, sizeof k);
		k.kind = DOC_BLOCK_RULE;
		open_block(st, k);
		docb_block_end(st->b);
		break;
	}
	case MD_BLOCK_H:
		memset(&st->pending, 0, sizeof st->pending);
		st->pending.set = true;
		st->pending.kind = DOC_BLOCK_HEADING;
		st->pending.level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE:
		memset(&st->pending, 0, sizeof st->pending);
		st->pending.set = true;
		st->pending.kind = DOC_BLOCK_CODE;
		/* Code in a list item is part of the item: its depth, so that
		   layout hangs it under the item's text and export keeps it in
		   the list. */
		if (st->ncontainers > 0 &&
		    st->containers[st->ncontainers - 1].type == MD_BLOCK_LI)
			st->pending.depth = (int)st->nlists;
		buf_clear(&st->code_info);
		if (detail) {
			attribute_text(&st->code_info, &((MD_BLOCK_CODE_DETAIL *)detail)->lang);
			/* One word: anything odd is left out rather than kept. */
			for (size_t i = 0; i < st->code_info.len; i++) {
				unsigned char c = (unsigned char)st->code_info.data[i];
				if (c <= ' ' || c == '`' || c == '~' || c >= 0x7f) {
					buf_clear(&st->code_info);
					break;
				}
			}
		}
		break;
	case MD_BLOCK_P:
	case MD_BLOCK_HTML:
		st->pending = context_kind(st);
		break;
	case MD_BLOCK_TR: {
		struct leaf_kind k;
		memset(&k, 0, sizeof k);
		k.kind = DOC_BLOCK_TABLE_ROW;
		open_block(st, k);
		st->cells = 0;
		break;
	}
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (st->cells++ > 0 && docb_current(st->b))
			docb_append(st->b, " | ", 3);
		docb_cell_begin(st->b, detail ? cell_align(((MD_BLOCK_TD_DETAIL *)detail)->align)
					      : DOC_ALIGN_NONE);
		break;
	case MD_BLOCK_DOC:
	case MD_BLOCK_TABLE:
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
		break;
	}
	return 0;
}

static int
leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md_state *st = userdata;
	(void)detail;
	switch (type) {
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		drop_spans(st);
		docb_cell_end(st->b);
		break;
	case MD_BLOCK_QUOTE:
		close_block(st);
		if (st->ncontainers > 0)
			st->ncontainers--;
		st->quote_depth--;
		break;
	case MD_BLOCK_LI:
		close_block(st);
		if (st->ncontainers > 0)
			st->ncontainers--;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		close_block(st);
		if (st->nlists > 0)
			st->nlists--;
		break;
	default:
		close_block(st);
		st->pending.set = false;
		break;
	}
	drop_spans(st);
	return 0;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md_state *st = userdata;
	flush_stretch(st);
	st->spans = grow(st->spans, &st->spans_cap, st->nspans, sizeof *st->spans);
	struct md_span *sp = &st->spans[st->nspans++];
	memset(sp, 0, sizeof *sp);
	sp->type = type;
	switch (type) {
	case MD_SPAN_EM:
		sp->attr = DOC_ATTR_EM;
		break;
	case MD_SPAN_STRONG:
		sp->attr = DOC_ATTR_STRONG;
		break;
	case MD_SPAN_CODE:
		sp->attr = DOC_ATTR_CODE;
		break;
	case MD_SPAN_DEL:
		sp->attr = DOC_ATTR_STRIKE;
		break;
	case MD_SPAN_A: {
		MD_SPAN_A_DETAIL *a = detail;
		struct buf href = BUF_INIT;
		attribute_text(&href, &a->href);
		sp->attr = DOC_ATTR_LINK;
		sp->href = buf_steal(&href, &sp->href_len);
		break;
	}
	default:
		/* Images (their text is the alternative text), and
		 * extensions not enabled. */
		break;
	}
	return 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md_state *st = userdata;
	(void)detail;
	flush_stretch(st);
	/* The innermost open span of this type; a leave with none open (see
	 * drop_spans) is ignored. */
	for (size_t i = st->nspans; i > 0; i--) {
		if (st->spans[i - 1].type != type)
			continue;
		free(st->spans[i - 1].href);
		memmove(&st->spans[i - 1], &st->spans[i],
			(st->nspans - i) * sizeof *st->spans);
		st->nspans--;
		break;
	}
	return 0;
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *userdata)
{
	struct md_state *st = userdata;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		put_text(st, "\xEF\xBF\xBD", 3);
		break;
	case MD_TEXT_BR:
		ensure_block(st);
		first_line_done(st);
		st->soft_break = false;
		buf_putc(&st->b->text, '\n');
		break;
	case MD_TEXT_SOFTBR:
		first_line_done(st);
		st->soft_break = true;
		break;
	case MD_TEXT_ENTITY: {
		char small[64];
		if (size < sizeof small) {
			/* &#x2126; (OHM SIGN) is U+03A9 in NFC: the text stays
			 * NFC only if what an entity gives is made NFC. */
			struct buf nfc = BUF_INIT;
			u8_nfc(&nfc, small, decode_entity(s, size, small));
			put_text(st, nfc.data, nfc.len);
			buf_free(&nfc);
		} else {
			put_text(st, s, size);
		}
		break;
	}
	default:
		put_text(st, s, size);
		break;
	}
	return 0;
}

/* ------------------------------------------------- before md4c */

/* The end of the line that starts at i (its LF, or n). */
static size_t
line_end(const char *s, size_t n, size_t i)
{
	const char *lf = memchr(s + i, '\n', n - i);
	return lf ? (size_t)(lf - s) : n;
}

/* True when s[i, e) is the line `mark` ("---", "...") with nothing but
 * spaces or tabs after it. */
static bool
is_marker_line(const char *s, size_t i, size_t e, const char *mark)
{
	size_t m = strlen(mark);
	if (e - i < m || memcmp(s + i, mark, m) != 0)
		return false;
	for (i += m; i < e; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* The length of the key of a top-level "key: value" line s[i, e), or 0
 * when it is not one (a key has no colon, does not start with a space,
 * a comment or YAML's indicators, and its colon is followed by a space or
 * the end of the line). */
static size_t
yaml_key(const char *s, size_t i, size_t e)
{
	if (i >= e || strchr(" \t#-[]{}\"'|>*&!%@`?:,", s[i]))
		return 0;
	for (size_t k = i; k < e; k++)
		if (s[k] == ':')
			return k + 1 == e || s[k + 1] == ' ' || s[k + 1] == '\t' ? k - i : 0;
	return 0;
}

/* YAML front matter: a first line "---", then "key: value" lines (the
 * first one right after it, as pandoc wants, so that a rule followed by a
 * blank line is not taken), indented lines, list items, comments and
 * blank lines, closed by a line "---" or "...".  Takes title:, author: and
 * date: (top-level scalars) into the builder and returns where the
 * Markdown starts after it; 0 when there is no front matter.  gloss's own
 * Markdown export starts with one. */
static size_t
front_matter(struct doc_builder *b, const char *s, size_t n)
{
	size_t e = line_end(s, n, 0);
	if (e == n || !is_marker_line(s, 0, e, "---"))
		return 0;
	size_t first = e + 1;
	if (yaml_key(s, first, line_end(s, n, first)) == 0)
		return 0;
	size_t close = 0;
	for (size_t i = first; i < n; i = e + 1) {
		e = line_end(s, n, i);
		if (i > first && (is_marker_line(s, i, e, "---") ||
				  is_marker_line(s, i, e, "..."))) {
			close = i;
			break;
		}
		bool blank = true;
		for (size_t k = i; k < e && blank; k++)
			blank = s[k] == ' ' || s[k] == '\t';
		if (!blank && s[i] != ' ' && s[i] != '\t' && s[i] != '#' &&
		    !(s[i] == '-' && (i + 1 == e || s[i + 1] == ' ')) &&
		    yaml_key(s, i, e) == 0)
			return 0;   /* not YAML: a rule, then a paragraph */
		if (e == n)
			break;
	}
	if (close == 0)
		return 0;
	for (size_t i = first; i < close; i = e + 1) {
		e = line_end(s, n, i);
		size_t k = yaml_key(s, i, e);
		if (k == 0)
			continue;
		struct buf v = BUF_INIT;
		bool is_title = k == 5 && memcmp(s + i, "title", 5) == 0;
		bool is_author = k == 6 && memcmp(s + i, "author", 6) == 0;
		bool is_date = k == 4 && memcmp(s + i, "date", 4) == 0;
		if ((is_title || is_author || is_date) &&
		    gl_yaml_scalar(s + i + k + 1, e - i - k - 1, &v) && v.len > 0 &&
		    u8_is_valid(v.data, v.len)) {
			/* An escaped line break in a title is a space. */
			for (size_t j = 0; j < v.len; j++)
				if (v.data[j] == '\n' || v.data[j] == '\r' || v.data[j] == '\t')
					v.data[j] = ' ';
			struct buf nfc = BUF_INIT;
			u8_nfc(&nfc, v.data, v.len);
			char **slot = is_title ? &b->title_text :
				      &b->meta[is_author ? DOC_META_AUTHOR : DOC_META_DATE];
			if (!*slot)
				*slot = buf_steal(&nfc, NULL);
			buf_free(&nfc);
		}
		buf_free(&v);
	}
	e = line_end(s, n, close);
	return e < n ? e + 1 : n;
}

/* A footnote definition "[^label]: text" on the line s[i, e), after up
 * to three spaces and any block-quote markers: sets *open to its '[' and
 * *colon to its ':'. */
static bool
footnote_definition(const char *s, size_t i, size_t e, size_t *open, size_t *colon)
{
	for (int k = 0; k < 3 && i < e && s[i] == ' '; k++)
		i++;
	while (i < e && s[i] == '>') {
		i++;
		if (i < e && s[i] == ' ')
			i++;
	}
	if (e - i < 5 || s[i] != '[' || s[i + 1] != '^')
		return false;
	size_t j = i + 2;
	while (j < e && s[j] != ']' && s[j] != '[' && s[j] != ' ' && s[j] != '\t')
		j++;
	if (j == i + 2 || j + 1 >= e || s[j] != ']' || s[j + 1] != ':')
		return false;
	*open = i;
	*colon = j + 1;
	return true;
}

/* The opening fence of a fenced code block on s[i, e): its character and
 * length, else 0. */
static size_t
fence_at(const char *s, size_t i, size_t e, char *c)
{
	for (int k = 0; k < 3 && i < e && s[i] == ' '; k++)
		i++;
	if (i >= e || (s[i] != '`' && s[i] != '~'))
		return 0;
	size_t j = i;
	while (j < e && s[j] == s[i])
		j++;
	if (j - i < 3)
		return 0;
	*c = s[i];
	return j - i;
}

/* md4c 0.4.8 has no footnotes: it takes "[^1]: 這是註腳。" for a link
 * reference definition, so the note vanishes and every "[^1]" becomes a
 * link to it.  Each definition outside code blocks is kept as text where it
 * stands, "[^1] 這是註腳。" (its bracket escaped, its colon dropped), and
 * the references stay "[^1]" in the text.  Returns NULL when there is
 * none, else the rewritten source (its length in *len; caller frees). */
static char *
keep_footnotes(const char *s, size_t n, size_t *len)
{
	struct buf out = BUF_INIT;
	size_t copied = 0;
	char fence = 0;
	size_t fence_len = 0;
	bool prev_blank = true;
	for (size_t i = 0, e; i < n; i = e + 1) {
		e = line_end(s, n, i);
		char c;
		size_t f = fence_at(s, i, e, &c);
		if (fence_len) {
			if (f >= fence_len && c == fence)
				fence_len = 0;
		} else if (f) {
			fence = c;
			fence_len = f;
		} else {
			size_t open, colon;
			if (footnote_definition(s, i, e, &open, &colon)) {
				buf_append(&out, s + copied, open - copied);
				/* Each note a paragraph of its own, not a lazy
				   continuation of the line before. */
				if (!prev_blank && open == i)
					buf_putc(&out, '\n');
				buf_putc(&out, '\\');
				buf_append(&out, s + open, colon - open);
				if (colon + 1 < e && s[colon + 1] != ' ' && s[colon + 1] != '\t')
					buf_putc(&out, ' ');
				copied = colon + 1;
			}
		}
		prev_blank = true;
		for (size_t k = i; k < e && prev_blank; k++)
			prev_blank = s[k] == ' ' || s[k] == '\t';
		if (e == n)
			break;
	}
	if (copied == 0) {
		buf_free(&out);
		return NULL;
	}
	buf_append(&out, s + copied, n - copied);
	return buf_steal(&out, len);
}

enum gl_status
doc_render_markdown(struct doc_builder *b, const char *s, size_t n,
		    struct gl_error *err)
{
	if (n > UINT_MAX)
		return gl_fail(err, GL_TOO_LARGE,
			       "too large for the Markdown reader (%zu bytes; the limit is %u)",
			       n, UINT_MAX);
	enum gl_status ready = md4c_ready(err);
	if (ready != GL_OK)
		return ready;
	struct md_state st;
	memset(&st, 0, sizeof st);
	st.b = b;
	MD_PARSER parser;
	memset(&parser, 0, sizeof parser);
	parser.abi_version = 0;
	parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
	parser.enter_block = enter_block;
	parser.leave_block = leave_block;
	parser.enter_span = enter_span;
	parser.leave_span = leave_span;
	parser.text = on_text;
	size_t body = front_matter(b, s, n);
	size_t rewritten_len = 0;
	char *rewritten = keep_footnotes(s + body, n - body, &rewritten_len);
	if (rewritten && rewritten_len > UINT_MAX) {
		free(rewritten);
		return gl_fail(err, GL_TOO_LARGE,
			       "too large for the Markdown reader (%zu bytes; the limit is %u)",
			       n, UINT_MAX);
	}
	int rc = rewritten ? md_parse_fn(rewritten, (MD_SIZE)rewritten_len, &parser, &st)
			   : md_parse_fn(s + body, (MD_SIZE)(n - body), &parser, &st);
	free(rewritten);
	close_block(&st);
	for (size_t i = 0; i < st.nspans; i++)
		free(st.spans[i].href);
	free(st.spans);
	free(st.lists);
	free(st.containers);
	buf_free(&st.code_info);
	if (rc != 0)
		return gl_fail(err, GL_ERROR, "the Markdown reader failed (out of memory?)");
	if (st.have_h1) {
		b->title_start = st.h1_start;
		b->title_end = st.h1_end;
	} else if (st.have_heading) {
		b->title_start = st.heading_start;
		b->title_end = st.heading_end;
	} else if (st.first_line == 2) {
		b->title_start = st.first_start;
		b->title_end = st.first_end;
	} else {
		return GL_OK;
	}
	b->have_title = true;
	return GL_OK;
}
