/* One rule for styles and tags, whichever way they come in: gloss
 * add/edit, the reader's tag prompt, an import. */
#include "config.h"

#include "gloss/annotate.h"
#include "gloss/store.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>

static void
test_styles(void)
{
	static const struct { const char *style; int want; } cases[] = {
		{ "1", 1 }, { "5", 5 }, { "yellow", 1 }, { "green", 2 }, { "cyan", 3 },
		{ "purple", 4 }, { "underline", 5 },
		{ "0", 0 }, { "6", 0 }, { "7", 0 }, { "9", 0 }, { "12", 0 }, { "abc", 0 },
		{ "\"><script>", 0 }, { "", 0 }, { "Yellow", 0 }, { " 1", 0 },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(cases); i++)
		is_int(store_style_number(cases[i].style), cases[i].want,
		       "style '%s' is %s", cases[i].style,
		       cases[i].want ? "one the reader draws" : "refused");
	is_int(store_style_number(NULL), 0, "no style is not a style number");
}

static void
test_tags(void)
{
	static const char *const good[] = {
		"boats", "to-do", "C++", "漁船", "question?", "#hash", "a_b",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(good); i++)
		ok(store_tag_problem(good[i]) == NULL, "'%s' is a tag", good[i]);
	static const char *const bad[] = {
		"", "two words", "a,b", "港口，漁船", "甲、乙", "tab\there", "ideographic\xE3\x80\x80space",
		"nbsp\xC2\xA0here", "bell\x07", "c1\xC2\x85", "bad\xFF utf8",
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(bad); i++)
		ok(store_tag_problem(bad[i]) != NULL, "'%s' is not a tag (%s)", bad[i],
		   store_tag_problem(bad[i]) ? store_tag_problem(bad[i]) : "accepted");
	char long_tag[STORE_TAG_MAX + 2];
	memset(long_tag, 'x', sizeof long_tag - 1);
	long_tag[sizeof long_tag - 1] = '\0';
	ok(store_tag_problem(long_tag) != NULL, "a tag of 101 characters is too long");
	long_tag[STORE_TAG_MAX] = '\0';
	ok(store_tag_problem(long_tag) == NULL, "one of 100 is not");

	static const struct { const char *in, *want; } canon[] = {
		{ "to do", "to-do" }, { " red, white ", "red-white" }, { "港口，漁船", "港口-漁船" },
		{ "ok", "ok" }, { " , ", "" }, { "a\tb\nc", "a-b-c" },
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(canon); i++) {
		char *c = store_tag_canonical(canon[i].in);
		is_str(c, canon[i].want, "'%s' made one word is '%s'", canon[i].in, canon[i].want);
		ok(!*c || store_tag_problem(c) == NULL, "which is a valid tag");
		free(c);
	}
	char *c = store_tag_canonical(long_tag);
	is_int(strlen(c), STORE_TAG_MAX, "a long tag is cut to 100 characters");
	free(c);

	/* The reader's prompt follows the same rule. */
	size_t n = 0;
	char **tags = annotate_parse_tags("boats two words, a\x7f" "b", &n);
	is_int(n, 3, "the reader splits at spaces and commas, and drops a tag with a control character");
	if (n == 3) {
		is_str(tags[0], "boats", "first tag");
		is_str(tags[1], "two", "second tag");
		is_str(tags[2], "words", "third tag");
	}
	annotate_tags_free(tags, n);
}

int
main(void)
{
	test_styles();
	test_tags();
	return tap_done();
}
