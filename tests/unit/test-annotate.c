/* annotate and pane-motion: what the reader's selections and tags become.
 * Text objects pick the innermost quote or bracket pair around the cursor
 * in Chinese and English, sentences and clauses end at their marks, and a
 * tag prompt's text splits into the tags a user meant. */
#include "config.h"

#include "gloss/annotate.h"
#include "gloss/pane.h"
#include "gloss/u8.h"
#include "gloss/util.h"
#include "../tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct doc *
make_doc(const char *text)
{
	struct doc *d;
	struct gl_error err;
	if (doc_from_text(text, strlen(text), DOC_FORMAT_TEXT, NULL, &d, &err) != GL_OK) {
		printf("Bail out! %s\n", err.message);
		exit(1);
	}
	return d;
}

/* The text object around the first occurrence of `at` in the text, as a
 * string ("-" when there is none). */
static char *
object(struct doc *d, const char *at, int32_t key, bool around)
{
	const char *t = doc_text(d, NULL);
	const char *p = strstr(t, at);
	size_t s, e;
	if (!p || !pane_text_object(d, (size_t)(p - t), key, around, &s, &e))
		return xstrdup("-");
	return xstrndup(t + s, e - s);
}

static void
check_object(struct doc *d, const char *at, int32_t key, bool around, const char *want,
	     const char *what)
{
	char *got = object(d, at, key, around);
	is_str(got, want, "%s", what);
	free(got);
}

static void
test_objects(void)
{
	struct doc *d = make_doc("店主說：「好茶要慢慢泡，『急』不得。」客人（多是老人）笑了。\n"
				 "He said \"wait (a bit) here,\" and left. Then 'no'.\n");
	check_object(d, "慢慢", 'q', false, "好茶要慢慢泡，『急』不得。", "iq inside 「」 from its middle");
	check_object(d, "急", 'q', false, "急", "iq takes the innermost pair: 『』 inside 「」");
	check_object(d, "「好", 'q', true, "「好茶要慢慢泡，『急』不得。」", "aq on the opening mark takes the pair with its marks");
	check_object(d, "老人", 'b', false, "多是老人", "ib inside （）");
	check_object(d, "店主", 'b', false, "-", "ib where no bracket encloses the cursor: nothing");
	check_object(d, "wait", 'q', false, "wait (a bit) here,", "iq inside ASCII double quotes");
	check_object(d, "bit", 'b', true, "(a bit)", "ab around ASCII parentheses");
	check_object(d, "慢慢", 's', false, "店主說：「好茶要慢慢泡，『急』不得。」", "is: the sentence ends at 。 and its closing 」");
	check_object(d, "慢慢", 'c', false, "「好茶要慢慢泡，", "ic: the clause starts after ： and ends at ，");
	check_object(d, "left", 's', true, "He said \"wait (a bit) here,\" and left. ",
		     "as: the sentence (a comma in quotes does not end it) with the space after it");
	check_object(d, "客人", 'p', false,
		     "店主說：「好茶要慢慢泡，『急』不得。」客人（多是老人）笑了。", "ip: the paragraph");
	doc_free(d);
}

static void
test_motion(void)
{
	struct doc *d = make_doc("日本語のテキスト、漢字とかなABC123。Next one.\n");
	const char *t = doc_text(d, NULL);
	size_t off = 0;
	off = pane_motion(d, off, ACTION_WORD_NEXT);
	is_str(t + off, "のテキスト、漢字とかなABC123。Next one.", "w: a run of Han is a word");
	off = pane_motion(d, off, ACTION_WORD_NEXT);
	is_str(t + off, "テキスト、漢字とかなABC123。Next one.", "w: a run of hiragana is a word");
	off = pane_motion(d, off, ACTION_WORD_NEXT);
	is_str(t + off, "、漢字とかなABC123。Next one.", "w: a run of katakana is a word");
	off = pane_motion(d, strstr(t, "ABC") - t, ACTION_WORD_NEXT);
	is_str(t + off, "。Next one.", "w: Latin letters and digits are one word");
	off = pane_motion(d, 0, ACTION_CLAUSE_NEXT);
	is_str(t + off, "漢字とかなABC123。Next one.", ">: past 、");
	off = pane_motion(d, 0, ACTION_SENTENCE_NEXT);
	is_str(t + off, "Next one.", "): past 。");
	off = pane_motion(d, off, ACTION_SENTENCE_PREV);
	is_str(t + off, "日本語のテキスト、漢字とかなABC123。Next one.", "(: back to the sentence before");
	off = pane_motion(d, 0, ACTION_CURSOR_LEFT);
	is_int(off, 0, "←: at the start the cursor stays");
	doc_free(d);
}

