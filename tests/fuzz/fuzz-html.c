/* fuzz-html: any bytes as a web page, through the article extraction of
 * doc-html.c (libxml2's HTML parser, the scoring that finds the article,
 * entities, <meta charset>, <base>, links resolved against the page's
 * address), loaded as a file or a fetched page would be (doc_load_bytes
 * with DOC_FORMAT_HTML) and rendered from text in memory (doc_from_text).
 * Every document must keep doc.h's promises (fuzz.h), be HTML or, for a
 * page with no markup at all, plain text, and lay out at a width.
 *
 * fuzz-load reaches HTML too, but only for one input in eight; this one
 * spends all its time there.  The first byte chooses: the page's address
 * (none, a file name, a URL, so that links resolve against it), the
 * encoding named (or none: BOM, <meta> or detection), and a small size
 * limit; the second byte the width of the layout. */
#include "config.h"

#include "fuzz.h"
#include "gloss/layout.h"

static const char *const paths[] = {
	NULL, "page.html", "https://example.org/news/2024/story.html?id=1#top",
	"http://[::1]:8080/a/b/",
};

static const char *const encodings[] = {
	NULL, NULL, NULL, NULL, "UTF-8", "BIG5", "CP1252", "UTF-16LE",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	unsigned a = fuzz_byte(&in);
	int width = (int)(fuzz_byte(&in) % 120) + 1;
	size_t n;
	const char *bytes = fuzz_take(&in, 0, &n);

	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.format = DOC_FORMAT_HTML;
	opt.path = paths[a & 3];
	opt.encoding = encodings[(a >> 2) & 7];
	opt.allow_binary = (a >> 5) & 1;
	opt.max_size = (a & 0xC0) == 0xC0 ? 200 : 0;

	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status st = doc_load_bytes(bytes, n, &opt, &d, &err);
	if (st == GL_OK) {
		FUZZ_CHECK(d != NULL);
		FUZZ_CHECK(doc_format(d) == DOC_FORMAT_HTML || doc_format(d) == DOC_FORMAT_TEXT);
		fuzz_check_doc(d);
		FUZZ_CHECK(doc_info(d)->source_bytes == n);

		/* The article laid out and dumped, as --dump shows it. */
		struct outline *o = outline_build(d);
		struct layout *l = layout_new(d, o, width);
		struct buf out = BUF_INIT;
		layout_dump(l, 0, LAYOUT_DUMP_FORCED, NULL, 0, &out);
		FUZZ_CHECK(out.len == 0 || u8_is_valid(out.data, out.len));
		buf_free(&out);
		layout_free(l);
		outline_free(o);
		doc_free(d);
	} else {
		FUZZ_CHECK(d == NULL);
		FUZZ_CHECK(st == GL_BINARY || st == GL_TOO_LARGE || st == GL_ENCODING);
		for (const char *p = err.message; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7F);
	}

	/* The same bytes as UTF-8 text in memory (a test, a stored page). */
	st = doc_from_text(bytes, n, DOC_FORMAT_HTML, opt.path, &d, &err);
	FUZZ_CHECK(st == GL_OK);   /* fails only over 2 GiB */
	FUZZ_CHECK(doc_format(d) == DOC_FORMAT_HTML || doc_format(d) == DOC_FORMAT_TEXT);
	fuzz_check_doc(d);
	doc_free(d);
	return 0;
}
