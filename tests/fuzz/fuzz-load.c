/* fuzz-load: any bytes, loaded as a file would be (doc_load_bytes: BOM,
 * encoding detection and transcoding, binary refusal, normalising) and as
 * text already in memory (doc_from_text), in every format (text,
 * Markdown, verbatim, HTML) and with random
 * options; every document must keep doc.h's promises (fuzz.h).
 *
 * The first two bytes choose: the format and the name (by extension:
 * page.html makes DOC_FORMAT_AUTO read HTML), the encoding named (or
 * none), --binary, a small size limit. */
#include "config.h"

#include "fuzz.h"

static const char *const encodings[] = {
	NULL, NULL, NULL, NULL, "UTF-8", "utf-16", "UTF-16LE", "UTF-16BE",
	"UTF-32", "UTF-32LE", "BIG5", "GB18030", "SHIFT_JIS", "CP1252",
	"ISO-8859-1", "no-such-encoding",
};

static const char *const paths[] = {
	NULL, "-", "article.txt", "article.md", "README.MARKDOWN", "page.html", "noext", ".md",
};

static const enum doc_format formats[] = {
	DOC_FORMAT_AUTO, DOC_FORMAT_TEXT, DOC_FORMAT_MARKDOWN, DOC_FORMAT_VERBATIM,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	unsigned a = fuzz_byte(&in), b = fuzz_byte(&in);
	size_t n;
	const char *bytes = fuzz_take(&in, 0, &n);

	struct doc_load_options opt;
	memset(&opt, 0, sizeof opt);
	opt.format = formats[a & 3];
	opt.path = paths[(a >> 2) & 7];
	opt.allow_binary = (a >> 5) & 1;
	opt.encoding = encodings[b & 15];
	opt.max_size = (b & 0x30) == 0x30 ? (size_t)(b >> 6) * 64 + 1 : 0;

	struct doc *d = NULL;
	struct gl_error err;
	enum gl_status st = doc_load_bytes(bytes, n, &opt, &d, &err);
	if (st == GL_OK) {
		FUZZ_CHECK(d != NULL);
		fuzz_check_doc(d);
		const struct doc_info *info = doc_info(d);
		FUZZ_CHECK(info->source_bytes == n);
		FUZZ_CHECK(info->encoding != NULL && info->newlines != NULL);
		FUZZ_CHECK(doc_format(d) != DOC_FORMAT_AUTO);
		doc_free(d);
	} else {
		FUZZ_CHECK(d == NULL);
		FUZZ_CHECK(st == GL_BINARY || st == GL_TOO_LARGE || st == GL_ENCODING);
		/* One line, terminal-safe. */
		for (const char *p = err.message; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7F);
	}

	/* The same bytes as text in memory (a stored version, a test). */
	enum doc_format f = formats[(a >> 6) & 3];
	st = doc_from_text(bytes, n, f, opt.path, &d, &err);
	if (st == GL_OK) {
		fuzz_check_doc(d);
		/* Rendering again what was rendered changes nothing. */
		if (f == DOC_FORMAT_VERBATIM) {
			size_t len;
			const char *text = doc_text(d, &len);
			struct doc *again = NULL;
			FUZZ_CHECK(doc_from_text(text, len, DOC_FORMAT_VERBATIM, NULL, &again,
						 &err) == GL_OK);
			FUZZ_CHECK(strcmp(doc_hash(again), doc_hash(d)) == 0);
			doc_free(again);
		}
		doc_free(d);
	} else {
		FUZZ_CHECK(false);   /* fails only over 2 GiB */
	}
	return 0;
}
