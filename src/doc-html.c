/* doc-html: a web page into the article a reader expects: rendered text,
 * blocks and spans like Markdown's, a title and metadata.
 *
 * Parsing is libxml2's HTML parser (2.9: an HTML4 parser that keeps the
 * elements it does not know, <article> and friends, with its complaints
 * silenced), driven through SAX into a compact tree of our own: a node is
 * 24 bytes where libxml2's DOM costs several hundred, and the callbacks
 * bound what a hostile page may cost (nesting, node count, parse time).
 * The text handed to the parser is already decoded (doc-load.c chose the
 * encoding: the HTTP charset, else the BOM, else <meta>, else detection)
 * and NFC; the parser is told it is UTF-8 and never to switch on <meta>.
 *
 * Before parsing, one pass over the bytes (not a tag parser):
 *   - control characters, and numeric references to them, which libxml2
 *     would drop, become private markers (the noncharacters U+FDD0 +
 *     code) and come back as the characters in the text (layout shows
 *     them as placeholders); NUL, &#0;, surrogates and values past
 *     U+10FFFF become U+FFFD; a literal form feed is a space (HTML's
 *     whitespace), and a literal U+FDD0..U+FDEF becomes U+FFFD;
 *   - a start tag with more than HTML_MAX_ATTRIBUTES attributes is ended
 *     there (libxml2 checks duplicate attributes in quadratic time).
 * Text without any markup at all is read as plain text.
 *
 * Extraction: what is never shown (script, style, template, noscript,
 * <title> and <meta>, <rp> and <rtc>, form controls, iframes, SVG, and
 * hidden elements: [hidden], aria-hidden="true", style display:none or
 * visibility:hidden, class "hidden" or "sr-only") is dropped outright;
 * boilerplate (nav, aside, footer, form, a page's <header>, and elements
 * whose class, id or role say navigation, cookies, consent, newsletter,
 * sharing, comments, related links, ads, sidebars, unless they also say
 * article, content or main) is left out too.  The article is then the
 * <article> holding at least half of the page's paragraph text (text
 * outside links), else such a <main>, else the element found by walking
 * down from <body> through block containers while one child holds three
 * quarters of its parent's paragraph text and half of the page's.  An h1
 * above that element is its headline when <title> or og:title confirms
 * it, or when it is the page's only one.  A page whose only text is
 * boilerplate or links is shown whole without the boilerplate, or at
 * worst with it.
 *
 * Rendering follows CSS's white-space: normal: runs of spaces, tabs and
 * line feeds become one space, none at a block's edges or around a line
 * break, and a line feed between two CJK characters (not Hangul)
 * vanishes.  <pre> keeps its text as written.  Block elements end
 * paragraphs; <br> is an LF inside the block and two of them end it;
 * headings, list items (nested, numbered), block quotes, preformatted
 * code, table rows (cells joined by " | " and recorded, with their
 * align= or text-align; a table whose cells hold
 * paragraphs or lists is layout and its cells are read as blocks) and
 * <hr> give the block kinds Markdown gives.  Links (with their target,
 * resolved against the page's URL or <base>), emphasis, strong, code and
 * strike-through are spans; an image shows its alt text; <ruby> keeps its
 * base text in the text, as a DOC_ATTR_RUBY span whose `ruby` is the
 * reading (<rt>), kept beside the text and never in it, so a quote, a
 * search or an anchor sees only the base; <rp>'s fallback parentheses
 * are dropped (layout draws its own).  Generated text a browser adds (list
 * numbers, <q>'s quotation marks) is not text, as in the DOM a web
 * annotator anchors on.
 *
 * Nothing recurses: the tree is an array in document order where each
 * node knows where its subtree ends. */
#include "config.h"

#include "doc-internal.h"
#include "gloss/u8.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>

/* libxml2's functions, called through `lx`.  With GLOSS_LAZY_LIBS
 * (configure's default) libxml2 is not linked: it and what it needs (ICU,
 * libstdc++, liblzma) cost every start a part of a millisecond in the
 * dynamic loader, and only HTML uses it; so the first page loads it by
 * its soname (gl_load_library), as doc-fetch.c does libcurl.  Otherwise
 * `lx` points at the linked functions.  Each type is written out once
 * and checked against libxml2's prototype at compile time, so a mismatch
 * cannot build.  xmlFree is a variable of libxml2 (a function pointer,
 * free unless a program calls xmlMemSetup): `lx.xml_free` is its address. */
typedef void xmlInitParser_fn(void);
typedef htmlParserCtxtPtr htmlCreateMemoryParserCtxt_fn(const char *, int);
typedef int htmlCtxtUseOptions_fn(htmlParserCtxtPtr, int);
typedef int xmlSwitchEncoding_fn(xmlParserCtxtPtr, xmlCharEncoding);
typedef int htmlParseDocument_fn(htmlParserCtxtPtr);
typedef void xmlFreeDoc_fn(xmlDocPtr);
typedef void htmlFreeParserCtxt_fn(htmlParserCtxtPtr);
typedef void xmlStopParser_fn(xmlParserCtxtPtr);
typedef xmlChar *xmlBuildURI_fn(const xmlChar *, const xmlChar *);
typedef xmlFreeFunc xmlFree_fn;
#define LIBXML_FUNCTIONS(_) \
	_(xmlInitParser) _(htmlCreateMemoryParserCtxt) _(htmlCtxtUseOptions) \
	_(xmlSwitchEncoding) _(htmlParseDocument) _(xmlFreeDoc) \
	_(htmlFreeParserCtxt) _(xmlStopParser) _(xmlBuildURI)