/* A selection from the first occurrence of `from` (the anchor, where v
 * was pressed) after the word motions in `keys` (w e b), as a string. */
static char *
select_words(struct doc *d, const char *from, const char *keys)
{
	size_t len;
	const char *t = doc_text(d, &len);
	size_t anchor = (size_t)(strstr(t, from) - t), cur = anchor;
	for (const char *k = keys; *k; k++)
		cur = pane_select_motion(d, &anchor, cur,
					 *k == 'w' ? ACTION_WORD_NEXT
					 : *k == 'e' ? ACTION_WORD_END : ACTION_WORD_PREV);
	size_t lo = anchor < cur ? anchor : cur, hi = anchor < cur ? cur : anchor;
	return xstrndup(t + lo, u8_next_cluster(t, len, hi) - lo);
}

static void
check_select(struct doc *d, const char *from, const char *keys, const char *want,
	     const char *what)
{
	char *got = select_words(d, from, keys);
	is_str(got, want, "%s", what);
	free(got);
}

static void
test_word_selection(void)
{
	struct doc *d = make_doc("Some other words, here.\n"
				 "図書館の司書の仕事。우리는 바다로 가는 길\n"
				 "他用Python寫程式。\n");
	check_select(d, "other", "w", "other", "v w ends at the word's last letter");
	check_select(d, "other", "e", "other", "v e: the same");
	check_select(d, "other", "ww", "other words", "v w w: two whole words");
	check_select(d, "other", "www", "other words,", "v w w w: the comma is a word of its own");
	check_select(d, "other", "wwwwwww", "other words, here.",
		     "w at the paragraph's last word stays: nothing of the next paragraph");
	check_select(d, "her", "w", "her", "v w in the middle of a word: to its end");
	check_select(d, "words", "wwb", "words", "w w b: back to the end of the word before (the comma goes)");
	check_select(d, "s, here", "b", "words", "v on a word's last letter, b: the whole word");
	check_select(d, "s, here", "bb", "other words", "b b: two whole words back");
	check_select(d, "s, here", "bbw", "words", "b b w: the start moves on a word");
	check_select(d, "Some", "b", "S", "b at the paragraph's start stays there");
	check_select(d, "other", "b", "Some other",
		     "v on a word's first letter, b: that word comes in whole (not \"Some o\")");
	check_select(d, "r words", "w", "other words",
		     "v on a word's last letter, w: that word comes in whole (not \"r words\")");
	check_select(d, "other", "wb", "Some other",
		     "v w then b: back past where v was, never down to a lone letter");
	check_select(d, "r words", "bw", "other words",
		     "v b then w: on past where v was, never down to a lone letter");
	check_select(d, "her", "b", "oth", "v in the middle of a word, b: to its start; the letter v was on stays the end");
	check_select(d, "図書", "w", "図書館", "Japanese: the Han run, not the の after it");
	check_select(d, "司書", "ww", "司書の", "Japanese: w w takes the hiragana run");
	check_select(d, "바다로", "w", "바다로", "Korean: the word, not the first letter of the next");
	check_select(d, "仕事", "ww", "仕事。", "a Japanese paragraph's end: w stops at 。");
	check_select(d, "他用", "w", "他用", "Chinese before Latin: the Han run only");
	check_select(d, "他用", "ww", "他用Python", "then the Latin run");
	doc_free(d);

	d = make_doc("Some other words, here.\n図書館の司書の仕事。우리는 바다로 가는 길\n");
	check_object(d, "the", 'w', false, "other", "iw in the middle of a word");
	check_object(d, "the", 'w', true, "other ", "aw: with the space after it");
	check_object(d, "here", 'w', true, " here", "aw before a full stop: with the space before it");
	check_object(d, ",", 'w', false, ",", "iw on a comma: the comma");
	check_object(d, " other", 'w', false, " ", "iw on a space: the spaces");
	check_object(d, " other", 'w', true, " other", "aw on a space: the spaces and the word after");
	check_object(d, "書館", 'w', false, "図書館", "iw in Japanese: the Han run");
	check_object(d, "の司", 'w', false, "の", "iw on hiragana: its run");
	check_object(d, "다로", 'w', false, "바다로", "iw in Korean: the word");
	check_object(d, "다로", 'w', true, "바다로 ", "aw in Korean: the word and its space");
	check_object(d, "길", 'w', true, " 길", "aw at the paragraph's end: the space before, never the line feed");
	doc_free(d);

	d = make_doc("Some other words.\nNext line\n");
	const char *t = doc_text(d, NULL);
	size_t off = pane_motion(d, 0, ACTION_WORD_END);
	is_str(t + off, "e other words.\nNext line", "E: to the last letter of the word");
	off = pane_motion(d, off, ACTION_WORD_END);
	is_str(t + off, "r words.\nNext line", "E again: to the end of the next word");
	off = pane_motion(d, strstr(t, ".") - t, ACTION_WORD_END);
	is_str(t + off, "t line", "E from a paragraph's end: the next paragraph's first word");
	doc_free(d);
}

