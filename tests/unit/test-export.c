/* export: what a reader of each format relies on.  Escaping shows text as
 * it was typed (Markdown, HTML) and keeps spreadsheets from running it
 * (CSV); threads come whole and filtered; annotations are grouped under
 * their headings, placed in the article, or listed as orphans with the
 * text they were made on; other people's private notes and deleted ones
 * never leave the store.  tests/cli/export-formats.test reads the real
 * files back with pandoc, Python's json, csv and html.parser. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/export.h"
#include "gloss/store.h"
#include "gloss/util.h"
#include "../tap.h"

#include <ftw.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpdir;

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* ------------------------------------------------------------ escaping */

static void
md_is(const char *in, const char *want, const char *what)
{
	struct buf b = BUF_INIT;
	export_md_escape(&b, in, strlen(in));
	is_str(b.data ? b.data : "", want, "Markdown: %s", what);
	buf_free(&b);
}

static void
html_is(const char *in, bool attr, const char *want, const char *what)
{
	struct buf b = BUF_INIT;
	export_html_escape(&b, in, strlen(in), attr);
	is_str(b.data ? b.data : "", want, "HTML: %s", what);
	buf_free(&b);
}

static void
csv_is(const char *in, const char *want, const char *what)
{
	struct buf b = BUF_INIT;
	export_csv_cell(&b, in, strlen(in));
	is_str(b.data ? b.data : "", want, "CSV: %s", what);
	buf_free(&b);
}

static void
test_escaping(void)
{
	md_is("plain words, a-b and 3.5", "plain words, a-b and 3.5",
	      "ordinary prose is left alone");
	md_is("*a* _b_ `c` [d](e) <f> & $g$ ^h^ ~i~ @j |k| {l} \\m",
	      "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<f\\> \\& \\$g\\$ \\^h\\^ \\~i\\~ "
	      "\\@j \\|k\\| \\{l\\} \\\\m",
	      "emphasis, code, links, HTML, entities and pandoc's extras are escaped");
	md_is("# not a heading", "\\# not a heading", "a heading marker first on a line");
	md_is("- item\n+ item\n= rule", "\\- item\n\\+ item\n\\= rule",
	      "list markers and setext underlines first on a line");
	md_is("1. one\n12) two\niv. three\nA. Smith", "1\\. one\n12\\) two\niv\\. three\nA\\. Smith",
	      "ordered-list markers, pandoc's letters and numerals too");
	md_is("    code?", "&#32;&#32;&#32;&#32;code?", "leading spaces never make code");
	md_is("\tcode?", "&#9;code?", "nor a leading tab");
	md_is("a\x1b[31mred", "a\\^\\[\\[31mred", "an escape character becomes a placeholder");
	md_is("rtl\xe2\x80\xae!", "rtl\\<U+202E\\>!", "so does a bidirectional override");
	md_is("「引文」**重點**", "「引文」\\*\\*重點\\*\\*", "CJK text with Markdown in it");

	html_is("<a href='x'>&\"", false, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;",
		"the five specials become references");
	html_is("a\x1b" "b", false, "a<span class=\"ctl\">^[</span>b",
		"a control character is a visible placeholder");
	html_is("a\x1b" "b", true, "a^[b", "in an attribute, without markup");
	html_is("\xe2\x80\xae", false, "<span class=\"ctl\">&lt;U+202E&gt;</span>",
		"a bidirectional override too");
	html_is("漁船", false, "漁船", "CJK text is kept");

	csv_is("plain", "plain", "a plain cell is bare");
	csv_is("a,b", "\"a,b\"", "a comma makes it quoted");
	csv_is("say \"hi\"", "\"say \"\"hi\"\"\"", "quotes are doubled");
	csv_is("two\nlines", "\"two\nlines\"", "a newline stays, quoted");
	csv_is("=SUM(A1)", "'=SUM(A1)", "a formula is made inert");
	csv_is("+1", "'+1", "so is a leading plus");
	csv_is("-5 degrees", "'-5 degrees", "a leading minus");
	csv_is("@cmd", "'@cmd", "a leading at sign");
	csv_is("\tx", "'\tx", "a leading tab");
	csv_is("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
	       "an inert formula with quotes is quoted too");
	csv_is("a\x1b" "b", "a^[b", "a control character becomes a placeholder");
	csv_is("a-b=c", "a-b=c", "specials later in a cell are harmless");
}