#define LIBXML_CHECK_TYPE(name) \
	_Static_assert(_Generic(&name, name##_fn *: 1, default: 0), \
		       #name "'s type is not the one libxml2's headers declare");
LIBXML_FUNCTIONS(LIBXML_CHECK_TYPE)
LIBXML_CHECK_TYPE(xmlFree)

static struct {
#define LIBXML_POINTER(name) name##_fn *name;
	LIBXML_FUNCTIONS(LIBXML_POINTER)
	xmlFree_fn *xml_free;
} lx
#ifndef GLOSS_LAZY_LIBS
#define LIBXML_LINKED(name) name,
	= { LIBXML_FUNCTIONS(LIBXML_LINKED) &xmlFree }
#endif
	;

static enum gl_status libxml_state = GL_STATUS_COUNT;  /* not tried yet */
static struct gl_error libxml_why;

static void
load_libxml(void)
{
#ifdef GLOSS_LAZY_LIBS
	static const char *const names[] = {
#define LIBXML_NAME(name) #name,
		LIBXML_FUNCTIONS(LIBXML_NAME) "xmlFree"
	};
	void *addrs[GL_ARRAY_LEN(names)];
	libxml_state = gl_load_library(GLOSS_LIBXML2_SONAME, "reading HTML", names,
				       addrs, GL_ARRAY_LEN(names), &libxml_why);
	size_t i = 0;
#define LIBXML_SET(name) lx.name = (name##_fn *)addrs[i++];
	if (libxml_state == GL_OK) {
		LIBXML_FUNCTIONS(LIBXML_SET)
		lx.xml_free = (xmlFree_fn *)addrs[i++];
	}
#else
	libxml_state = GL_OK;
#endif
	if (libxml_state == GL_OK)
		lx.xmlInitParser();
}

/* Loads libxml2 once, whichever thread reads the first page. */
static enum gl_status
libxml_ready(struct gl_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_libxml);
	if (libxml_state != GL_OK && err)
		*err = libxml_why;
	return libxml_state;
}

/* Limits on what one page may cost.  Past them the rest of the page is
 * not read (or, for depth, read without its deeper structure) and
 * doc_info's `truncated` says so. */
#define HTML_MAX_DEPTH 512
#define HTML_MAX_NODES ((size_t)6 * 1024 * 1024)
#define HTML_MAX_SECONDS 20
#define HTML_MAX_ATTRIBUTES 256
/* The part of a page searched for a <meta> charset. */
#define META_SCAN_BYTES 8192

/* The markers of control characters while the page is parsed: U+FDD0 +
 * code, UTF-8 EF B7 90..AF. */
#define MARKER_LEAD1 0xEF
#define MARKER_LEAD2 0xB7
#define MARKER_FIRST 0x90
#define MARKER_LAST 0xAF

/* ----------------------------------------------------------------- tags */

enum tag {
	T_OTHER, T_TEXT, T_DOCUMENT,
	T_A, T_ADDRESS, T_ARTICLE, T_ASIDE, T_B, T_BASE, T_BLOCKQUOTE, T_BODY,
	T_BR, T_CAPTION, T_CENTER, T_CITE, T_CODE, T_DD, T_DEL, T_DETAILS,
	T_DFN, T_DIV, T_DL, T_DT, T_EM, T_FIELDSET, T_FIGCAPTION, T_FIGURE,
	T_FOOTER, T_FORM, T_H1, T_H2, T_H3, T_H4, T_H5, T_H6, T_HEAD, T_HEADER,
	T_HGROUP, T_HR, T_HTML, T_I, T_IMG, T_KBD, T_LEGEND, T_LI, T_LISTING,
	T_MAIN, T_META, T_NAV, T_OL, T_P, T_PLAINTEXT, T_PRE, T_S, T_SAMP,
	T_SECTION, T_STRIKE, T_STRONG, T_SUMMARY, T_TABLE, T_TD, T_TH, T_TIME,
	T_TITLE, T_TR, T_TT, T_UL, T_VAR, T_XMP, T_MENU, T_DIR, T_TBODY,
	T_THEAD, T_TFOOT, T_RUBY,
	T_RT,        /* a ruby reading: not in the text, kept beside it */
	T_DROP,      /* never shown: script, style, rp, ... */
	T_BOILER,    /* boilerplate by its name: nav-like elements */
};

/* What a tag does. */
enum {
	P_BLOCK = 1 << 0,     /* ends the paragraph around it */
	P_SECTIONING = 1 << 1, /* counts as a block inside a table cell */
};

struct tag_info {
	const char *name;
	enum tag tag;
	unsigned props;
};

/* Sorted by name (strcmp) for bsearch. */
static const struct tag_info tags[] = {
	{ "a", T_A, 0 },
	{ "address", T_ADDRESS, P_BLOCK },
	{ "annotation", T_DROP, 0 },
	{ "annotation-xml", T_DROP, 0 },
	{ "applet", T_DROP, 0 },
	{ "article", T_ARTICLE, P_BLOCK | P_SECTIONING },
	{ "aside", T_ASIDE, P_BLOCK },
	{ "audio", T_DROP, 0 },
	{ "b", T_B, 0 },
	{ "base", T_BASE, 0 },
	{ "blockquote", T_BLOCKQUOTE, P_BLOCK | P_SECTIONING },
	{ "body", T_BODY, P_BLOCK },
	{ "br", T_BR, 0 },
	{ "button", T_DROP, 0 },
	{ "canvas", T_DROP, 0 },
	{ "caption", T_CAPTION, P_BLOCK },
	{ "center", T_CENTER, P_BLOCK },
	{ "cite", T_CITE, 0 },
	{ "code", T_CODE, 0 },
	{ "datalist", T_DROP, 0 },
	{ "dd", T_DD, P_BLOCK },
	{ "del", T_DEL, 0 },
	{ "details", T_DETAILS, P_BLOCK },
	{ "dfn", T_DFN, 0 },
	{ "dialog", T_DROP, 0 },
	{ "dir", T_DIR, P_BLOCK | P_SECTIONING },
	{ "div", T_DIV, P_BLOCK },
	{ "dl", T_DL, P_BLOCK | P_SECTIONING },
	{ "dt", T_DT, P_BLOCK },
	{ "em", T_EM, 0 },
	{ "embed", T_DROP, 0 },
	{ "fieldset", T_FIELDSET, P_BLOCK },
	{ "figcaption", T_FIGCAPTION, P_BLOCK },
	{ "figure", T_FIGURE, P_BLOCK },
	{ "footer", T_FOOTER, P_BLOCK },
	{ "form", T_FORM, P_BLOCK },
	{ "frame", T_DROP, 0 },
	{ "frameset", T_DROP, 0 },
	{ "h1", T_H1, P_BLOCK | P_SECTIONING },
	{ "h2", T_H2, P_BLOCK | P_SECTIONING },
	{ "h3", T_H3, P_BLOCK | P_SECTIONING },
	{ "h4", T_H4, P_BLOCK | P_SECTIONING },
	{ "h5", T_H5, P_BLOCK | P_SECTIONING },
	{ "h6", T_H6, P_BLOCK | P_SECTIONING },
	{ "head", T_HEAD, 0 },
	{ "header", T_HEADER, P_BLOCK },
	{ "hgroup", T_HGROUP, P_BLOCK },
	{ "hr", T_HR, P_BLOCK },
	{ "html", T_HTML, P_BLOCK },
	{ "i", T_I, 0 },
	{ "iframe", T_DROP, 0 },
	{ "img", T_IMG, 0 },
	{ "input", T_DROP, 0 },
	{ "kbd", T_KBD, 0 },
	{ "legend", T_LEGEND, P_BLOCK },
	{ "li", T_LI, P_BLOCK },
	{ "link", T_DROP, 0 },
	{ "listing", T_LISTING, P_BLOCK | P_SECTIONING },
	{ "main", T_MAIN, P_BLOCK | P_SECTIONING },
	{ "map", T_DROP, 0 },
	{ "menu", T_MENU, P_BLOCK | P_SECTIONING },
	{ "meta", T_META, 0 },
	{ "meter", T_DROP, 0 },
	{ "nav", T_NAV, P_BLOCK },
	{ "noembed", T_DROP, 0 },
	{ "noframes", T_DROP, 0 },
	{ "noscript", T_DROP, 0 },
	{ "object", T_DROP, 0 },
	{ "ol", T_OL, P_BLOCK | P_SECTIONING },
	{ "optgroup", T_DROP, 0 },
	{ "option", T_DROP, 0 },
	{ "output", T_DROP, 0 },
	{ "p", T_P, P_BLOCK | P_SECTIONING },
	{ "param", T_DROP, 0 },
	{ "picture", T_OTHER, 0 },
	{ "plaintext", T_PLAINTEXT, P_BLOCK | P_SECTIONING },
	{ "pre", T_PRE, P_BLOCK | P_SECTIONING },
	{ "progress", T_DROP, 0 },
	{ "rp", T_DROP, 0 },
	{ "rt", T_RT, 0 },
	{ "rtc", T_DROP, 0 },
	{ "ruby", T_RUBY, 0 },
	{ "s", T_S, 0 },
	{ "samp", T_SAMP, 0 },
	{ "script", T_DROP, 0 },
	{ "search", T_BOILER, P_BLOCK },
	{ "section", T_SECTION, P_BLOCK | P_SECTIONING },
	{ "select", T_DROP, 0 },
	{ "slot", T_DROP, 0 },
	{ "source", T_DROP, 0 },
	{ "strike", T_STRIKE, 0 },
	{ "strong", T_STRONG, 0 },
	{ "style", T_DROP, 0 },
	{ "summary", T_SUMMARY, P_BLOCK },
	{ "svg", T_DROP, 0 },
	{ "table", T_TABLE, P_BLOCK | P_SECTIONING },
	{ "tbody", T_TBODY, 0 },
	{ "td", T_TD, 0 },
	{ "template", T_DROP, 0 },
	{ "textarea", T_DROP, 0 },
	{ "tfoot", T_TFOOT, 0 },
	{ "th", T_TH, 0 },
	{ "thead", T_THEAD, 0 },
	{ "time", T_TIME, 0 },
	{ "title", T_TITLE, 0 },
	{ "tr", T_TR, 0 },
	{ "track", T_DROP, 0 },
	{ "tt", T_TT, 0 },
	{ "ul", T_UL, P_BLOCK | P_SECTIONING },
	{ "var", T_VAR, 0 },
	{ "video", T_DROP, 0 },
	{ "xmp", T_XMP, P_BLOCK | P_SECTIONING },
};

static int
tag_cmp(const void *key, const void *elem)
{
	const struct tag_info *t = elem;
	return strcmp(key, t->name);
}

static const struct tag_info *
tag_lookup(const char *name)
{
	return bsearch(name, tags, GL_ARRAY_LEN(tags), sizeof tags[0], tag_cmp);
}

static bool
is_heading(enum tag t)
{
	return t >= T_H1 && t <= T_H6;
}

/* ---------------------------------------------------------------- nodes */

enum {
	F_DROP = 1 << 0,        /* never shown (inherited) */
	F_BOILER = 1 << 1,      /* boilerplate (inherited) */
	F_LINK = 1 << 2,        /* inside a link (inherited) */
	F_IN_ARTICLE = 1 << 3,  /* inside article/main (inherited) */
	F_IN_HEADER = 1 << 4,   /* inside a <header> (inherited) */
	F_HAS_BLOCK = 1 << 5,   /* has a sectioning element below it */
	F_LAYOUT = 1 << 6,      /* a table used for layout */
	F_HAS_HEADING = 1 << 7, /* has an h1 or h2 below it */
	F_ARTICLE = 1 << 8,     /* <article> or role=article */
	F_MAIN = 1 << 9,        /* <main> or role=main */
	F_HEADER = 1 << 10,     /* a <header> */
	F_STRING = 1 << 11,     /* str/len name a string (href, alt) */
	F_RT = 1 << 12,         /* inside a ruby reading that would be shown
				   (inherited): dropped from the text, but
				   its text is kept for the reading */
};
#define F_INHERITED (F_DROP | F_BOILER | F_LINK | F_IN_ARTICLE | F_IN_HEADER | F_RT)

struct hnode {
	uint32_t parent;
	uint32_t end;       /* one past the last node of the subtree */
	uint8_t tag;        /* enum tag */
	uint8_t props;      /* its tag's P_ bits */
	uint16_t flags;
	uint32_t str;       /* text or string: offset in the pool; ol: start;
			       li: value (+1, 0 when none); td, th: its
			       enum doc_align */
	uint32_t len;
};

/* ---------------------------------------------------------- metadata */

enum meta_slot { M_OG_TITLE, M_SITE, M_AUTHOR, M_DATE, M_BASE, M_COUNT };

struct parse {
	xmlParserCtxtPtr ctxt;
	struct hnode *nodes;
	size_t n, cap;
	struct buf pool;
	uint32_t cur;
	unsigned depth;
	unsigned skipped;        /* elements past HTML_MAX_DEPTH still open */
	bool stopped, truncated;
	unsigned long events;
	struct timespec started;
	struct buf title;
	bool in_title, have_title;
	char *meta[M_COUNT];
	int meta_rank[M_COUNT];  /* lower is better */
};

static bool
ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* White space that CSS collapses.  A CR in the text came from &#13; (the
 * loader made every line end an LF) and stays a character. */