static void
test_tags(void)
{
	size_t n;
	char **tags = annotate_parse_tags("  budget, 價格，茶葉、budget\ttea  ", &n);
	is_int(n, 4, "tags split on spaces, commas, ，、 and tabs, duplicates merged");
	if (n == 4) {
		is_str(tags[0], "budget", "first tag");
		is_str(tags[1], "價格", "second tag (after a comma)");
		is_str(tags[2], "茶葉", "third tag (after a full-width comma)");
		is_str(tags[3], "tea", "fourth tag (after a tab)");
	}
	annotate_tags_free(tags, n);
	tags = annotate_parse_tags(" ,、 ", &n);
	is_int(n, 0, "only separators: no tag");
	ok(tags == NULL, "and no array");
}

static void
test_recovery(void)
{
	char dir[] = "/tmp/gloss-annotate-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "a temporary directory");
		return;
	}
	setenv("XDG_STATE_HOME", dir, 1);
	struct annotate_change c = { 0 };
	c.kind = ANNOTATE_ADD;
	c.start_cp = 3;
	c.end_cp = 7;
	c.quote = xstrdup("好茶要慢");
	c.note = xstrdup("第一行\n第二行");
	c.tags = annotate_parse_tags("tea, 價格", &c.ntags);
	char *path = NULL;
	struct gl_error err;
	is_int(annotate_write_recovery(&c, "山城的茶館", &path, &err), GL_OK, "the recovery file is written");
	char *want_dir = xasprintf("%s/gloss/recovery-", dir);
	ok(path && strncmp(path, want_dir, strlen(want_dir)) == 0, "in $XDG_STATE_HOME/gloss/");
	char *text = NULL;
	size_t len;
	if (path && gl_read_file(path, &text, &len, 1 << 20, &err) == GL_OK) {
		ok(strstr(text, "range: 3:7") != NULL, "it says the range in code points");
		ok(strstr(text, "quote: 好茶要慢\n") != NULL, "the quote");
		ok(strstr(text, "tags: tea 價格\n") != NULL, "the tags");
		ok(strstr(text, "note:\n第一行\n第二行\n") != NULL, "and the whole note, both lines");
		struct stat sb;
		ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "readable by its owner only");
		unlink(path);
	} else {
		ok(0, "the recovery file can be read back");
	}
	free(text);
	free(path);
	free(want_dir);
	char *sub = xasprintf("%s/gloss", dir);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	annotate_change_clear(&c);
}

/* Note drafts left when the reader ends go to a file of their own, which
 * the reader reads back; a draft leaves it only when forgotten (its note
 * saved). */
