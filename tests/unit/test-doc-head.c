/* doc_load_head, doc_load_tail and the large-file path of doc_load: what
 * a reader of a large article relies on when gloss shows its start (or,
 * for G, its end) before the rest is read.  The head must be the start of the whole text (so a place on the
 * screen stays a place in the article), refuse what it cannot stand for,
 * and loading a large file piece by piece (to keep memory near the
 * file's size) must give the very text loading it in one go gives. */
#include "config.h"

#include "gloss/doc.h"
#include "gloss/u8.h"
#include "../tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAD ((size_t)64 * 1024)

static char tmpdir[256];
static char made[24][512];
static size_t nmade;

static const char *
write_file(const char *name, const char *data, size_t n)
{
	char *path = made[nmade++];
	snprintf(path, sizeof made[0], "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	if (!f || (n && fwrite(data, 1, n, f) != n)) {
		printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fclose(f);
	return path;
}

/* Paragraphs of CJK and Latin text, one a line, to at least `size` bytes;
 * each line numbered, so a wrong cut shows. */
static void
make_article(struct buf *b, size_t size, bool blank_lines)
{
	buf_puts(b, "標題：一篇很長的文章\n");
	for (unsigned i = 1; b->len < size; i++) {
		if (blank_lines)
			buf_putc(b, '\n');
		buf_printf(b, "第%u段，「夜市」的攤販說：今天的客人比較少。Line %u of the text.\n", i, i);
	}
}

static struct doc *
load_whole(const char *path)
{
	struct doc_load_options opt = { .path = path };
	struct doc *d = NULL;
	struct gl_error err;
	if (doc_load(&opt, &d, &err) != GL_OK) {
		printf("Bail out! %s\n", err.message);
		exit(1);
	}
	return d;
}

static void
test_head_is_the_start(bool blank_lines)
{
	const char *what = blank_lines ? "paragraphs between blank lines" : "a paragraph a line";
	struct buf b = BUF_INIT;
	make_article(&b, 5 * HEAD, blank_lines);
	const char *path = write_file(blank_lines ? "blank.txt" : "lines.txt", b.data, b.len);
	struct doc_load_options opt = { .path = path };
	struct doc *head = doc_load_head(&opt, HEAD);
	ok(head != NULL, "%s: a file five times the head gets a head", what);
	struct doc *whole = load_whole(path);
	if (head) {
		size_t hl, wl;
		const char *ht = doc_text(head, &hl);
		const char *wt = doc_text(whole, &wl);
		ok(hl > HEAD / 2 && hl <= HEAD, "%s: the head holds most of the bytes asked for (%zu)", what, hl);
		ok(hl < wl && memcmp(ht, wt, hl) == 0,
		   "%s: the head's text is the start of the whole text, so offsets on screen hold", what);
		ok(ht[hl - 1] != '\n' && wt[hl] == '\n',
		   "%s: the head ends where a paragraph of the whole ends", what);
		is_str(doc_title(head), doc_title(whole), "%s: the head has the article's title", what);
		ok(doc_block_count(head) < doc_block_count(whole),
		   "%s: the head has fewer paragraphs than the whole", what);
	}
	doc_free(head);
	doc_free(whole);
	buf_free(&b);
}

static void
test_tail_is_the_end(bool blank_lines)
{
	const char *what = blank_lines ? "paragraphs between blank lines" : "a paragraph a line";
	struct buf b = BUF_INIT;
	make_article(&b, 5 * HEAD, blank_lines);
	const char *path = write_file(blank_lines ? "tail-blank.txt" : "tail-lines.txt", b.data, b.len);
	struct doc_load_options opt = { .path = path };
	struct doc *tail = doc_load_tail(&opt, HEAD);
	ok(tail != NULL, "%s: a file five times the tail gets a tail (for G while it loads)", what);
	struct doc *whole = load_whole(path);
	if (tail) {
		size_t tl, wl;
		const char *tt = doc_text(tail, &tl);
		const char *wt = doc_text(whole, &wl);
		ok(tl > HEAD / 2 && tl < HEAD, "%s: the tail holds most of the bytes asked for (%zu)", what, tl);
		ok(tl < wl && memcmp(tt, wt + wl - tl, tl) == 0,
		   "%s: the tail's text is the end of the whole text, so its places map onto the whole", what);
		ok(wt[wl - tl - 1] == '\n', "%s: the tail starts where a paragraph of the whole starts", what);
	}
	opt.path = write_file("tail-small.txt", b.data, 2 * HEAD);
	struct doc *d = doc_load_tail(&opt, HEAD);
	ok(d == NULL, "%s: a file not over twice the tail gets none", what);
	doc_free(d);
	doc_free(tail);
	doc_free(whole);
	buf_free(&b);
}

static void
test_head_refusals(void)
{
	struct buf b = BUF_INIT;
	make_article(&b, 5 * HEAD, false);
	struct doc_load_options opt = { 0 };
	struct doc *d;

	opt.path = write_file("small.txt", b.data, HEAD);
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "a file not over twice the head is loaded whole");
	doc_free(d);

	opt.path = write_file("notes.md", b.data, b.len);
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "Markdown is loaded whole (a cut could split its markup)");
	doc_free(d);

	opt.path = write_file("plain.txt", b.data, b.len);
	opt.format = DOC_FORMAT_HTML;
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "--format html is loaded whole");
	doc_free(d);
	opt.format = DOC_FORMAT_AUTO;

	opt.encoding = "UTF-8";
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "a named encoding is loaded whole");
	doc_free(d);
	opt.encoding = NULL;

	opt.path = "-";
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "standard input is loaded whole");
	doc_free(d);
	opt.path = NULL;
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "no path (standard input) is loaded whole");
	doc_free(d);

	/* Big5 bytes in the head: not UTF-8, the whole file decides. */
	struct buf legacy = BUF_INIT;
	buf_append(&legacy, b.data, b.len);
	memcpy(legacy.data + 100, "\xA4\xA4\xA4\xE5", 4);
	opt.path = write_file("big5ish.txt", legacy.data, legacy.len);
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "a head that is not valid UTF-8 is loaded whole");
	doc_free(d);

	memcpy(legacy.data + 100, "a\0bc", 4);
	opt.path = write_file("nul.txt", legacy.data, legacy.len);
	ok((d = doc_load_head(&opt, HEAD)) == NULL,
	   "a binary-looking head gives no head (the whole load says it is binary)");
	doc_free(d);

	struct buf one_line = BUF_INIT;
	for (size_t i = 0; i < 3 * HEAD / 8; i++)
		buf_puts(&one_line, "abcdefg ");
	opt.path = write_file("one-line.txt", one_line.data, one_line.len);
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "a head with no line break is not cut");
	doc_free(d);

	opt.path = "/nonexistent/gloss/article.txt";
	ok((d = doc_load_head(&opt, HEAD)) == NULL, "a missing file gives no head (doc_load says why)");
	doc_free(d);
	buf_free(&one_line);
	buf_free(&legacy);
	buf_free(&b);
}