static bool
collapsible(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool
ascii_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* Trims ASCII whitespace: returns the start and sets *len. */
static const char *
trim(const char *s, size_t *len)
{
	size_t n = strlen(s);
	while (n > 0 && ascii_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && ascii_space((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* Does the word w[0, n) appear in `s` as a whole word, words being split
 * at anything but letters and digits?  Case is ignored. */
static bool
has_word(const char *s, const char *w)
{
	size_t wn = strlen(w);
	for (const char *p = s; *p;) {
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			       (*p >= '0' && *p <= '9')))
			p++;
		const char *start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9'))
			p++;
		if ((size_t)(p - start) == wn && strncasecmp(start, w, wn) == 0)
			return true;
	}
	return false;
}

/* Class and id words that mark what a reader does not want, and words that
 * say an element is the content after all ("article-header"). */
static const char *const boiler_words[] = {
	"ad", "ads", "advert", "advertisement", "banner", "breadcrumb",
	"breadcrumbs", "comment", "comments", "consent", "cookie", "cookies",
	"disqus", "footer", "gdpr", "login", "menu",
	"modal", "nav", "navbar", "navigation", "newsletter", "outbrain",
	"pager", "pagination", "paywall", "popular", "popup", "promo",
	"recommended", "related", "rss", "share", "sharing", "sidebar", "signup",
	"skip", "social", "sponsor", "sponsored", "subscribe", "subscription",
	"taboola", "toolbar", "trending", "widget",
};
/* Words that mark a page's own header, but inside an article its
 * headline and byline. */
static const char *const page_words[] = { "header", "masthead" };
/* As Readability has it: these say "content" even beside a word above. */
static const char *const content_words[] = {
	"article", "body", "column", "content", "main",
};
/* Whole class names that hide an element from sight. */
static const char *const hidden_classes[] = {
	"hidden", "sr-only", "visually-hidden", "visuallyhidden",
	"screen-reader-text", "d-none",
};

static bool
names_boilerplate(const char *s, bool in_article)
{
	bool boiler = false;
	for (size_t i = 0; i < GL_ARRAY_LEN(boiler_words) && !boiler; i++)
		boiler = has_word(s, boiler_words[i]);
	for (size_t i = 0; i < GL_ARRAY_LEN(page_words) && !boiler && !in_article; i++)
		boiler = has_word(s, page_words[i]);
	if (!boiler)
		return false;
	for (size_t i = 0; i < GL_ARRAY_LEN(content_words); i++)
		if (has_word(s, content_words[i]))
			return false;
	return true;
}

static bool
has_hidden_class(const char *cls)
{
	for (const char *p = cls; *p;) {
		while (*p && ascii_space((unsigned char)*p))
			p++;
		const char *start = p;
		while (*p && !ascii_space((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - start);
		for (size_t i = 0; i < GL_ARRAY_LEN(hidden_classes); i++)
			if (strlen(hidden_classes[i]) == n &&
			    strncasecmp(start, hidden_classes[i], n) == 0)
				return true;
	}
	return false;
}

/* display:none or visibility:hidden in a style attribute. */
static bool
style_hides(const char *style)
{
	char squeezed[256];
	size_t n = 0;
	for (const char *p = style; *p && n + 1 < sizeof squeezed; p++)
		if (!ascii_space((unsigned char)*p))
			squeezed[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	squeezed[n] = '\0';
	return strstr(squeezed, "display:none") || strstr(squeezed, "visibility:hidden");
}

/* A table cell's alignment: text-align in its style, else its align=
 * (both as browsers read them, case ignored). */
static enum doc_align
cell_align(const char *align, const char *style)
{
	const char *v = NULL;
	char squeezed[256];
	if (style) {
		size_t n = 0;
		for (const char *p = style; *p && n + 1 < sizeof squeezed; p++)
			if (!ascii_space((unsigned char)*p))
				squeezed[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
		squeezed[n] = '\0';
		const char *ta = strstr(squeezed, "text-align:");
		if (ta)
			v = ta + strlen("text-align:");
	}
	if (!v && align)
		v = align;
	if (!v)
		return DOC_ALIGN_NONE;
	if (strncasecmp(v, "center", 6) == 0)
		return DOC_ALIGN_CENTER;
	if (strncasecmp(v, "right", 5) == 0)
		return DOC_ALIGN_RIGHT;
	if (strncasecmp(v, "left", 4) == 0)
		return DOC_ALIGN_LEFT;
	return DOC_ALIGN_NONE;
}

static const char *const boiler_roles[] = {
	"alert", "alertdialog", "banner", "complementary", "contentinfo", "dialog",
	"menu", "menubar", "navigation", "search", "toolbar",
};

static void
set_meta(struct parse *ps, enum meta_slot slot, int rank, const char *value)
{
	if (!value)
		return;
	size_t n;
	const char *v = trim(value, &n);
	if (n == 0 || (ps->meta[slot] && ps->meta_rank[slot] <= rank))
		return;
	free(ps->meta[slot]);
	ps->meta[slot] = xstrndup(v, n);
	ps->meta_rank[slot] = rank;
}

static bool
looks_like_url(const char *s)
{
	size_t n;
	s = trim(s, &n);
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
	       (n > 1 && s[0] == '/');
}

/* <meta name|property="..." content="...">: the metadata gloss keeps. */
static void
read_meta(struct parse *ps, const char *key, const char *content, bool is_property)
{
	if (!key || !content)
		return;
	if (ascii_ieq(key, "og:title"))
		set_meta(ps, M_OG_TITLE, 0, content);
	else if (ascii_ieq(key, "twitter:title"))
		set_meta(ps, M_OG_TITLE, 1, content);
	else if (ascii_ieq(key, "og:site_name"))
		set_meta(ps, M_SITE, 0, content);
	else if (ascii_ieq(key, "application-name"))
		set_meta(ps, M_SITE, 1, content);
	else if ((ascii_ieq(key, "author") && !is_property) || ascii_ieq(key, "og:author") ||
		 ascii_ieq(key, "article:author") || ascii_ieq(key, "og:article:author") ||
		 ascii_ieq(key, "dc.creator") || ascii_ieq(key, "parsely-author") ||
		 ascii_ieq(key, "sailthru.author")) {
		/* article:author is often the address of a profile page. */
		if (!looks_like_url(content))
			set_meta(ps, M_AUTHOR, ascii_ieq(key, "author") ? 0 : 1, content);
	} else if (ascii_ieq(key, "article:published_time") ||
		   ascii_ieq(key, "og:article:published_time")) {
		set_meta(ps, M_DATE, 0, content);
	} else if (ascii_ieq(key, "date") || ascii_ieq(key, "dc.date") ||
		   ascii_ieq(key, "dc.date.issued") || ascii_ieq(key, "pubdate") ||
		   ascii_ieq(key, "publish-date") || ascii_ieq(key, "parsely-pub-date") ||
		   ascii_ieq(key, "sailthru.date")) {
		set_meta(ps, M_DATE, 1, content);
	}
}

/* --------------------------------------------------------------- parsing */

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
stop(struct parse *ps)
{
	ps->stopped = true;
	ps->truncated = true;
	lx.xmlStopParser(ps->ctxt);
}

/* Every so many callbacks: over the time budget? */
static bool
over_budget(struct parse *ps)
{
	if (ps->stopped)
		return true;
	if ((++ps->events & 1023) == 0 && seconds_since(&ps->started) > HTML_MAX_SECONDS) {
		stop(ps);
		return true;
	}
	return false;
}

static struct hnode *
new_node(struct parse *ps, enum tag tag)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 1024;
		ps->nodes = xreallocarray(ps->nodes, ps->cap, sizeof *ps->nodes);
	}
	struct hnode *nd = &ps->nodes[ps->n];
	memset(nd, 0, sizeof *nd);
	nd->parent = ps->cur;
	nd->end = (uint32_t)ps->n + 1;
	nd->tag = (uint8_t)tag;
	nd->flags = ps->nodes[ps->cur].flags & F_INHERITED;
	ps->n++;
	return nd;
}

/* Keeps a string in the pool; false when the pool is full. */
static bool
pool_string(struct parse *ps, struct hnode *nd, const char *s)
{
	size_t n = strlen(s);
	if (ps->pool.len + n >= UINT32_MAX)
		return false;
	nd->str = (uint32_t)ps->pool.len;
	nd->len = (uint32_t)n;
	nd->flags |= F_STRING;
	buf_append(&ps->pool, s, n);
	return true;
}

/* The language a class names ("language-python" or "lang-c", as
 * highlighters and Markdown renderers write on <pre> and <code>), kept
 * for a code block (doc_block.info); one plain word only. */
static void
code_language(struct parse *ps, struct hnode *nd, const char *cls)
{
	for (const char *p = cls; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		size_t n = strcspn(p, " \t\n");
		size_t skip = n > 9 && strncmp(p, "language-", 9) == 0 ? 9 :
			      n > 5 && strncmp(p, "lang-", 5) == 0 ? 5 : 0;
		if (skip) {
			bool plain = true;
			for (size_t i = skip; i < n && plain; i++)
				plain = p[i] > ' ' && p[i] < 0x7f && p[i] != '`' && p[i] != '~' &&
					p[i] != '"' && p[i] != '<' && p[i] != '>' && p[i] != '&';
			if (plain) {
				char *lang = xstrndup(p + skip, n - skip);
				(void)pool_string(ps, nd, lang);
				free(lang);
				return;
			}
		}
		p += n;
	}
}

static const char *
attr(const xmlChar **atts, const char *name)
{
	if (!atts)
		return NULL;
	for (size_t i = 0; atts[i]; i += 2)
		if (ascii_ieq((const char *)atts[i], name))
			return atts[i + 1] ? (const char *)atts[i + 1] : "";
	return NULL;
}

static void
on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	struct parse *ps = ctx;
	if (over_budget(ps))
		return;
	if (ps->depth >= HTML_MAX_DEPTH || ps->skipped > 0) {
		/* Deeper structure is read as part of the deepest element. */
		ps->skipped++;
		ps->truncated = true;
		return;
	}
	if (ps->n >= HTML_MAX_NODES) {
		stop(ps);
		return;
	}
	const char *name = (const char *)xname;
	const struct tag_info *ti = tag_lookup(name);
	enum tag tag = ti ? ti->tag : T_OTHER;
	struct hnode *nd = new_node(ps, tag);
	nd->props = ti ? (uint8_t)ti->props : 0;

	const char *cls = attr(atts, "class");
	const char *id = attr(atts, "id");
	const char *role = attr(atts, "role");
	const char *style = attr(atts, "style");
	const char *aria = attr(atts, "aria-hidden");
	/* <head> itself is not dropped: libxml2 (an HTML4 parser) leaves
	   elements it does not know, <article> among them, in the head of a
	   page that has no <body> tag. */
	bool hidden = attr(atts, "hidden") || (aria && ascii_ieq(aria, "true")) ||
		      (style && style_hides(style)) || (cls && has_hidden_class(cls));
	/* A reading is out of the text but kept for its base; one that is
	   hidden itself, or inside something dropped, is not. */
	if (tag == T_RT && !(nd->flags & F_DROP) && !hidden)
		nd->flags |= F_RT;
	if (hidden || tag == T_DROP)
		nd->flags &= (uint16_t)~F_RT;
	if (tag == T_DROP || tag == T_RT || hidden)
		nd->flags |= F_DROP;
	if (tag == T_NAV || tag == T_ASIDE || tag == T_FOOTER || tag == T_FORM ||
	    tag == T_BOILER)
		nd->flags |= F_BOILER;
	if (role) {
		for (size_t i = 0; i < GL_ARRAY_LEN(boiler_roles); i++)
			if (ascii_ieq(role, boiler_roles[i]))
				nd->flags |= F_BOILER;
		if (ascii_ieq(role, "main"))
			nd->flags |= F_MAIN | F_IN_ARTICLE;
		if (ascii_ieq(role, "article"))
			nd->flags |= F_ARTICLE | F_IN_ARTICLE;
	}
	bool structural = tag == T_HTML || tag == T_BODY || tag == T_ARTICLE ||
			  tag == T_MAIN || tag == T_A || (nd->flags & (F_MAIN | F_ARTICLE));
	bool in_article = nd->flags & F_IN_ARTICLE;
	if (!structural && ((cls && names_boilerplate(cls, in_article)) ||
			    (id && names_boilerplate(id, in_article))))
		nd->flags |= F_BOILER;
	if (tag == T_ARTICLE)
		nd->flags |= F_ARTICLE | F_IN_ARTICLE;
	if (tag == T_MAIN)
		nd->flags |= F_MAIN | F_IN_ARTICLE;
	if (tag == T_HEADER)
		nd->flags |= F_HEADER | F_IN_HEADER;

	switch (tag) {
	case T_A: {
		const char *href = attr(atts, "href");
		nd->flags |= F_LINK;
		if (href)
			(void)pool_string(ps, nd, href);
		break;
	}
	case T_IMG: {
		const char *alt = attr(atts, "alt");
		if (alt)
			(void)pool_string(ps, nd, alt);
		break;
	}
	case T_OL: {
		long v;
		const char *start = attr(atts, "start");
		nd->str = 1;
		if (start && gl_parse_long(start, 0, 1000000000L, &v))
			nd->str = (uint32_t)v;
		break;
	}
	case T_LI: {
		long v;
		const char *value = attr(atts, "value");
		if (value && gl_parse_long(value, 0, 1000000000L, &v))
			nd->str = (uint32_t)v + 1;
		break;
	}
	case T_META: {
		const char *content = attr(atts, "content");
		const char *prop = attr(atts, "property");
		const char *mname = attr(atts, "name");
		read_meta(ps, prop, content, true);
		read_meta(ps, mname, content, false);
		const char *itemprop = attr(atts, "itemprop");
		if (itemprop && ascii_ieq(itemprop, "datePublished"))
			set_meta(ps, M_DATE, 2, content);
		if (itemprop && ascii_ieq(itemprop, "author"))
			set_meta(ps, M_AUTHOR, 2, content);
		break;
	}
	case T_TD:
	case T_TH:
		nd->str = (uint32_t)cell_align(attr(atts, "align"), style);
		break;
	case T_BASE: {
		const char *href = attr(atts, "href");
		if (href)
			set_meta(ps, M_BASE, 0, href);
		break;
	}
	case T_TIME: {
		const char *dt = attr(atts, "datetime");
		if (dt && !(nd->flags & (F_DROP | F_BOILER)))
			set_meta(ps, M_DATE, 3, dt);
		break;
	}
	case T_PRE:
	case T_CODE:
		if (cls)
			code_language(ps, nd, cls);
		break;
	case T_TITLE:
		/* The page's, not an SVG's <title>. */
		ps->in_title = !ps->have_title && !(nd->flags & F_DROP);
		break;
	default:
		break;
	}
	ps->cur = (uint32_t)(ps->n - 1);
	ps->depth++;
}

static void
on_end(void *ctx, const xmlChar *name)
{
	struct parse *ps = ctx;
	(void)name;
	if (ps->stopped)
		return;
	if (ps->skipped > 0) {
		ps->skipped--;
		return;
	}
	if (ps->cur == 0)
		return;
	struct hnode *nd = &ps->nodes[ps->cur];
	nd->end = (uint32_t)ps->n;
	if (nd->tag == T_TITLE && ps->in_title) {
		ps->in_title = false;
		ps->have_title = true;
	}
	ps->cur = nd->parent;
	ps->depth--;
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct parse *ps = ctx;
	if (over_budget(ps) || len <= 0)
		return;
	if (ps->in_title) {
		buf_append(&ps->title, ch, (size_t)len);
		return;
	}
	if ((ps->nodes[ps->cur].flags & (F_DROP | F_RT)) == F_DROP)
		return;  /* never shown: not even kept */
	if (ps->pool.len + (size_t)len >= UINT32_MAX) {
		stop(ps);
		return;
	}
	struct hnode *last = &ps->nodes[ps->n - 1];
	if (last->tag == T_TEXT && last->parent == ps->cur &&
	    (size_t)last->str + last->len == ps->pool.len) {
		last->len += (uint32_t)len;
	} else {
		if (ps->n >= HTML_MAX_NODES) {
			stop(ps);
			return;
		}
		last = new_node(ps, T_TEXT);
		last->str = (uint32_t)ps->pool.len;
		last->len = (uint32_t)len;
	}
	buf_append(&ps->pool, ch, (size_t)len);
}

/* Script and style bodies: not wanted. */
static void
on_cdata(void *ctx, const xmlChar *ch, int len)
{
	(void)ctx;
	(void)ch;
	(void)len;
}

static const int parse_options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				 HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
				 HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;

/* Runs libxml2's parser over s[0, n) (UTF-8, or Latin-1 when `latin1`)
 * with the given SAX handlers.  GL_NO_LIBRARY when libxml2 cannot be
 * loaded, GL_ERROR when it could not start (out of memory inside it). */
static enum gl_status
run_parser(const char *s, size_t n, bool latin1, xmlSAXHandler *handlers,
	   void *user, xmlParserCtxtPtr *ctxt_out, struct gl_error *err)
{
	enum gl_status ready = libxml_ready(err);
	if (ready != GL_OK)
		return ready;
	htmlParserCtxtPtr ctxt = lx.htmlCreateMemoryParserCtxt(n ? s : " ", n ? (int)n : 1);
	if (!ctxt)
		return gl_fail(err, GL_ERROR, "the HTML reader could not start (out of memory?)");
	lx.htmlCtxtUseOptions(ctxt, parse_options);
	/* Only our callbacks: no tree is built, and with no error handler
	 * libxml2 reports nothing. */
	*ctxt->sax = *handlers;
	ctxt->userData = user;
	lx.xmlSwitchEncoding(ctxt, latin1 ? XML_CHAR_ENCODING_8859_1 : XML_CHAR_ENCODING_UTF8);
	if (ctxt_out)
		*ctxt_out = ctxt;
	lx.htmlParseDocument(ctxt);
	if (ctxt->myDoc)
		lx.xmlFreeDoc(ctxt->myDoc);
	ctxt->myDoc = NULL;
	lx.htmlFreeParserCtxt(ctxt);
	if (ctxt_out)
		*ctxt_out = NULL;
	return GL_OK;
}

/* ------------------------------------------------------------- prepass */

static void
put_marker(struct buf *out, unsigned code)
{
	char m[3] = { (char)MARKER_LEAD1, (char)MARKER_LEAD2, (char)(MARKER_FIRST + code) };
	buf_append(out, m, 3);
}

/* A numeric reference's value as libxml2 reads it: digits up to the first
 * other character, a ';' after them optional, growth stopped past
 * U+10FFFF.  Returns the length of the reference (0 if s is not one). */
static size_t
numeric_reference(const char *s, size_t n, uint32_t *value)
{
	if (n < 3 || s[0] != '&' || s[1] != '#')
		return 0;
	bool hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2, digits = 0;
	uint32_t v = 0;
	for (; i < n; i++, digits++) {
		unsigned d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (hex && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (hex && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (v < 0x110000)
			v = v * (hex ? 16 : 10) + d;
	}
	if (digits == 0)
		return 0;
	if (i < n && s[i] == ';')
		i++;
	*value = v;
	return i;
}

/* Is c a control character libxml2 drops (all C0 but tab, LF, CR)? */
static bool
dropped_control(uint32_t c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

enum tagscan { SCAN_TEXT, SCAN_TAG, SCAN_VALUE, SCAN_QUOTED };

/* Prepares s[0, n) for libxml2 (see the top of this file). */
static void
prepare(const char *s, size_t n, struct buf *out)
{
	buf_reserve(out, n + 16);
	enum tagscan state = SCAN_TEXT;
	char quote = 0;
	unsigned attrs = 0;
	bool after_space = false;
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		/* Control characters and markers. */
		if (c == 0) {
			buf_append(out, "\xEF\xBF\xBD", 3);
			i++;
			continue;
		}
		if (c == '\f') {
			buf_putc(out, ' ');
			i++;
			continue;
		}
		if (dropped_control(c)) {
			put_marker(out, c);
			i++;
			continue;
		}
		if (c == MARKER_LEAD1 && i + 2 < n && (unsigned char)s[i + 1] == MARKER_LEAD2 &&
		    (unsigned char)s[i + 2] >= MARKER_FIRST && (unsigned char)s[i + 2] <= MARKER_LAST) {
			buf_append(out, "\xEF\xBF\xBD", 3);
			i += 3;
			continue;
		}
		if (c == '&' && i + 2 < n && s[i + 1] == '#') {
			uint32_t v;
			size_t len = numeric_reference(s + i, n - i, &v);
			if (len > 0) {
				if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ||
				    (v >= 0xFDD0 && v <= 0xFDEF) || v == 0xFFFE || v == 0xFFFF) {
					buf_append(out, "\xEF\xBF\xBD", 3);
					i += len;
					continue;
				}
				if (dropped_control(v)) {
					put_marker(out, v);
					i += len;
					continue;
				}
				buf_append(out, s + i, len);
				i += len;
				continue;
			}
		}
		/* The attribute count of start tags. */
		switch (state) {
		case SCAN_TEXT:
			if (c == '<' && i + 1 < n &&
			    ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z'))) {
				state = SCAN_TAG;
				attrs = 0;
				after_space = false;
			}
			break;
		case SCAN_TAG:
			if (c == '>') {
				state = SCAN_TEXT;
			} else if (ascii_space(c)) {
				after_space = true;
			} else if (c == '=') {
				state = SCAN_VALUE;
				after_space = false;
			} else {
				if (after_space && c != '/' && ++attrs > HTML_MAX_ATTRIBUTES) {
					/* End the tag here: what follows is text. */
					buf_putc(out, '>');
					state = SCAN_TEXT;
				}
				after_space = false;
			}
			break;
		case SCAN_VALUE:
			if (c == '"' || c == '\'') {
				quote = (char)c;
				state = SCAN_QUOTED;
			} else if (c == '>') {
				state = SCAN_TEXT;
			} else if (!ascii_space(c)) {
				state = SCAN_TAG;  /* an unquoted value */
			}
			break;
		case SCAN_QUOTED:
			if ((char)c == quote)
				state = SCAN_TAG;
			break;
		}
		buf_putc(out, (char)c);
		i++;
	}
	if (!out->data)
		buf_reserve(out, 0);
}

/* Any markup at all: '<' and a letter, '!', '/' or '?'. */
static bool
has_markup(const char *s, size_t n)
{
	for (const char *p = memchr(s, '<', n); p; p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
		if ((size_t)(p + 1 - s) >= n)
			return false;
		char c = p[1];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '!' || c == '/' || c == '?')
			return true;
	}
	return false;
}

/* Appends s[0, n) with the markers turned back into control characters. */
static void
unmark(struct buf *out, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i + 2 < n; i++) {
		if ((unsigned char)s[i] == MARKER_LEAD1 && (unsigned char)s[i + 1] == MARKER_LEAD2 &&
		    (unsigned char)s[i + 2] >= MARKER_FIRST && (unsigned char)s[i + 2] <= MARKER_LAST) {
			buf_append(out, s + from, i - from);
			buf_putc(out, (char)((unsigned char)s[i + 2] - MARKER_FIRST));
			i += 2;
			from = i + 1;
		}
	}
	buf_append(out, s + from, n - from);
}

/* A string from the page (title, metadata) as text: NFC, controls back,
 * whitespace collapsed and trimmed; caller frees. */
static char *
clean_string(const char *s, size_t n)
{
	struct buf nfc = BUF_INIT, plain = BUF_INIT, out = BUF_INIT;
	u8_nfc(&nfc, s, n);
	unmark(&plain, nfc.data ? nfc.data : "", nfc.len);
	bool space = false;
	for (size_t i = 0; i < plain.len; i++) {
		char c = plain.data[i];
		if (collapsible(c)) {
			space = out.len > 0;
			continue;
		}
		if (space)
			buf_putc(&out, ' ');
		space = false;
		buf_putc(&out, c);
	}
	buf_free(&nfc);
	buf_free(&plain);
	return buf_steal(&out, NULL);
}

/* ----------------------------------------------------------- analysing */

struct tree {
	struct hnode *nodes;
	size_t n;
	const char *pool;
	uint32_t *score;     /* paragraph text below each node, strict */
	size_t all_text;     /* all visible text (links too), strict */
};

static size_t
visible_count(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) != 0x80 && !ascii_space(c))
			count++;
	}
	return count;
}