static void
test_drafts_file(void)
{
	char dir[] = "/tmp/gloss-drafts-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "a temporary directory");
		return;
	}
	setenv("XDG_STATE_HOME", dir, 1);
	struct annotate_draft drafts[2] = { { 0 } };
	drafts[0].key = xstrdup("add 0123abcd 3 7");
	drafts[0].document = xstrdup("doc-1");
	drafts[0].quote = xstrdup("好茶\n要慢");
	drafts[0].about = xstrdup("a note on \"好茶\n要慢\" in 山城的茶館");
	drafts[0].note = xstrdup("第一行\n第二行");
	drafts[1].key = xstrdup("reply 1a2b");
	drafts[1].about = xstrdup("a reply to annotation 1a2b");
	drafts[1].note = xstrdup("me too\ndraft: not a new draft\nnote: 3 bytes");
	char *path = NULL;
	struct gl_error err;
	is_int(annotate_write_drafts(drafts, 2, &path, &err), GL_OK, "the drafts file is written");
	char *want_dir = xasprintf("%s/gloss/drafts-", dir);
	ok(path && strncmp(path, want_dir, strlen(want_dir)) == 0, "as drafts-TIME-PID.txt in $XDG_STATE_HOME/gloss/");
	char *text = NULL;
	size_t len;
	if (path && gl_read_file(path, &text, &len, 1 << 20, &err) == GL_OK) {
		ok(strstr(text, "draft: a note on \"好茶 要慢\" in 山城的茶館\n") != NULL,
		   "each draft says what it was for, on one line");
		ok(strstr(text, "note: 19 bytes\n第一行\n第二行\n") != NULL,
		   "then its whole note, as a person can copy it");
		ok(strstr(text, "draft: a reply to annotation 1a2b\n") != NULL, "both drafts are in it");
		struct stat sb;
		ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "readable by its owner only");
	} else {
		ok(0, "the drafts file can be read back");
	}
	free(text);

	/* Read back as written, even a note with lines like the file's own. */
	struct annotate_draft *back = NULL;
	size_t n = 0;
	annotate_read_drafts(&back, &n);
	is_int((long long)n, 2, "the reader reads both drafts back");
	if (n == 2) {
		is_str(back[0].key, "add 0123abcd 3 7", "with what each is for");
		is_str(back[0].document, "doc-1", "the article's document");
		is_str(back[0].quote, "好茶\n要慢", "the text a new note was on, both lines");
		is_str(back[0].note, "第一行\n第二行", "and the whole note");
		is_str(back[1].note, "me too\ndraft: not a new draft\nnote: 3 bytes",
		       "a note whose lines look like the file's own is read whole");
		is_str(back[1].file, path, "each says which file keeps it");
	}

	/* A note saved: its draft leaves the file; the last one, the file. */
	is_int(annotate_forget_draft(path, "reply 1a2b", "another text", &err), GL_OK,
	       "forgetting a draft the file does not have is no error");
	is_int(annotate_forget_draft(path, "add 0123abcd 3 7", "第一行\n第二行", &err), GL_OK,
	       "a draft whose note is saved is forgotten");
	for (size_t i = 0; i < n; i++)
		annotate_draft_clear(&back[i]);
	free(back);
	back = NULL;
	n = 0;
	annotate_read_drafts(&back, &n);
	ok(n == 1 && strcmp(back[0].key, "reply 1a2b") == 0, "the other draft is still kept");
	for (size_t i = 0; i < n; i++)
		annotate_draft_clear(&back[i]);
	free(back);
	is_int(annotate_forget_draft(path, "reply 1a2b", "me too\ndraft: not a new draft\nnote: 3 bytes",
				     &err), GL_OK, "the last draft is forgotten");
	ok(access(path, F_OK) != 0, "and the file with no draft left is removed");

	/* A file of an older gloss (no key, no counts) is passed over and
	   never changed. */
	char *old = xasprintf("%s/gloss/drafts-20240101T000000Z-1.txt", dir);
	const char *old_text = "# gloss: note drafts\n\ndraft: a page note on X\nnote:\nhello\n";
	gl_write_file_atomic(old, old_text, strlen(old_text), 0600, &err);
	back = NULL;
	n = 0;
	annotate_read_drafts(&back, &n);
	is_int((long long)n, 0, "a drafts file without keys is not read back");
	free(back);
	char *kept = NULL;
	ok(gl_read_file(old, &kept, &len, 1 << 20, &err) == GL_OK && strcmp(kept, old_text) == 0,
	   "and is left as it is");
	free(kept);
	unlink(old);
	free(old);
	annotate_draft_clear(&drafts[0]);
	annotate_draft_clear(&drafts[1]);
	free(path);
	free(want_dir);
	char *sub = xasprintf("%s/gloss", dir);
	rmdir(sub);
	rmdir(dir);
	free(sub);
}

int
main(void)
{
	test_objects();
	test_motion();
	test_word_selection();
	test_tags();
	test_recovery();
	test_drafts_file();
	return tap_done();
}
