/* fuzz-markdown: any bytes rendered as Markdown (md4c), then laid out at
 * a width chosen by the first byte: the document keeps doc.h's promises
 * (fuzz.h) and every row can be made.  Markdown is where nesting, spans
 * and links meet; fuzz-load reaches it too, but among many other paths. */
#include "config.h"

#include "fuzz.h"
#include "gloss/layout.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	int width = (int)(fuzz_byte(&in) % 100) + 1;
	size_t n;
	const char *text = fuzz_take(&in, 0, &n);

	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status st = doc_from_text(text, n, DOC_FORMAT_MARKDOWN, "fuzz.md", &d, &err);
	FUZZ_CHECK(st == GL_OK);
	FUZZ_CHECK(doc_format(d) == DOC_FORMAT_MARKDOWN);
	fuzz_check_doc(d);

	struct outline *o = outline_build(d);
	struct layout *l = layout_new(d, o, width);
	struct buf out = BUF_INIT;
	layout_dump(l, 0, LAYOUT_DUMP_FORCED, NULL, 0, &out);
	FUZZ_CHECK(out.len == 0 || u8_is_valid(out.data, out.len));
	buf_free(&out);
	layout_free(l);
	outline_free(o);
	doc_free(d);
	return 0;
}