/* Scores and flags, bottom-up in one pass from the end. */
static void
analyse(struct tree *t)
{
	t->score = xcalloc(t->n, sizeof *t->score);
	t->all_text = 0;
	for (size_t i = t->n; i-- > 1;) {
		struct hnode *nd = &t->nodes[i];
		struct hnode *parent = &t->nodes[nd->parent];
		bool hidden = nd->flags & (F_DROP | F_BOILER | F_IN_HEADER);
		if (nd->tag == T_TEXT) {
			if (!hidden) {
				size_t c = visible_count(t->pool + nd->str, nd->len);
				t->all_text += c;
				if (!(nd->flags & F_LINK))
					t->score[i] = c > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)c;
			}
		} else {
			if (nd->props & P_SECTIONING)
				parent->flags |= F_HAS_BLOCK;
			if (nd->tag == T_H1 || nd->tag == T_H2)
				parent->flags |= F_HAS_HEADING;
			if (nd->tag == T_TD || nd->tag == T_TH) {
				if (nd->flags & F_HAS_BLOCK) {
					/* Its table is for layout. */
					uint32_t up = nd->parent;
					for (int k = 0; k < 8 && up != 0; k++, up = t->nodes[up].parent)
						if (t->nodes[up].tag == T_TABLE) {
							t->nodes[up].flags |= F_LAYOUT;
							break;
						}
				}
			} else if (nd->flags & F_HAS_BLOCK) {
				parent->flags |= F_HAS_BLOCK;
			}
			if (nd->flags & F_HAS_HEADING)
				parent->flags |= F_HAS_HEADING;
		}
		uint64_t sum = (uint64_t)t->score[nd->parent] + t->score[i];
		t->score[nd->parent] = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
	}
}