static void
test_names_and_times(void)
{
	enum export_format f;
	ok(export_format_parse("md", &f) && f == EXPORT_MARKDOWN, "md names Markdown");
	ok(export_format_parse("markdown", &f) && f == EXPORT_MARKDOWN, "so does markdown");
	ok(export_format_parse("json", &f) && f == EXPORT_JSON, "json");
	ok(export_format_parse("csv", &f) && f == EXPORT_CSV, "csv");
	ok(export_format_parse("html", &f) && f == EXPORT_HTML, "html");
	ok(!export_format_parse("xml", &f), "xml is not a format");
	is_str(export_format_name(EXPORT_HTML), "html", "a format's name");

	static const struct { char in[40], want[24]; } times[] = {
		{ "2024-05-01", "2024-05-01T00:00:00Z" },
		{ "2024-05-01T10:20:30Z", "2024-05-01T10:20:30Z" },
		{ "2024-05-01T10:20", "2024-05-01T10:20:00Z" },
		{ "2024-05-01 10:20:30", "2024-05-01T10:20:30Z" },
		{ "2024-05-01T10:20:30.722360+00:00", "2024-05-01T10:20:30Z" },
		{ "2024-05-01T01:20:30+02:00", "2024-04-30T23:20:30Z" },
		{ "2024-05-01T10:20:30-0130", "2024-05-01T11:50:30Z" },
		{ "2024-02-29", "2024-02-29T00:00:00Z" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(times); i++) {
		char out[21] = "";
		ok(gl_parse_time(times[i].in, out), "'%s' is a time", times[i].in);
		is_str(out, times[i].want, "'%s' is %s in UTC", times[i].in, times[i].want);
	}
	static const char *const bad[] = {
		"yesterday", "2024-5-1", "2023-02-29", "2024-04-31", "2024-13-01",
		"2024-05-01T25:00", "2024-05-01T10:20:30+0", "2024-05-01T10:20:30Zjunk", "",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(bad); i++) {
		char out[21];
		ok(!gl_parse_time(bad[i], out), "'%s' is not a time", bad[i]);
	}
}

/* ------------------------------------------------------------ a store */

static const char article[] =
	"The River Market\n"
	"Every Saturday the river market opens before dawn, when the boats "
	"from upstream tie up along the stone steps.\n"
	"Stalls and Sellers\n"
	"The fish sellers take the lower steps, the farmers the upper ones, "
	"and the bakers stand at the top with bread.\n"
	"Prices rise with the sun; by nine the best crates are gone.\n"
	"The Afternoon\n"
	"In the afternoon the market folds up and the boats go back upstream "
	"to the villages.\n";

struct fixture {
	struct store *alice, *bob;
	struct doc *doc;
	char *document;
	char *hl_boats, *hl_prices, *hl_over, *page, *reply, *reply2, *orphan;
	char *deleted, *bob_private;
	char *old_hash;
};

static long long
cp_of(const struct doc *d, const char *needle)
{
	size_t len;
	const char *t = doc_text(d, &len);
	const char *p = strstr(t, needle);
	return p ? (long long)doc_byte_to_cp(d, (size_t)(p - t)) : -1;
}

static char *
highlight(struct store *s, const struct fixture *fx, const char *quote,
	  const char *note, const char *style, const char *const *tags, size_t ntags)
{
	long long start = cp_of(fx->doc, quote);
	long long end = start + (long long)strlen(quote);  /* ASCII quotes */
	struct store_new_annotation n = {
		.document = fx->document, .version = doc_hash(fx->doc),
		.renderer = DOC_RENDERER_VERSION, .start = start, .end = end,
		.exact = quote, .prefix = "", .suffix = "", .anchor = STORE_ANCHOR_EXACT,
		.style = style, .note = note, .tags = tags, .tag_count = ntags,
	};
	char *id = NULL;
	struct gl_error err;
	if (store_annotation_add(s, &n, &id, &err) != GL_OK)
		diag("add %s: %s", quote, err.message);
	return id;
}

static bool
setup(struct fixture *fx)
{
	struct gl_error err;
	char *path = gl_path_join(tmpdir, "export.db");
	memset(fx, 0, sizeof *fx);
	setenv("GLOSS_NOW", "2026-05-01T08:30:00Z", 1);
	if (store_open(path, "alice", 0, &fx->alice, &err) != GL_OK ||
	    store_open(path, "bob", 0, &fx->bob, &err) != GL_OK) {
		diag("open: %s", err.message);
		free(path);
		return false;
	}
	free(path);
	if (doc_from_text(article, strlen(article), DOC_FORMAT_VERBATIM, NULL, &fx->doc,
			  &err) != GL_OK)
		return false;

	/* An older version, on which one annotation was made and is now an
	   orphan. */
	static const char old_text[] = "The River Market\nThe pelicans came early that year.\n";
	struct doc *old;
	doc_from_text(old_text, strlen(old_text), DOC_FORMAT_VERBATIM, NULL, &old, NULL);
	fx->old_hash = xstrdup(doc_hash(old));
	store_document_create(fx->alice, "The River Market", NULL, &fx->document, NULL);
	store_version_add(fx->alice, fx->document, fx->old_hash, DOC_RENDERER_VERSION,
			  old_text, strlen(old_text), (long long)doc_length_cp(old), NULL);
	struct store_new_annotation n = {
		.document = fx->document, .version = fx->old_hash,
		.renderer = DOC_RENDERER_VERSION, .start = 21, .end = 29,
		.exact = "pelicans", .prefix = "The ", .suffix = " came",
		.anchor = STORE_ANCHOR_EXACT, .note = "Pelicans?",
	};
	store_annotation_add(fx->alice, &n, &fx->orphan, NULL);
	store_annotation_reanchor(fx->alice, fx->orphan, fx->old_hash, DOC_RENDERER_VERSION,
				  21, 29, STORE_ANCHOR_ORPHAN, NULL);
	doc_free(old);
	store_version_add(fx->alice, fx->document, doc_hash(fx->doc), DOC_RENDERER_VERSION,
			  doc_text(fx->doc, NULL), doc_length(fx->doc),
			  (long long)doc_length_cp(fx->doc), NULL);

	static const char *const tags_boats[] = { "boats", "question" };
	static const char *const tags_price[] = { "price" };
	fx->hl_boats = highlight(fx->alice, fx, "boats from upstream", "Which boats?",
				 "3", tags_boats, 2);
	fx->hl_prices = highlight(fx->alice, fx, "Prices rise with the sun", "Always.",
				  NULL, tags_price, 1);
	/* Overlaps the end of the one before and runs into the next line. */
	fx->hl_over = highlight(fx->bob, fx, "the sun; by nine the best crates are gone.\n"
				"The Afternoon", "Two blocks.", "5", NULL, 0);
	struct store_new_annotation pn = {
		.document = fx->document, .version = doc_hash(fx->doc),
		.renderer = DOC_RENDERER_VERSION, .start = -1, .end = -1,
		.anchor = STORE_ANCHOR_NONE, .note = "About the whole piece.",
	};
	store_annotation_add(fx->alice, &pn, &fx->page, NULL);
	store_annotation_reply(fx->bob, fx->hl_boats, "Fishing boats.", false, &fx->reply, NULL);
	store_annotation_reply(fx->alice, fx->reply, "Thanks, Bob.", false, &fx->reply2, NULL);
	store_annotation_set_status(fx->alice, fx->hl_prices, STORE_STATUS_RESOLVED, NULL);
	fx->deleted = highlight(fx->alice, fx, "stone steps", "Gone soon.", NULL, NULL, 0);
	store_annotation_delete(fx->alice, fx->deleted, NULL);
	struct store_new_annotation bp = {
		.document = fx->document, .version = doc_hash(fx->doc),
		.renderer = DOC_RENDERER_VERSION, .start = -1, .end = -1,
		.anchor = STORE_ANCHOR_NONE, .note = "Bob's secret.", .is_private = true,
	};
	store_annotation_add(fx->bob, &bp, &fx->bob_private, NULL);
	return fx->hl_boats && fx->hl_prices && fx->hl_over && fx->page && fx->reply &&
	       fx->reply2 && fx->orphan && fx->bob_private;
}

static void
teardown(struct fixture *fx)
{
	store_close(fx->alice);
	store_close(fx->bob);
	doc_free(fx->doc);
	free(fx->document);
	free(fx->hl_boats);
	free(fx->hl_prices);
	free(fx->hl_over);
	free(fx->page);
	free(fx->reply);
	free(fx->reply2);
	free(fx->orphan);
	free(fx->deleted);
	free(fx->bob_private);
	free(fx->old_hash);
	unsetenv("GLOSS_NOW");
}

/* Exports as alice; the output (caller frees) or NULL. */
static char *
export(struct fixture *fx, const struct export_options *o, size_t *count)
{
	struct buf b = BUF_INIT;
	struct gl_error err;
	struct export_document d = { .id = fx->document, .doc = NULL };
	if (export_write(fx->alice, &d, 1, o, &b, count, &err) != GL_OK) {
		diag("export: %s", err.message);
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

static const char *
after(const char *s, const char *needle)
{
	const char *p = s ? strstr(s, needle) : NULL;
	return p ? p : "";
}

static bool
before(const char *s, const char *a, const char *b)
{
	const char *pa = s ? strstr(s, a) : NULL, *pb = s ? strstr(s, b) : NULL;
	return pa && pb && pa < pb;
}

static void
test_markdown(struct fixture *fx)
{
	struct export_options o = { .format = EXPORT_MARKDOWN };
	size_t count = 0;
	char *md = export(fx, &o, &count);
	ok(md != NULL, "Markdown export succeeds");
	is_int(count, 7, "every visible, live annotation is exported, replies included");
	static const char head[] = "---\ntitle: \"The River Market\"\n";
	ok(strncmp(md ? md : "", head, strlen(head)) == 0,
	   "YAML front matter with the title");
	ok(strstr(md, "authors: [\"alice\", \"bob\"]") != NULL, "and the authors");
	ok(strstr(md, "exported: \"2026-05-01T08:30:00Z\"") != NULL, "and the time");
	ok(before(md, "## Page notes", "About the whole piece."), "page notes come first");
	ok(before(md, "## Stalls and Sellers", "> Prices rise with the sun"),
	   "a highlight sits under the heading it falls in");
	ok(!before(md, "## Stalls and Sellers", "> boats from upstream"),
	   "and one before that heading does not");
	ok(strstr(md, "- **bob** · 2026-05-01T08:30:00Z: Fishing boats.") != NULL,
	   "a reply follows its annotation");
	ok(strstr(md, "  - **alice** · 2026-05-01T08:30:00Z: Thanks, Bob.") != NULL,
	   "a reply to a reply is nested under it");
	ok(strstr(md, "· resolved") != NULL, "a resolved thread says so");
	ok(strstr(md, "tags: boats, question") != NULL, "tags are listed");
	ok(before(md, "## Orphaned annotations", "> pelicans"),
	   "an orphan is listed apart with the text it was made on");
	ok(!strstr(md, "Gone soon.") && !strstr(md, "stone steps"), "a deleted annotation is not exported");
	ok(!strstr(md, "Bob's secret."), "nor someone else's private note");
	ok(strstr(md, "> the sun; by nine the best crates are gone.\\\n> The Afternoon") != NULL,
	   "a quote over a line break keeps it as a hard break");
	free(md);

	o.full = true;
	md = export(fx, &o, NULL);
	ok(strstr(md, "from upstream") != NULL, "--full writes the article");
	ok(strstr(md, "the <mark>boats from upstream</mark>[^1] tie up") != NULL,
	   "a highlight is marked where it stands, with its footnote");
	ok(strstr(md, "<mark>Prices rise with </mark><mark>the sun</mark>[^2]"
		  "<mark>; by nine the best crates are gone.</mark>") != NULL,
	   "overlapping highlights are cut where they overlap, each marked");
	ok(strstr(md, "## <mark>The Afternoon</mark>[^3]") != NULL,
	   "a highlight into a heading ends there, with its footnote");
	ok(strstr(md, "[^1]: Which boats?") != NULL, "the footnote holds the note");
	ok(before(md, "[^1]: Which boats?", "    - **bob** · "), "and the replies, indented");
	ok(before(md, "\n## Stalls and Sellers\n", "[^2]"), "headings stay headings, at their level");
	ok(strstr(md, "# The River Market") == strstr(md, "#") && strstr(md, "\n## The River Market") == NULL,
	   "the title is the article's heading, once");
	free(md);
}

static void
test_filters(struct fixture *fx)
{
	struct export_options o = { .format = EXPORT_CSV };
	size_t count = 0;
	char *csv;

	o.author = "bob";
	csv = export(fx, &o, &count);
	is_int(count, 4, "--author bob: the threads Bob wrote in, whole");
	ok(strstr(csv, "Thanks, Bob.") && strstr(csv, "Which boats?"),
	   "with what he answered and the answers to him");
	free(csv);
	o.author = NULL;

	o.tag = "price";
	csv = export(fx, &o, &count);
	is_int(count, 1, "--tag: the threads whose annotation has the tag");
	free(csv);
	o.tag = NULL;

	o.status_set = true;
	o.status = STORE_STATUS_OPEN;
	csv = export(fx, &o, &count);
	is_int(count, 6, "--status open leaves the resolved thread out");
	free(csv);
	o.status_set = false;

	o.since = "2026-05-02";
	csv = export(fx, &o, &count);
	is_int(count, 0, "--since a later day: nothing");
	ok(csv && strncmp(csv, "id,parent,", 10) == 0 && !strchr(strchr(csv, '\n') + 1, '\n'),
	   "the CSV is then its header row alone");
	free(csv);
	o.since = "yesterday";
	struct buf b = BUF_INIT;
	struct gl_error err;
	struct export_document d = { .id = fx->document };
	is_int(export_write(fx->alice, &d, 1, &o, &b, NULL, &err), GL_USAGE,
	       "a --since that is not a date is refused");
	buf_free(&b);
}

static void
test_json(struct fixture *fx)
{
	struct export_options o = { .format = EXPORT_JSON };
	char *text = export(fx, &o, NULL);
	json_error_t jerr;
	json_t *j = json_loads(text ? text : "", 0, &jerr);
	ok(j != NULL, "the JSON parses (%s)", j ? "" : jerr.text);
	is_str(json_string_value(json_object_get(j, "type")), "AnnotationCollection",
	       "it is an AnnotationCollection");
	json_t *items = json_object_get(json_object_get(j, "first"), "items");
	is_int(json_array_size(items), 7, "with one AnnotationPage of all the annotations");
	is_int(json_integer_value(json_object_get(j, "total")), 7, "total says how many");
	size_t i;
	json_t *it;
	bool reply_ok = false, page_ok = false, style_ok = false, orphan_ok = false;
	char *want_parent = xasprintf("urn:uuid:%s", fx->hl_boats);
	char *old_source = xasprintf("urn:xxh3-128:%s", fx->old_hash);
	json_array_foreach(items, i, it) {
		const char *id = json_string_value(json_object_get(it, "id"));
		json_t *target = json_object_get(it, "target");
		if (id && strstr(id, fx->reply) && json_is_string(target))
			reply_ok = strcmp(json_string_value(target), want_parent) == 0 &&
				   strcmp(json_string_value(json_object_get(it, "motivation")),
					  "replying") == 0;
		if (id && strstr(id, fx->page))
			page_ok = json_is_object(target) && !json_object_get(target, "selector");
		if (id && strstr(id, fx->hl_over))
			style_ok = strcmp(json_string_value(json_object_get(it, "gloss:style")),
					  "5") == 0;
		if (id && strstr(id, fx->orphan))
			orphan_ok = strcmp(json_string_value(json_object_get(target, "source")),
					   old_source) == 0 &&
				    strcmp(json_string_value(json_object_get(it, "gloss:anchor")),
					   "orphan") == 0;
	}
	ok(reply_ok, "a reply is a replying annotation whose target is its parent");
	ok(page_ok, "a page note targets the document without a selector");
	ok(style_ok, "the style is in gloss's own context");
	ok(orphan_ok, "an orphan names the version it was made on");
	free(want_parent);
	free(old_source);
	json_decref(j);
	free(text);
}

static void
test_html(struct fixture *fx)
{
	struct export_options o = { .format = EXPORT_HTML };
	char *h = export(fx, &o, NULL);
	ok(h && strncmp(h, "<!DOCTYPE html>", 15) == 0, "the HTML is a page");
	ok(strstr(h, "<script") == NULL && strstr(h, "src=") == NULL &&
	   strstr(h, "http://") == NULL && strstr(h, "https://") == NULL,
	   "with no script and nothing from outside");
	ok(strstr(h, "<mark class=\"hl3 ") != NULL, "a highlight has its style's class");
	ok(strstr(h, " multi\"") != NULL, "overlapping highlights are marked as such");
	ok(before(h, "</p>\n<aside class=\"notes\">", "Which boats?"),
	   "the notes come below the paragraph they belong to");
	ok(before(h, "Orphaned annotations", "pelicans"), "orphans are listed apart");
	ok(strstr(h, "Bob&#39;s secret.") == NULL, "no one else's private note");
	/* Every element opened is closed (a crude count; the shell test parses
	   the page strictly). */
	static const char *const tags[] = { "p", "mark", "aside", "div", "ul", "li",
					    "article", "section", "h1", "h2", "sup" };
	for (size_t i = 0; i < GL_ARRAY_LEN(tags); i++) {
		char *open = xasprintf("<%s", tags[i]), *close = xasprintf("</%s>", tags[i]);
		size_t no = 0, nc = 0;
		for (const char *p = h; (p = strstr(p, open)); p++)
			if (p[strlen(open)] == '>' || p[strlen(open)] == ' ')
				no++;
		for (const char *p = h; (p = strstr(p, close)); p++)
			nc++;
		ok(no == nc && no > 0, "<%s> opened %zu times, closed %zu", tags[i], no, nc);
		free(open);
		free(close);
	}
	free(h);
}

static void
test_loaded_markdown(void)
{
	/* A Markdown article keeps its headings when the caller passes the
	   loaded doc: the stored text alone has lost its markup. */
	static const char md[] = "# Notes\n\nFirst paragraph here.\n\n## Details\n\n"
				 "The details are in this paragraph.\n";
	struct gl_error err;
	struct doc *d = NULL;
	struct store *s = NULL;
	char *path = gl_path_join(tmpdir, "md.db"), *doc_id = NULL, *id = NULL;
	doc_from_text(md, strlen(md), DOC_FORMAT_MARKDOWN, "notes.md", &d, &err);
	store_open(path, "alice", 0, &s, &err);
	store_document_create(s, doc_title(d), NULL, &doc_id, NULL);
	store_version_add(s, doc_id, doc_hash(d), DOC_RENDERER_VERSION, doc_text(d, NULL),
			  doc_length(d), (long long)doc_length_cp(d), NULL);
	long long start = cp_of(d, "details are");
	struct store_new_annotation n = {
		.document = doc_id, .version = doc_hash(d), .renderer = DOC_RENDERER_VERSION,
		.start = start, .end = start + 11, .exact = "details are", .prefix = "",
		.suffix = "", .anchor = STORE_ANCHOR_EXACT,
	};
	store_annotation_add(s, &n, &id, NULL);
	struct export_options o = { .format = EXPORT_MARKDOWN };
	struct export_document ed = { .id = doc_id, .doc = d };
	struct buf b = BUF_INIT;
	ok(export_write(s, &ed, 1, &o, &b, NULL, &err) == GL_OK, "export with the loaded doc");
	ok(before(b.data, "## Details", "> details are"),
	   "the Markdown heading the highlight falls under is found");
	buf_free(&b);
	o.format = EXPORT_HTML;
	export_write(s, &ed, 1, &o, &b, NULL, &err);
	ok(strstr(after(b.data, "<article>"), "<h2>Details</h2>") != NULL,
	   "and the HTML shows it as a heading of its own level");
	ok(strstr(b.data, "<h1>Notes</h1>") && !strstr(b.data, "<h2>Notes</h2>"),
	   "the title is one <h1>, not repeated as a heading");
	buf_free(&b);

	/* No document at all: every format is still well formed. */
	char *empty = gl_path_join(tmpdir, "empty.db");
	struct store *e = NULL;
	store_open(empty, "alice", 0, &e, &err);
	o.format = EXPORT_JSON;
	size_t count = 9;
	ok(export_write(e, NULL, 0, &o, &b, &count, &err) == GL_OK && count == 0,
	   "an empty store exports nothing, without failing");
	json_t *j = json_loads(b.data ? b.data : "", 0, NULL);
	ok(j && json_array_size(json_object_get(json_object_get(j, "first"), "items")) == 0,
	   "as a collection with an empty page");
	json_decref(j);
	buf_free(&b);
	store_close(e);
	free(empty);

	store_close(s);
	doc_free(d);
	free(path);
	free(doc_id);
	free(id);
}

int
main(void)
{
	char tmpl[] = "tests/tmp/test-export.XXXXXX";
	gl_mkdir_p("tests/tmp", 0755, NULL);
	tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		tap_skip_all("cannot make a temporary directory");
	unsetenv("GLOSS_NOW");

	test_escaping();
	test_names_and_times();
	struct fixture fx;
	if (setup(&fx)) {
		test_markdown(&fx);
		test_filters(&fx);
		test_json(&fx);
		test_html(&fx);
	} else {
		ok(0, "the fixture store is made");
	}
	teardown(&fx);
	test_loaded_markdown();

	if (!tap_failed)
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
