/* What the fuzz targets share: reading choices from the front of the
 * input, a check that aborts (so libFuzzer keeps the input), and the
 * invariants every document must keep, whatever bytes it came from.
 * Header only: each target includes it once. */
#ifndef GLOSS_TESTS_FUZZ_H
#define GLOSS_TESTS_FUZZ_H

#include "gloss/doc.h"
#include "gloss/outline.h"
#include "gloss/u8.h"
#include "gloss/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_UNUSED __attribute__((unused))

/* An invariant that failed: say which, then abort so libFuzzer saves the
 * input as a crash. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

/* The input, read from the front: a few bytes of choices, then data. */
struct fuzz_input {
	const uint8_t *p;
	size_t n;
};

FUZZ_UNUSED static unsigned
fuzz_byte(struct fuzz_input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* Up to `max` bytes of data (all that is left when max is 0). */
FUZZ_UNUSED static const char *
fuzz_take(struct fuzz_input *in, size_t max, size_t *len)
{
	size_t n = max && max < in->n ? max : in->n;
	const char *s = (const char *)in->p;
	in->p += n;
	in->n -= n;
	*len = n;
	return s;
}

/* A piece of the input that ends at the next 0xFF byte (dropped), or the
 * rest: a way to cut an input into several strings. */
FUZZ_UNUSED static const char *
fuzz_piece(struct fuzz_input *in, size_t *len)
{
	const uint8_t *ff = memchr(in->p, 0xFF, in->n);
	size_t n = ff ? (size_t)(ff - in->p) : in->n;
	const char *s = (const char *)in->p;
	in->p += n + (ff ? 1 : 0);
	in->n -= n + (ff ? 1 : 0);
	*len = n;
	return s;
}

/* The promises of doc.h about any document: the text is valid UTF-8,
 * NFC, NUL-terminated; blocks are in order, inside the text and separated
 * by exactly one LF; spans are in order, apart, inside one block; offsets
 * convert both ways; the outline points into the text. */
FUZZ_UNUSED static void
fuzz_check_doc(const struct doc *d)
{
	size_t len;
	const char *text = doc_text(d, &len);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(text[len] == '\0');
	FUZZ_CHECK(len == doc_length(d));
	FUZZ_CHECK(u8_is_valid(text, len));
	FUZZ_CHECK(doc_length_cp(d) == u8_count_cp(text, len));
	if (len < 1u << 16) {
		struct buf nfc = BUF_INIT;
		u8_nfc(&nfc, text, len);
		FUZZ_CHECK(nfc.len == len && (len == 0 || memcmp(nfc.data, text, len) == 0));
		buf_free(&nfc);
	}
	const char *title = doc_title(d);
	FUZZ_CHECK(title != NULL && u8_is_valid(title, strlen(title)));
	FUZZ_CHECK(strlen(doc_hash(d)) == 32);

	size_t nblocks = doc_block_count(d);
	for (size_t i = 0; i < nblocks; i++) {
		const struct doc_block *b = doc_block(d, i);
		FUZZ_CHECK(b != NULL);
		FUZZ_CHECK(b->start <= b->end && b->end <= len);
		if (i + 1 < nblocks) {
			const struct doc_block *next = doc_block(d, i + 1);
			FUZZ_CHECK(next->start == b->end + 1);
			FUZZ_CHECK(text[b->end] == '\n');
		} else {
			FUZZ_CHECK(b->end == len);
		}
		if (i == 0)
			FUZZ_CHECK(b->start == 0);
		FUZZ_CHECK(b->marker_len <= b->end - b->start);
		FUZZ_CHECK(doc_block_at(d, b->start) == i);
		FUZZ_CHECK(b->kind != DOC_BLOCK_HEADING || (b->level >= 1 && b->level <= 6));
	}
	FUZZ_CHECK(doc_block(d, nblocks) == NULL);
	FUZZ_CHECK(doc_block_at(d, len + 1) == (nblocks ? nblocks - 1 : 0));

	size_t nspans = doc_span_count(d), last_end = 0;
	for (size_t i = 0; i < nspans; i++) {
		const struct doc_span *sp = doc_span(d, i);
		FUZZ_CHECK(sp->start < sp->end && sp->end <= len);
		FUZZ_CHECK(sp->start >= last_end);
		FUZZ_CHECK(sp->attrs != 0);
		FUZZ_CHECK(!(sp->attrs & DOC_ATTR_LINK) || sp->href != NULL);
		last_end = sp->end;
		size_t b = doc_block_at(d, sp->start);
		const struct doc_block *blk = doc_block(d, b);
		FUZZ_CHECK(blk && sp->start >= blk->start && sp->end <= blk->end);
	}

	/* Code point <-> byte: at every character start of a short text, at
	 * a few places of a long one. */
	size_t step = len < 4096 ? 1 : len / 512;
	size_t cp = 0;
	for (size_t off = 0; off < len;) {
		if ((off / step) * step == off || step == 1) {
			FUZZ_CHECK(doc_byte_to_cp(d, off) == cp);
			FUZZ_CHECK(doc_cp_to_byte(d, cp) == off);
		}
		int32_t c;
		size_t l = u8_decode(text, len, off, &c);
		off += l;
		cp++;
	}
	FUZZ_CHECK(doc_cp_to_byte(d, doc_length_cp(d) + 5) == len);
	FUZZ_CHECK(doc_byte_to_cp(d, len + 5) == doc_length_cp(d));

	struct outline *o = outline_build(d);
	size_t nh = outline_count(o);
	for (size_t i = 0; i < nh; i++) {
		const struct outline_entry *e = outline_entry(o, i);
		FUZZ_CHECK(e->block < nblocks);
		FUZZ_CHECK(e->start <= e->end && e->end <= len);
		FUZZ_CHECK(e->level >= 1);
		FUZZ_CHECK(e->title != NULL);
		FUZZ_CHECK(outline_is_heading_block(o, e->block));
	}
	struct buf out = BUF_INIT;
	outline_format(o, d, &out);
	/* Three fields a line: no control character but the TABs and LFs. */
	size_t tabs = 0, lines = 0;
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];
		FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n');
		FUZZ_CHECK(c != 0x7F);
		tabs += c == '\t';
		lines += c == '\n';
	}
	FUZZ_CHECK(lines == nh && tabs == 2 * nh);
	buf_free(&out);
	outline_free(o);
}

#endif