static size_t
find_tag(const struct tree *t, enum tag tag)
{
	for (size_t i = 1; i < t->n; i++)
		if (t->nodes[i].tag == tag)
			return i;
	return 0;
}

/* An element that can hold an article: a block, a layout table's parts,
 * or an unknown element around blocks (a custom element wrapping a
 * page); never an inline element such as <b>. */
static bool
container(const struct hnode *nd)
{
	switch ((enum tag)nd->tag) {
	case T_TR: case T_TD: case T_TH: case T_TBODY: case T_THEAD: case T_TFOOT:
		return true;
	case T_OTHER:
		return nd->flags & F_HAS_BLOCK;
	default:
		return nd->props & P_BLOCK;
	}
}

static bool
in_layout_table(const struct tree *t, size_t i)
{
	for (int k = 0; k < 4 && i != 0; k++) {
		i = t->nodes[i].parent;
		if (t->nodes[i].tag == T_TABLE)
			return t->nodes[i].flags & F_LAYOUT;
	}
	return false;
}

/* The element holding the article. */
static size_t
choose_root(const struct tree *t, size_t body)
{
	uint32_t total = t->score[body];
	size_t best_article = 0, best_main = 0;
	for (size_t i = body + 1; i < t->nodes[body].end; i++) {
		const struct hnode *nd = &t->nodes[i];
		if (nd->flags & (F_DROP | F_BOILER)) {
			i = nd->end - 1;
			continue;
		}
		if ((nd->flags & F_ARTICLE) && (!best_article || t->score[i] > t->score[best_article]))
			best_article = i;
		if ((nd->flags & F_MAIN) && (!best_main || t->score[i] > t->score[best_main]))
			best_main = i;
	}
	if (best_article && (uint64_t)t->score[best_article] * 2 >= total)
		return best_article;
	if (best_main && (uint64_t)t->score[best_main] * 2 >= total)
		return best_main;
	/* Walk down block containers while one child holds three quarters
	   of its parent's text and half of the page's. */
	size_t at = body;
	for (;;) {
		size_t best = 0;
		for (size_t c = at + 1; c < t->nodes[at].end; c = t->nodes[c].end)
			if (t->nodes[c].tag != T_TEXT && (!best || t->score[c] > t->score[best]))
				best = c;
		if (!best || (uint64_t)t->score[best] * 4 < (uint64_t)t->score[at] * 3 ||
		    (uint64_t)t->score[best] * 2 < total || !container(&t->nodes[best]))
			break;
		/* A paragraph or a list item is too small to be the article,
		   and so is a data table's row or cell (a layout table's are
		   columns of the page). */
		enum tag bt = (enum tag)t->nodes[best].tag;
		if (bt == T_P || bt == T_LI || is_heading(bt) || bt == T_PRE || bt == T_BLOCKQUOTE)
			break;
		if ((bt == T_TD || bt == T_TH || bt == T_TR) && !in_layout_table(t, best))
			break;
		at = best;
	}
	return at;
}

/* ------------------------------------------------------------ rendering */

enum frame_role {
	R_NONE, R_LIST, R_ITEM, R_QUOTE, R_HEADING, R_PRE, R_ROW, R_CELL, R_ATTR,
};

struct frame {
	uint32_t node;
	uint8_t role;
	bool used;          /* R_ITEM: its first block is made */
	bool started;       /* R_ITEM: a block has been made in it */
	unsigned number;    /* R_ITEM: its number; R_LIST: the next one */
	bool ordered;
	unsigned attr;      /* R_ATTR */
	char *href;         /* R_ATTR with a link; owned */
};

struct render {
	struct doc_builder *b;
	const struct tree *t;
	bool strict;
	size_t root;
	const char *base;     /* for links, or NULL */
	struct frame *stack;
	size_t depth, cap;
	/* The block being filled. */
	int pending_space;    /* 0 none, 1 a space, 2 one with a line feed */
	int32_t last_cp;
	bool has_text;
	unsigned breaks;      /* <br>s since the last text */
	unsigned cells;       /* cells in the current row */
	bool stretch_open;
	size_t stretch_start;
	/* For the title. */
	bool have_h1;
	size_t h1_start, h1_end;
	bool have_heading;
	size_t heading_start, heading_end;
	bool first_done;
	size_t first_start, first_end;
	struct buf scratch;
};

static unsigned
current_attrs(const struct render *r)
{
	unsigned a = 0;
	for (size_t i = 0; i < r->depth; i++)
		if (r->stack[i].role == R_ATTR)
			a |= r->stack[i].attr;
	return a;
}

static const char *
current_href(const struct render *r)
{
	for (size_t i = r->depth; i > 0; i--)
		if (r->stack[i - 1].role == R_ATTR && r->stack[i - 1].href)
			return r->stack[i - 1].href;
	return NULL;
}

static void
flush_stretch(struct render *r)
{
	if (r->stretch_open) {
		const char *href = current_href(r);
		docb_span(r->b, r->stretch_start, r->b->text.len, current_attrs(r),
			  href, href ? strlen(href) : 0);
	}
	r->stretch_open = false;
}

/* Inside a heading or a data table's row, blocks do not split. */
static bool
flattening(const struct render *r)
{
	for (size_t i = r->depth; i > 0; i--) {
		uint8_t role = r->stack[i - 1].role;
		if (role == R_HEADING || role == R_ROW)
			return true;
	}
	return false;
}

static bool
in_pre(const struct render *r)
{
	for (size_t i = r->depth; i > 0; i--)
		if (r->stack[i - 1].role == R_PRE)
			return true;
	return false;
}

static void
close_block(struct render *r)
{
	struct doc_block *blk = docb_current(r->b);
	if (blk) {
		if (!r->b->text.data)
			buf_reserve(&r->b->text, 0);  /* an empty first block */
		flush_stretch(r);
		/* Line breaks at the end show nothing.  A span over them (one
		 * still open, <b>x<br><br>y</b>, or one closed with them,
		 * <pre>x<b><br></b></pre>) is cut back with them, so that no
		 * span reaches past its block. */
		while (r->b->text.len > blk->start && r->b->text.data[r->b->text.len - 1] == '\n')
			r->b->text.len--;
		while (r->b->nspans > 0 && r->b->spans[r->b->nspans - 1].end > r->b->text.len) {
			struct doc_span *sp = &r->b->spans[r->b->nspans - 1];
			if (sp->start < r->b->text.len) {
				sp->end = r->b->text.len;
				break;
			}
			r->b->nspans--;   /* only line breaks: nothing to show */
		}
		r->b->text.data[r->b->text.len] = '\0';
		if (blk->kind == DOC_BLOCK_HEADING) {
			if (blk->level == 1 && !r->have_h1) {
				r->have_h1 = true;
				r->h1_start = blk->start;
				r->h1_end = r->b->text.len;
			}
			if (!r->have_heading) {
				r->have_heading = true;
				r->heading_start = blk->start;
				r->heading_end = r->b->text.len;
			}
		}
		if (!r->first_done && r->b->text.len > blk->start) {
			r->first_done = true;
			r->first_start = blk->start;
			const char *nl = memchr(r->b->text.data + blk->start, '\n',
						r->b->text.len - blk->start);
			r->first_end = nl ? (size_t)(nl - r->b->text.data) : r->b->text.len;
		}
		if (r->b->text.len == blk->start && blk->kind != DOC_BLOCK_RULE) {
			/* Nothing was put in it: take it back, with its LF. */
			docb_cells_drop(r->b);
			r->b->nblocks--;
			r->b->block_open = false;
			if (r->b->nblocks > 0 && r->b->text.len > 0)
				r->b->text.len--;
			r->b->text.data[r->b->text.len] = '\0';
		} else {
			docb_block_end(r->b);
		}
	}
	r->pending_space = 0;
	r->has_text = false;
	r->breaks = 0;
	r->stretch_open = false;
}