/* Over 4 MiB, doc_load normalises a file in pieces cut after an LF and
 * gives their memory back: the text must be the one made in one go from
 * the same bytes (doc_load_bytes), with CRLF, CR, marks that compose
 * after a cut, and bad bytes around the cuts. */
static void
test_pieces_are_seamless(void)
{
	struct buf b = BUF_INIT;
	for (unsigned i = 0; b.len < (size_t)9 * 1024 * 1024; i++) {
		switch (i % 5) {
		case 0: buf_printf(&b, "line %u with CRLF\r\n", i); break;
		case 1: buf_printf(&b, "e\xCC\x81 composes, \xE1\x84\x80\xE1\x85\xA1 too %u\r", i); break;
		case 2: buf_printf(&b, "\xCC\x81 a mark after a break %u\n", i); break;
		case 3: buf_printf(&b, "bad \xFF\xC3 bytes %u\n", i); break;
		default: buf_printf(&b, "「夜市」%u\n", i); break;
		}
	}
	const char *path = write_file("pieces.txt", b.data, b.len);
	struct doc *whole = load_whole(path);
	struct doc_load_options opt = { .path = path };
	struct doc *once = NULL;
	struct gl_error err;
	ok(doc_load_bytes(b.data, b.len, &opt, &once, &err) == GL_OK, "the same bytes load from memory");
	if (once) {
		size_t a, c;
		const char *ta = doc_text(whole, &a);
		const char *tc = doc_text(once, &c);
		ok(a == c && memcmp(ta, tc, a) == 0, "a 9 MiB file normalised in pieces gives the same text");
		is_str(doc_hash(whole), doc_hash(once), "and so the same identity (the store finds it)");
		is_int(doc_info(whole)->replaced, doc_info(once)->replaced, "the same count of replaced bytes");
		is_str(doc_info(whole)->newlines, doc_info(once)->newlines, "the same newline style (mixed)");
		ok(doc_info(whole)->changed_by_nfc && doc_info(once)->changed_by_nfc,
		   "both say NFC changed the text");
		is_int(doc_block_count(whole), doc_block_count(once), "the same paragraphs");
	}
	doc_free(once);
	doc_free(whole);
	buf_free(&b);
}

int
main(void)
{
	alarm(120);
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/gloss-head-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot make a temporary directory\n");
		return 1;
	}
	test_head_is_the_start(false);
	test_head_is_the_start(true);
	test_tail_is_the_end(false);
	test_tail_is_the_end(true);
	test_head_refusals();
	test_pieces_are_seamless();
	for (size_t i = 0; i < nmade; i++)
		unlink(made[i]);
	rmdir(tmpdir);
	return tap_done();
}
