/* fuzz-import: any bytes as a W3C or Hypothesis JSON file to import
 * (import_parse), and what parses placed on a text (import_prepare, which
 * reads the store and anchors each annotation) without writing anything.
 * A malformed file must be refused with a one-line message; a parsed
 * one must prepare without a crash.
 *
 * The input: the text to import onto, a 0xFF byte, then the JSON. */
#include "config.h"

#include "fuzz.h"
#include "gloss/import.h"
#include "gloss/store.h"

#include <unistd.h>

/* One empty store for the whole run (made once, in a temporary
 * directory): import_prepare only reads it. */
static struct store *
fuzz_store(void)
{
	static struct store *s;
	if (!s) {
		char dir[] = "/tmp/gloss-fuzz-import-XXXXXX";
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		char *path = gl_path_join(dir, "gloss.db");
		struct gl_error err;
		FUZZ_CHECK(store_open(path, "fuzzer", STORE_OPEN_PRIVATE, &s, &err) == GL_OK);
		free(path);
	}
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	size_t ntext, njson;
	const char *ptext = fuzz_piece(&in, &ntext);
	const char *json = fuzz_take(&in, 0, &njson);

	struct import_set *set = NULL;
	struct gl_error err;
	enum gl_status st = import_parse(json, njson, "fuzz.json", &set, &err);
	if (st != GL_OK) {
		FUZZ_CHECK(set == NULL);
		FUZZ_CHECK(st == GL_USAGE);
		/* One line (every printer passes it through u8_safe_str, so
		 * the bytes of the file it may quote are shown safely). */
		FUZZ_CHECK(err.message[0] != '\0' && !strchr(err.message, '\n'));
		return 0;
	}
	FUZZ_CHECK(set != NULL);
	(void)import_count(set);

	struct doc *d = NULL;
	FUZZ_CHECK(doc_from_text(ptext, ntext, DOC_FORMAT_TEXT, NULL, &d, &err) == GL_OK);
	struct import_fallback fb;
	memset(&fb, 0, sizeof fb);
	fb.text = doc_text(d, &fb.len);
	fb.hash = doc_hash(d);
	fb.renderer = DOC_RENDERER_VERSION;
	st = import_prepare(set, fuzz_store(), &fb, 1, &err);
	FUZZ_CHECK(st == GL_OK || st == GL_NO_MATCH || st == GL_USAGE);
	import_free(set);
	doc_free(d);
	return 0;
}