/* Opens the block text goes into here, by the innermost container. */
static void
open_block(struct render *r)
{
	enum doc_block_kind kind = DOC_BLOCK_PARAGRAPH;
	int level = 0, depth = 0, lists = 0, quotes = 0;
	bool ordered = false;
	unsigned number = 0;
	struct frame *container = NULL, *pre = NULL;
	/* The containers, outermost first (doc_block.nest): '-' for a list
	   (or for an item outside any list, which counts as one level),
	   '+' for one whose item starts with this block, '>' for a
	   quote. */
	char nest[DOC_NEST_MAX];
	size_t n = 0;
	bool item_of_list = false;   /* nest[n - 1] is a list whose item is
					not seen yet */
	for (size_t i = 0; i < r->depth; i++) {
		struct frame *f = &r->stack[i];
		if (f->role == R_LIST)
			lists++;
		else if (f->role == R_QUOTE)
			quotes++;
		if (f->role == R_ITEM || f->role == R_QUOTE)
			container = f;
		if (f->role == R_ITEM) {
			if (item_of_list && !f->started)
				nest[n - 1] = '+';
			else if (lists == 0 && n < sizeof nest)
				nest[n++] = f->started ? '-' : '+';
			f->started = true;
			item_of_list = false;
		} else if (f->role == R_LIST || f->role == R_QUOTE) {
			item_of_list = false;
			if (n < sizeof nest) {
				nest[n++] = f->role == R_QUOTE ? '>' : '-';
				item_of_list = f->role == R_LIST;
			}
		}
	}
	for (size_t i = r->depth; i > 0; i--) {
		struct frame *f = &r->stack[i - 1];
		if (f->role == R_HEADING) {
			kind = DOC_BLOCK_HEADING;
			level = 1 + (int)(r->t->nodes[f->node].tag - T_H1);
			break;
		}
		if (f->role == R_PRE) {
			kind = DOC_BLOCK_CODE;
			pre = f;
			break;
		}
		if (f->role == R_ROW) {
			kind = DOC_BLOCK_TABLE_ROW;
			break;
		}
	}
	if (kind == DOC_BLOCK_PARAGRAPH && container) {
		if (container->role == R_ITEM) {
			depth = lists > 0 ? lists : 1;
			if (!container->used) {
				container->used = true;
				kind = DOC_BLOCK_LIST_ITEM;
				ordered = container->ordered;
				number = container->number;
			}
		} else {
			kind = DOC_BLOCK_QUOTE;
			depth = quotes;
		}
	} else if (kind == DOC_BLOCK_CODE && container && container->role == R_ITEM) {
		/* <pre> in an <li> is part of the item (as Markdown's code
		   in a list item is). */
		depth = lists > 0 ? lists : 1;
	}
	struct doc_block *blk = docb_block_begin(r->b, kind);
	blk->level = level;
	blk->depth = depth;
	blk->ordered = ordered;
	blk->number = ordered ? number : 0;
	blk->nest = docb_nest(r->b, nest, n);
	if (pre) {
		/* Its language, on the <pre> or on a <code> right inside. */
		const struct hnode *nodes = r->t->nodes;
		size_t at = pre->node;
		if (!(nodes[at].flags & F_STRING) && at + 1 < nodes[at].end &&
		    nodes[at + 1].tag == T_CODE)
			at++;
		if ((nodes[at].flags & F_STRING) && nodes[at].len > 0)
			blk->info = docb_string(r->b, r->t->pool + nodes[at].str, nodes[at].len);
	}
	r->pending_space = 0;
	r->has_text = false;
	r->breaks = 0;
	r->stretch_open = false;
}

static void
ensure_block(struct render *r)
{
	if (!docb_current(r->b))
		open_block(r);
}

/* Appends a run of text without whitespace (or, in <pre>, any text). */
static void
put_run(struct render *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	ensure_block(r);
	if (r->pending_space && r->has_text) {
		int32_t next;
		u8_decode(s, n, 0, &next);
		bool vanish = r->pending_space == 2 && doc_join_without_space(r->last_cp, next);
		if (!vanish)
			docb_append(r->b, " ", 1);
	}
	r->pending_space = 0;
	buf_clear(&r->scratch);
	unmark(&r->scratch, s, n);
	size_t at = docb_append(r->b, r->scratch.data, r->scratch.len);
	if (!r->stretch_open && current_attrs(r)) {
		r->stretch_open = true;
		r->stretch_start = at;
	}
	u8_decode(r->scratch.data, r->scratch.len, u8_prev(r->scratch.data, r->scratch.len),
		  &r->last_cp);
	r->has_text = true;
	r->breaks = 0;
}

static void
put_text(struct render *r, const char *s, size_t n)
{
	struct buf nfc = BUF_INIT;
	u8_nfc(&nfc, s, n);
	s = nfc.data ? nfc.data : "";
	n = nfc.len;
	if (in_pre(r)) {
		ensure_block(r);
		/* A line feed right after <pre> is not content. */
		struct doc_block *blk = docb_current(r->b);
		if (!r->has_text && blk->start == r->b->text.len && n > 0 && s[0] == '\n') {
			s++;
			n--;
		}
		if (n > 0) {
			r->pending_space = 0;
			put_run(r, s, n);
		}
		buf_free(&nfc);
		return;
	}
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		if (collapsible(s[i])) {
			bool line_feed = false;
			while (j < n && collapsible(s[j])) {
				line_feed = line_feed || s[j] == '\n';
				j++;
			}
			/* One run of white space, even across elements: it holds
			   a line feed if any part of it did. */
			if (docb_current(r->b) && r->has_text)
				r->pending_space = (line_feed || r->pending_space == 2) ? 2 : 1;
		} else {
			while (j < n && !collapsible(s[j]))
				j++;
			put_run(r, s + i, j - i);
		}
		i = j;
	}
	buf_free(&nfc);
}

/* A space between block-level things inside a heading or a row. */
static void
soft_break(struct render *r)
{
	if (docb_current(r->b) && r->has_text && !r->pending_space)
		r->pending_space = 1;
}

static void
line_break(struct render *r)
{
	if (flattening(r)) {
		soft_break(r);
		return;
	}
	if (in_pre(r)) {
		ensure_block(r);
		put_run(r, "\n", 1);
		return;
	}
	if (!docb_current(r->b))
		return;
	if (r->breaks > 0) {
		/* Two line breaks make a new paragraph, as they look. */
		close_block(r);
		return;
	}
	if (!r->has_text)
		return;  /* a break at the start of a block shows nothing */
	docb_append(r->b, "\n", 1);
	r->pending_space = 0;
	r->last_cp = '\n';
	r->has_text = false;
	r->breaks = 1;
}

static struct frame *
push(struct render *r, uint32_t node, enum frame_role role)
{
	if (r->depth == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->stack = xreallocarray(r->stack, r->cap, sizeof *r->stack);
	}
	struct frame *f = &r->stack[r->depth++];
	memset(f, 0, sizeof *f);
	f->node = node;
	f->role = (uint8_t)role;
	return f;
}

static struct frame *
innermost(struct render *r, enum frame_role role)
{
	for (size_t i = r->depth; i > 0; i--)
		if (r->stack[i - 1].role == role)
			return &r->stack[i - 1];
	return NULL;
}

static bool
in_data_table(const struct render *r)
{
	for (size_t i = r->depth; i > 0; i--) {
		const struct hnode *nd = &r->t->nodes[r->stack[i - 1].node];
		if (nd->tag == T_TABLE)
			return !(nd->flags & F_LAYOUT);
	}
	return false;
}

/* The link target as the reader should see it: resolved against the
 * page's address or <base>; a script is no target. */
static char *
link_target(const struct render *r, const char *raw, size_t n)
{
	char *href = xstrndup(raw, n);
	size_t len;
	const char *t = trim(href, &len);
	if (len == 0 || strncasecmp(t, "javascript:", 11) == 0) {
		free(href);
		return NULL;
	}
	struct buf plain = BUF_INIT;
	unmark(&plain, t, len);
	free(href);
	if (r->base) {
		xmlChar *abs = lx.xmlBuildURI((const xmlChar *)plain.data, (const xmlChar *)r->base);
		if (abs) {
			char *copy = xstrdup((const char *)abs);
			(*lx.xml_free)(abs);
			buf_free(&plain);
			return copy;
		}
	}
	return buf_steal(&plain, NULL);
}

/* Is this node left out of the article? */
static bool
skipped(const struct render *r, size_t i)
{
	const struct hnode *nd = &r->t->nodes[i];
	if (nd->flags & F_DROP)
		return true;
	if (r->strict && (nd->flags & F_BOILER))
		return true;
	if (nd->tag == T_TITLE || nd->tag == T_META)
		return true;
	if (r->strict && (nd->flags & F_HEADER) && !(nd->flags & F_IN_ARTICLE) &&
	    i != r->root) {
		/* A page's header; but one inside the article found by its
		   text that holds the headline stays. */
		enum tag rt = (enum tag)r->t->nodes[r->root].tag;
		bool page_level = rt == T_BODY || rt == T_HTML || rt == T_DOCUMENT;
		return page_level || !(nd->flags & F_HAS_HEADING);
	}
	return false;
}

