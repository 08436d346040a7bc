/* layout-dump: prints a file laid out at a width, the way `gloss --dump`
 * does, for the golden tests in tests/layout/ (a check program, not a
 * test of its own).
 *
 *   layout-dump [--width N] [--from CP] [--forced] [--offsets]
 *               [--format text|markdown] [--ambiguous-width 1|2] FILE
 *
 * --from is a code point offset, as gloss's. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <stdio.h>
#include <string.h>

static int
usage(void)
{
	fputs("usage: layout-dump [--width N] [--from CP] [--forced] [--offsets]\n"
	      "                   [--format text|markdown] [--ambiguous-width 1|2] FILE\n",
	      stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	long width = 80, from = 0, ambiguous = 1;
	unsigned flags = 0;
	struct doc_load_options opt = { 0 };
	opt.format = DOC_FORMAT_AUTO;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--forced") == 0) {
			flags |= LAYOUT_DUMP_FORCED;
		} else if (strcmp(a, "--offsets") == 0) {
			flags |= LAYOUT_DUMP_OFFSETS;
		} else if (strcmp(a, "--width") == 0 && v && gl_parse_long(v, 1, 100000, &width)) {
			i++;
		} else if (strcmp(a, "--from") == 0 && v && gl_parse_long(v, 0, 1L << 40, &from)) {
			i++;
		} else if (strcmp(a, "--ambiguous-width") == 0 && v &&
			   gl_parse_long(v, 1, 2, &ambiguous)) {
			i++;
		} else if (strcmp(a, "--format") == 0 && v) {
			if (strcmp(v, "text") == 0)
				opt.format = DOC_FORMAT_TEXT;
			else if (strcmp(v, "markdown") == 0)
				opt.format = DOC_FORMAT_MARKDOWN;
			else
				return usage();
			i++;
		} else {
			return usage();
		}
	}
	if (i + 1 != argc)
		return usage();
	opt.path = argv[i];
	u8_set_ambiguous_width((int)ambiguous);

	struct doc *d;
	struct gl_error err;
	enum gl_status st = doc_load(&opt, &d, &err);
	if (st != GL_OK) {
		fprintf(stderr, "layout-dump: %s\n", err.message);
		return gl_status_exit_code(st);
	}
	struct outline *o = outline_build(d);
	struct layout *l = layout_new(d, o, (int)width);
	struct buf out = BUF_INIT;
	layout_dump(l, doc_cp_to_byte(d, (size_t)from), flags, NULL, 0, &out);
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
	layout_free(l);
	outline_free(o);
	doc_free(d);
	return 0;
}