static void
enter(struct render *r, uint32_t i)
{
	const struct hnode *nd = &r->t->nodes[i];
	enum tag tag = (enum tag)nd->tag;
	bool flat = flattening(r);
	switch (tag) {
	case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
		if (flat) {
			soft_break(r);
			push(r, i, R_NONE);
		} else {
			close_block(r);
			push(r, i, R_HEADING);
		}
		return;
	case T_UL: case T_OL: case T_MENU: case T_DIR: {
		if (flat) {
			soft_break(r);
			push(r, i, R_NONE);
			return;
		}
		close_block(r);
		struct frame *f = push(r, i, R_LIST);
		f->ordered = tag == T_OL;
		f->number = tag == T_OL ? nd->str : 0;
		return;
	}
	case T_LI: {
		if (flat) {
			soft_break(r);
			push(r, i, R_NONE);
			return;
		}
		close_block(r);
		struct frame *list = innermost(r, R_LIST);
		unsigned number = 0;
		bool ordered = false;
		if (list) {
			ordered = list->ordered;
			if (nd->str)
				list->number = nd->str - 1;
			number = list->number++;
		}
		struct frame *f = push(r, i, R_ITEM);
		f->ordered = ordered;
		f->number = number;
		return;
	}
	case T_BLOCKQUOTE:
		if (flat) {
			soft_break(r);
			push(r, i, R_NONE);
			return;
		}
		close_block(r);
		push(r, i, R_QUOTE);
		return;
	case T_PRE: case T_LISTING: case T_XMP: case T_PLAINTEXT:
		if (flat) {
			soft_break(r);
			push(r, i, R_NONE);
			return;
		}
		close_block(r);
		push(r, i, R_PRE);
		return;
	case T_TR:
		if (!flat && in_data_table(r)) {
			close_block(r);
			push(r, i, R_ROW);
			open_block(r);
			r->cells = 0;
			return;
		}
		break;
	case T_TD: case T_TH:
		if (innermost(r, R_ROW) && in_data_table(r)) {
			flush_stretch(r);
			if (r->cells++ > 0) {
				ensure_block(r);
				r->pending_space = 0;
				docb_append(r->b, " | ", 3);
				r->has_text = false;
			}
			ensure_block(r);
			docb_cell_begin(r->b, (enum doc_align)r->t->nodes[i].str);
			push(r, i, R_CELL);
			return;
		}
		if (flat)
			soft_break(r);
		else
			close_block(r);
		push(r, i, R_NONE);
		return;
	case T_HR:
		if (flat) {
			soft_break(r);
		} else {
			close_block(r);
			docb_block_begin(r->b, DOC_BLOCK_RULE);
			docb_block_end(r->b);
		}
		push(r, i, R_NONE);
		return;
	case T_BR:
		line_break(r);
		push(r, i, R_NONE);
		return;
	case T_IMG:
		if (nd->flags & F_STRING) {
			size_t len;
			char *alt = xstrndup(r->t->pool + nd->str, nd->len);
			const char *a = trim(alt, &len);
			if (len > 0)
				put_text(r, a, len);
			free(alt);
		}
		push(r, i, R_NONE);
		return;
	case T_A: case T_EM: case T_I: case T_CITE: case T_DFN: case T_VAR:
	case T_STRONG: case T_B: case T_CODE: case T_KBD: case T_SAMP: case T_TT:
	case T_DEL: case T_S: case T_STRIKE: case T_RUBY: {
		unsigned a = 0;
		char *href = NULL;
		if (tag == T_RUBY) {
			a = DOC_ATTR_RUBY;
		} else if (tag == T_A) {
			if (nd->flags & F_STRING)
				href = link_target(r, r->t->pool + nd->str, nd->len);
			if (href)
				a = DOC_ATTR_LINK;
		} else if (tag == T_STRONG || tag == T_B) {
			a = DOC_ATTR_STRONG;
		} else if (tag == T_CODE || tag == T_KBD || tag == T_SAMP || tag == T_TT) {
			a = in_pre(r) ? 0 : DOC_ATTR_CODE;
		} else if (tag == T_DEL || tag == T_S || tag == T_STRIKE) {
			a = DOC_ATTR_STRIKE;
		} else {
			a = DOC_ATTR_EM;
		}
		flush_stretch(r);
		struct frame *f = push(r, i, R_ATTR);
		f->attr = a;
		f->href = href;
		return;
	}
	default:
		break;
	}
	if (nd->props & P_BLOCK) {
		if (flat)
			soft_break(r);
		else
			close_block(r);
	}
	push(r, i, R_NONE);
}

static void
leave(struct render *r)
{
	struct frame *f = &r->stack[r->depth - 1];
	const struct hnode *nd = &r->t->nodes[f->node];
	switch (f->role) {
	case R_ATTR:
	case R_CELL:
		/* The stretch so far had this frame's attributes. */
		flush_stretch(r);
		if (f->role == R_CELL)
			docb_cell_end(r->b);
		free(f->href);
		r->depth--;
		return;
	case R_HEADING: case R_LIST: case R_ITEM: case R_QUOTE: case R_PRE: case R_ROW:
		close_block(r);
		r->depth--;
		return;
	default:
		break;
	}
	r->depth--;
	if (nd->tag == T_BR || nd->tag == T_IMG || nd->tag == T_HR)
		return;
	if (nd->props & P_BLOCK) {
		if (flattening(r))
			soft_break(r);
		else
			close_block(r);
	}
}

/* The reading of the ruby base before it: an <rt> (node i).  Its text,
 * whitespace collapsed, NFC and terminal-safe, goes beside the base text
 * since the ruby's start or its last reading (doc_span.ruby); it never
 * enters the text.  An <rt> outside a <ruby> shows nothing. */
static void
put_reading(struct render *r, size_t i)
{
	if (!(current_attrs(r) & DOC_ATTR_RUBY))
		return;
	const struct tree *t = r->t;
	struct buf raw = BUF_INIT, text = BUF_INIT, safe = BUF_INIT;
	for (size_t k = i + 1; k < t->nodes[i].end; k++) {
		const struct hnode *nd = &t->nodes[k];
		if (nd->tag == T_TEXT && (nd->flags & F_RT))
			unmark(&raw, t->pool + nd->str, nd->len);
	}
	/* Collapsed as CSS collapses it. */
	for (size_t k = 0; k < raw.len; k++) {
		if (collapsible(raw.data[k]) || raw.data[k] == '\r') {
			if (text.len > 0 && text.data[text.len - 1] != ' ')
				buf_putc(&text, ' ');
		} else {
			buf_putc(&text, raw.data[k]);
		}
	}
	while (text.len > 0 && text.data[text.len - 1] == ' ')
		text.len--;
	if (text.len > 0) {
		buf_clear(&raw);
		u8_nfc(&raw, text.data, text.len);
		u8_safe(&safe, raw.data, raw.len);
		/* The base so far ends here. */
		flush_stretch(r);
		docb_span_ruby(r->b, safe.data, safe.len);
	}
	buf_free(&raw);
	buf_free(&text);
	buf_free(&safe);
}

/* Renders the subtree at root (root itself included). */
static void
render_subtree(struct render *r, size_t root)
{
	const struct tree *t = r->t;
	size_t end = t->nodes[root].end;
	for (size_t i = root; i < end;) {
		while (r->depth > 0 && t->nodes[r->stack[r->depth - 1].node].end <= i)
			leave(r);
		const struct hnode *nd = &t->nodes[i];
		if (nd->tag == T_TEXT) {
			put_text(r, t->pool + nd->str, nd->len);
			i++;
			continue;
		}
		if (nd->tag == T_RT && (nd->flags & F_RT)) {
			put_reading(r, i);
			i = nd->end > i ? nd->end : i + 1;
			continue;
		}
		if (skipped(r, i)) {
			i = nd->end > i ? nd->end : i + 1;
			continue;
		}
		enter(r, (uint32_t)i);
		i++;
	}
	while (r->depth > 0)
		leave(r);
	close_block(r);
}

/* The text of a node's subtree, whitespace collapsed (for the headline
 * found outside the article). */
static char *
subtree_text(const struct tree *t, size_t at)
{
	struct buf raw = BUF_INIT;
	for (size_t i = at + 1; i < t->nodes[at].end; i++) {
		const struct hnode *nd = &t->nodes[i];
		if (nd->flags & F_DROP) {
			i = nd->end - 1;
			continue;
		}
		if (nd->tag == T_TEXT) {
			buf_append(&raw, t->pool + nd->str, nd->len);
		} else if (nd->tag == T_IMG && (nd->flags & F_STRING)) {
			buf_append(&raw, t->pool + nd->str, nd->len);
		}
	}
	char *s = clean_string(raw.data ? raw.data : "", raw.len);
	buf_free(&raw);
	return s;
}

/* Is this headline the page's title, as <title> or og:title says it? */
static bool
title_confirms(const char *headline, const char *title, const char *og_title)
{
	size_t n = strlen(headline);
	if (n == 0)
		return false;
	if (og_title && strcmp(headline, og_title) == 0)
		return true;
	return title && strncmp(title, headline, n) == 0;
}

/* <title> without the site's name after a separator ("Headline | Site"). */
static char *
title_without_site(const char *title, const char *site)
{
	size_t tn = strlen(title), sn = site ? strlen(site) : 0;
	if (sn > 0 && tn > sn + 3 && strcmp(title + tn - sn, site) == 0) {
		static const char *const seps[] = { " | ", " - ", " – ", " — ", " · ", " :: ", " :" };
		size_t head = tn - sn;
		for (size_t i = 0; i < GL_ARRAY_LEN(seps); i++) {
			size_t k = strlen(seps[i]);
			if (head > k && strncmp(title + head - k, seps[i], k) == 0)
				return xstrndup(title, head - k);
		}
	}
	return xstrdup(title);
}

/* ------------------------------------------------------------ the API */

static void
free_parse(struct parse *ps)
{
	free(ps->nodes);
	buf_free(&ps->pool);
	buf_free(&ps->title);
	for (int i = 0; i < M_COUNT; i++)
		free(ps->meta[i]);
}

static char *
resolve_base(const char *page_url, const char *base_href)
{
	if (base_href) {
		struct buf plain = BUF_INIT;
		unmark(&plain, base_href, strlen(base_href));
		if (page_url) {
			xmlChar *abs = lx.xmlBuildURI((const xmlChar *)plain.data,
						      (const xmlChar *)page_url);
			if (abs) {
				char *s = xstrdup((const char *)abs);
				(*lx.xml_free)(abs);
				buf_free(&plain);
				return s;
			}
		}
		if (strstr(plain.data, "://"))
			return buf_steal(&plain, NULL);
		buf_free(&plain);
	}
	return page_url ? xstrdup(page_url) : NULL;
}

enum gl_status
doc_render_html(struct doc_builder *b, const char *text, size_t n,
		const char *page_url, struct gl_error *err)
{
	if (n > INT_MAX - 16)
		return gl_fail(err, GL_TOO_LARGE,
			       "too large for the HTML reader (%zu bytes; the limit is %d)",
			       n, INT_MAX - 16);
	if (!has_markup(text, n)) {
		/* Not HTML at all: show it as the text it is. */
		doc_render_text(b, text, n);
		b->as_text = true;
		return GL_OK;
	}
	struct buf input = BUF_INIT;
	prepare(text, n, &input);

	struct parse ps;
	memset(&ps, 0, sizeof ps);
	clock_gettime(CLOCK_MONOTONIC, &ps.started);
	/* Node 0 stands for the document. */
	ps.cap = 1024;
	ps.nodes = xreallocarray(NULL, ps.cap, sizeof *ps.nodes);
	memset(&ps.nodes[0], 0, sizeof ps.nodes[0]);
	ps.nodes[0].tag = T_DOCUMENT;
	ps.n = 1;
	buf_reserve(&ps.pool, n / 2 + 64);

	xmlSAXHandler handlers;
	memset(&handlers, 0, sizeof handlers);
	handlers.startElement = on_start;
	handlers.endElement = on_end;
	handlers.characters = on_text;
	handlers.ignorableWhitespace = on_text;
	handlers.cdataBlock = on_cdata;
	enum gl_status parsed = run_parser(input.data, input.len, false, &handlers, &ps,
					   &ps.ctxt, err);
	buf_free(&input);
	if (parsed != GL_OK) {
		free_parse(&ps);
		return parsed;
	}
	/* Close what the page left open. */
	for (uint32_t c = ps.cur; c != 0; c = ps.nodes[c].parent)
		ps.nodes[c].end = (uint32_t)ps.n;
	ps.nodes[0].end = (uint32_t)ps.n;
	if (ps.in_title)
		ps.have_title = true;

	struct tree t = { .nodes = ps.nodes, .n = ps.n, .pool = ps.pool.data ? ps.pool.data : "" };
	analyse(&t);
	size_t body = find_tag(&t, T_BODY);

	struct render r;
	memset(&r, 0, sizeof r);
	r.b = b;
	r.t = &t;
	r.strict = true;
	char *base = resolve_base(page_url, ps.meta[M_BASE]);
	r.base = base;
	if (t.score[body] > 0) {
		r.root = choose_root(&t, body);
	} else {
		/* No paragraph text outside boilerplate and links: the page
		   without boilerplate, or at worst all of it. */
		r.root = body;
		r.strict = t.all_text > 0;
	}

	char *title = ps.have_title ? clean_string(ps.title.data ? ps.title.data : "", ps.title.len) : NULL;
	char *og_title = ps.meta[M_OG_TITLE] ? clean_string(ps.meta[M_OG_TITLE], strlen(ps.meta[M_OG_TITLE])) : NULL;
	char *site = ps.meta[M_SITE] ? clean_string(ps.meta[M_SITE], strlen(ps.meta[M_SITE])) : NULL;

	/* The headline outside the article (in a header above it) is the
	   article's first heading when the page's title confirms it, or when
	   it is the page's only h1 and not a page header's or a link's. */
	bool root_has_h1 = false;
	size_t h1s = 0, first_h1 = 0;
	for (size_t i = body; i < t.nodes[body].end; i++) {
		if (t.nodes[i].flags & (F_DROP | F_BOILER)) {
			i = t.nodes[i].end - 1;
			continue;
		}
		if (t.nodes[i].tag != T_H1)
			continue;
		h1s++;
		if (i >= r.root && i < t.nodes[r.root].end)
			root_has_h1 = true;
		else if (!first_h1 && i < r.root)
			first_h1 = i;
	}
	if (!root_has_h1 && first_h1 && r.strict) {
		char *h = subtree_text(&t, first_h1);
		bool wanted = title_confirms(h, title, og_title) ||
			      (h1s == 1 && !(t.nodes[first_h1].flags & (F_IN_HEADER | F_LINK)));
		free(h);
		if (wanted) {
			size_t saved = r.root;
			r.root = first_h1;
			render_subtree(&r, first_h1);
			r.root = saved;
		}
	}
	render_subtree(&r, r.root);

	/* The title: the article's h1 when the page's title confirms it,
	   else og:title, else <title> (without the site's name), else the
	   first h1, heading or line. */
	char *h1 = r.have_h1 ? xstrndup(b->text.data + r.h1_start, r.h1_end - r.h1_start) : NULL;
	if (h1 && (title_confirms(h1, title, og_title) || (!title && !og_title))) {
		b->title_start = r.h1_start;
		b->title_end = r.h1_end;
		b->have_title = true;
	} else if (og_title && *og_title) {
		b->title_text = xstrdup(og_title);
	} else if (title && *title) {
		b->title_text = title_without_site(title, site);
	} else if (r.have_heading || r.first_done) {
		b->title_start = r.have_h1 ? r.h1_start : r.have_heading ? r.heading_start : r.first_start;
		b->title_end = r.have_h1 ? r.h1_end : r.have_heading ? r.heading_end : r.first_end;
		b->have_title = true;
	}
	free(h1);
	if (ps.meta[M_AUTHOR])
		b->meta[DOC_META_AUTHOR] = clean_string(ps.meta[M_AUTHOR], strlen(ps.meta[M_AUTHOR]));
	if (ps.meta[M_DATE])
		b->meta[DOC_META_DATE] = clean_string(ps.meta[M_DATE], strlen(ps.meta[M_DATE]));
	if (site)
		b->meta[DOC_META_SITE] = xstrdup(site);
	b->truncated = ps.truncated;

	for (size_t i = 0; i < r.depth; i++)
		free(r.stack[i].href);
	free(r.stack);
	buf_free(&r.scratch);
	free(base);
	free(title);
	free(og_title);
	free(site);
	free(t.score);
	free_parse(&ps);
	return GL_OK;
}

/* --------------------------------------------------------------- sniffing */

bool
doc_html_sniff(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && ascii_space((unsigned char)s[i]))
		i++;
	if (n - i >= 5 && strncasecmp(s + i, "<?xml", 5) == 0) {
		/* XHTML: an XML declaration, then <html soon. */
		size_t limit = n - i < 1024 ? n - i : 1024;
		for (size_t k = i; k + 5 <= i + limit; k++)
			if (strncasecmp(s + k, "<html", 5) == 0)
				return true;
		return false;
	}
	if (n - i >= 15 && strncasecmp(s + i, "<!doctype html", 14) == 0 &&
	    (ascii_space((unsigned char)s[i + 14]) || s[i + 14] == '>'))
		return true;
	if (n - i >= 6 && strncasecmp(s + i, "<html", 5) == 0 &&
	    (ascii_space((unsigned char)s[i + 5]) || s[i + 5] == '>'))
		return true;
	return false;
}

struct meta_scan {
	xmlParserCtxtPtr ctxt;
	char *label;
};

/* The charset named in content="text/html; charset=big5". */
static char *
charset_in_content(const char *content)
{
	for (const char *p = content; *p; p++) {
		if (strncasecmp(p, "charset", 7) != 0)
			continue;
		const char *q = p + 7;
		while (ascii_space((unsigned char)*q))
			q++;
		if (*q != '=')
			continue;
		q++;
		while (ascii_space((unsigned char)*q))
			q++;
		char quote = (*q == '"' || *q == '\'') ? *q++ : 0;
		const char *end = q;
		while (*end && (quote ? *end != quote : (!ascii_space((unsigned char)*end) && *end != ';')))
			end++;
		if (end > q)
			return xstrndup(q, (size_t)(end - q));
		return NULL;
	}
	return NULL;
}

static void
meta_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	struct meta_scan *ms = ctx;
	const char *name = (const char *)xname;
	if (strcmp(name, "meta") == 0) {
		const char *cs = attr(atts, "charset");
		const char *equiv = attr(atts, "http-equiv");
		const char *content = attr(atts, "content");
		size_t len;
		if (cs && *(cs = trim(cs, &len)) && len > 0) {
			ms->label = xstrndup(cs, len);
		} else if (equiv && content && ascii_ieq(equiv, "content-type")) {
			ms->label = charset_in_content(content);
		}
		if (ms->label)
			lx.xmlStopParser(ms->ctxt);
	} else if (strcmp(name, "body") == 0) {
		/* The head is over. */
		lx.xmlStopParser(ms->ctxt);
	}
}

char *
doc_html_meta_charset(const char *s, size_t n)
{
	struct meta_scan ms;
	memset(&ms, 0, sizeof ms);
	xmlSAXHandler handlers;
	memset(&handlers, 0, sizeof handlers);
	handlers.startElement = meta_start;
	size_t len = n < META_SCAN_BYTES ? n : META_SCAN_BYTES;
	/* Latin-1: every byte is a character, and the markup is ASCII. */
	/* Without libxml2 there is no <meta> to find: doc_render_html says why. */
	if (run_parser(s, len, true, &handlers, &ms, &ms.ctxt, NULL) != GL_OK)
		return NULL;
	return ms.label;
}

/* WHATWG's Encoding Standard maps labels to encodings that are supersets
 * of what they name; iconv's names for those. */
static const struct {
	const char *label;
	const char *encoding;
} label_map[] = {
	{ "ascii", "CP1252" }, { "us-ascii", "CP1252" }, { "iso-8859-1", "CP1252" },
	{ "iso8859-1", "CP1252" }, { "iso_8859-1", "CP1252" }, { "latin1", "CP1252" },
	{ "l1", "CP1252" }, { "windows-1252", "CP1252" }, { "cp1252", "CP1252" },
	{ "x-cp1252", "CP1252" }, { "cp819", "CP1252" },
	{ "iso-8859-9", "CP1254" }, { "latin5", "CP1254" }, { "windows-1254", "CP1254" },
	{ "iso-8859-11", "CP874" }, { "tis-620", "CP874" }, { "windows-874", "CP874" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
	{ "chinese", "GB18030" }, { "csgb2312", "GB18030" }, { "gb_2312-80", "GB18030" },
	{ "gb18030", "GB18030" }, { "euc-cn", "GB18030" },
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
	{ "x-sjis", "CP932" }, { "ms_kanji", "CP932" }, { "windows-31j", "CP932" },
	{ "csshiftjis", "CP932" }, { "ms932", "CP932" },
	{ "euc-kr", "CP949" }, { "ks_c_5601-1987", "CP949" }, { "windows-949", "CP949" },
	{ "ksc5601", "CP949" }, { "cseuckr", "CP949" },
	{ "big5", "BIG5" }, { "x-x-big5", "BIG5" }, { "cn-big5", "BIG5" }, { "csbig5", "BIG5" },
	{ "big5-hkscs", "BIG5-HKSCS" },
	{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" },
};

char *
doc_html_encoding_for_label(const char *label, bool from_meta)
{
	if (!label)
		return NULL;
	size_t n;
	const char *l = trim(label, &n);
	if (n == 0 || n > 64)
		return NULL;
	char *name = xstrndup(l, n);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	/* A <meta> read as ASCII cannot be UTF-16: the page is UTF-8. */
	if (from_meta && strncmp(name, "utf-16", 6) == 0) {
		free(name);
		return xstrdup("UTF-8");
	}
	for (size_t i = 0; i < GL_ARRAY_LEN(label_map); i++)
		if (strcmp(name, label_map[i].label) == 0) {
			free(name);
			return xstrdup(label_map[i].encoding);
		}
	for (char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return name;
}
