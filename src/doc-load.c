/* doc-load: bytes from a file or stdin to one normalised UTF-8 text.
 * Refuses what is not a regular file, what is binary and what is too
 * large; finds the encoding (--encoding, a charset the server or an HTML
 * page's <meta> names, BOM, UTF-8, uchardet) and transcodes with iconv;
 * then u8_normalize_text (U+FFFD, LF, NFC). */
#include "config.h"

#include "doc-internal.h"
#include "gloss/u8.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>
#include <uchardet.h>

/* uchardet's functions, called through `ud_fn`.  With GLOSS_LAZY_LIBS
 * (configure's default) libuchardet is not linked: it is C++, and it
 * and what it brings (libstdc++, libm, libgcc_s) cost every start about
 * half a millisecond in the dynamic loader, while only a text that is
 * not UTF-8 and names no encoding needs it.  So the first such text
 * loads it by its soname (gl_load_library), as doc-html.c does libxml2.
 * Each type is checked against uchardet.h at compile time. */
typedef uchardet_t uchardet_new_fn(void);
typedef int uchardet_handle_data_fn(uchardet_t, const char *, size_t);
typedef void uchardet_data_end_fn(uchardet_t);
typedef const char *uchardet_get_charset_fn(uchardet_t);
typedef void uchardet_delete_fn(uchardet_t);
#define UCHARDET_FUNCTIONS(_) \
	_(uchardet_new) _(uchardet_handle_data) _(uchardet_data_end) \
	_(uchardet_get_charset) _(uchardet_delete)

#define UCHARDET_CHECK_TYPE(name) \
	_Static_assert(_Generic(&name, name##_fn *: 1, default: 0), \
		       #name "'s type is not the one uchardet.h declares");
UCHARDET_FUNCTIONS(UCHARDET_CHECK_TYPE)

static struct {
#define UCHARDET_POINTER(name) name##_fn *name;
	UCHARDET_FUNCTIONS(UCHARDET_POINTER)
} ud_fn
#ifndef GLOSS_LAZY_LIBS
#define UCHARDET_LINKED(name) name,
	= { UCHARDET_FUNCTIONS(UCHARDET_LINKED) }
#endif
	;

static bool uchardet_loaded;

static void
load_uchardet(void)
{
#ifdef GLOSS_LAZY_LIBS
	static const char *const names[] = {
#define UCHARDET_NAME(name) #name,
		UCHARDET_FUNCTIONS(UCHARDET_NAME)
	};
	void *addrs[GL_ARRAY_LEN(names)];
	/* A library that cannot be loaded leaves the guess to UTF-8 (with
	   U+FFFD for what is not): uchardet is one of gloss's package
	   dependencies, so this is a broken installation, not a user's
	   mistake to report on each file. */
	if (gl_load_library(GLOSS_UCHARDET_SONAME, "guessing an encoding", names, addrs,
			    GL_ARRAY_LEN(names), NULL) != GL_OK)
		return;
	size_t i = 0;
#define UCHARDET_SET(name) ud_fn.name = (name##_fn *)addrs[i++];
	UCHARDET_FUNCTIONS(UCHARDET_SET)
#endif
	uchardet_loaded = true;
}

/* Loads libuchardet once, whichever thread guesses first. */
static bool
uchardet_ready(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_uchardet);
	return uchardet_loaded;
}

/* How much of the start of a file the binary test looks at. */
#define SNIFF_BYTES ((size_t)64 * 1024)
/* How much non-ASCII text the encoding guess looks at. */
#define GUESS_BYTES ((size_t)4 * 1024 * 1024)
#define READ_CHUNK ((size_t)64 * 1024)
/* What normalising reads before giving the memory of its input back. */
#define NORMALIZE_PIECE ((size_t)4 * 1024 * 1024)

static const char UTF8_REPLACEMENT[] = "\xEF\xBF\xBD";

/* ------------------------------------------------------------------ BOM */

enum bom_kind { BOM_NONE, BOM_UTF8, BOM_UTF16LE, BOM_UTF16BE, BOM_UTF32LE, BOM_UTF32BE };

static const struct {
	enum bom_kind kind;
	const char *bytes;
	size_t len;
	const char *encoding;   /* as iconv and doc_info name it */
	size_t unit;            /* bytes per code unit */
} boms[] = {
	/* UTF-32LE first: its BOM starts with UTF-16LE's. */
	{ BOM_UTF32LE, "\xFF\xFE\x00\x00", 4, "UTF-32LE", 4 },
	{ BOM_UTF32BE, "\x00\x00\xFE\xFF", 4, "UTF-32BE", 4 },
	{ BOM_UTF8, "\xEF\xBB\xBF", 3, "UTF-8", 1 },
	{ BOM_UTF16LE, "\xFF\xFE", 2, "UTF-16LE", 2 },
	{ BOM_UTF16BE, "\xFE\xFF", 2, "UTF-16BE", 2 },
};

static size_t
find_bom(const char *s, size_t n)
{
	for (size_t i = 0; i < GL_ARRAY_LEN(boms); i++)
		if (n >= boms[i].len && memcmp(s, boms[i].bytes, boms[i].len) == 0)
			return i;
	return GL_ARRAY_LEN(boms);
}

/* An encoding name without case, '-' and '_': "utf_16le" -> "UTF16LE". */
static void
squash_name(const char *name, char *out, size_t cap)
{
	size_t n = 0;
	for (; *name && n + 1 < cap; name++) {
		if (*name == '-' || *name == '_')
			continue;
		out[n++] = (char)((*name >= 'a' && *name <= 'z') ? *name - 'a' + 'A' : *name);
	}
	out[n] = '\0';
}

static bool
is_utf8_name(const char *name)
{
	char sq[32];
	squash_name(name, sq, sizeof sq);
	return strcmp(sq, "UTF8") == 0;
}

/* A UTF-16/32 encoding: its text is full of NUL bytes. */
static bool
is_wide_name(const char *name)
{
	char sq[32];
	squash_name(name, sq, sizeof sq);
	return strncmp(sq, "UTF16", 5) == 0 || strncmp(sq, "UTF32", 5) == 0 ||
	       strncmp(sq, "UCS2", 4) == 0 || strncmp(sq, "UCS4", 4) == 0;
}

/* Does the BOM found belong to the encoding the user named?  "UTF-16"
 * takes either UTF-16 BOM, "UTF-16LE" only its own. */
static bool
bom_matches_name(size_t bom, const char *name)
{
	char sq[32];
	squash_name(name, sq, sizeof sq);
	switch (boms[bom].kind) {
	case BOM_UTF8:
		return strcmp(sq, "UTF8") == 0;
	case BOM_UTF16LE:
		return strcmp(sq, "UTF16") == 0 || strcmp(sq, "UTF16LE") == 0;
	case BOM_UTF16BE:
		return strcmp(sq, "UTF16") == 0 || strcmp(sq, "UTF16BE") == 0;
	case BOM_UTF32LE:
		return strcmp(sq, "UTF32") == 0 || strcmp(sq, "UTF32LE") == 0;
	case BOM_UTF32BE:
		return strcmp(sq, "UTF32") == 0 || strcmp(sq, "UTF32BE") == 0;
	case BOM_NONE:
		break;
	}
	return false;
}

static size_t
code_unit_for_name(const char *name)
{
	char sq[32];
	squash_name(name, sq, sizeof sq);
	if (strncmp(sq, "UTF16", 5) == 0 || strncmp(sq, "UCS2", 4) == 0)
		return 2;
	if (strncmp(sq, "UTF32", 5) == 0 || strncmp(sq, "UCS4", 4) == 0)
		return 4;
	return 1;
}

static char *
upper_copy(const char *s)
{
	char *u = xstrdup(s);
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/* --------------------------------------------------------------- binary */

/* Why the start of a file says it is not text, or NULL. */
static const char *
binary_signature(const unsigned char *s, size_t n)
{
#define STARTS(lit) (n >= sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)
	if (STARTS("\x7f" "ELF"))
		return "an ELF executable";
	if (STARTS("MZ") && n >= 0x40) {
		/* DOS header; e_lfanew at 0x3c points at "PE\0\0". */
		size_t pe = (size_t)s[0x3c] | (size_t)s[0x3d] << 8 |
			    (size_t)s[0x3e] << 16 | (size_t)s[0x3f] << 24;
		if (pe <= n - 4 && memcmp(s + pe, "PE\0\0", 4) == 0)
			return "a Windows executable";
	}
	if (STARTS("\xFE\xED\xFA\xCE") || STARTS("\xFE\xED\xFA\xCF") ||
	    STARTS("\xCE\xFA\xED\xFE") || STARTS("\xCF\xFA\xED\xFE") ||
	    STARTS("\xCA\xFE\xBA\xBE"))
		return "a Mach-O executable";
	if (STARTS("\x89PNG\r\n\x1a\n"))
		return "a PNG image";
	if (STARTS("\xFF\xD8\xFF"))
		return "a JPEG image";
	if (STARTS("GIF87a") || STARTS("GIF89a"))
		return "a GIF image";
	if (STARTS("%PDF-"))
		return "a PDF document";
	if (STARTS("PK\x03\x04") || STARTS("PK\x05\x06") || STARTS("PK\x07\x08"))
		return "a zip archive";
	if (STARTS("\x1f\x8b"))
		return "gzip-compressed";
	if (STARTS("\x28\xB5\x2F\xFD"))
		return "zstd-compressed";
	if (STARTS("\xFD" "7zXZ\x00"))
		return "xz-compressed";
	if (STARTS("7z\xBC\xAF\x27\x1C"))
		return "a 7z archive";
	if (n >= 10 && memcmp(s, "BZh", 3) == 0 && s[3] >= '1' && s[3] <= '9' &&
	    memcmp(s + 4, "1AY&SY", 6) == 0)
		return "bzip2-compressed";
#undef STARTS
	return NULL;
}

static const char *
binary_reason(const char *s, size_t n, const struct doc_load_options *opt)
{
	const char *sig = binary_signature((const unsigned char *)s, n);
	if (sig)
		return sig;
	size_t bom = find_bom(s, n);
	bool wide = (bom < GL_ARRAY_LEN(boms) && boms[bom].unit > 1) ||
		    (opt->encoding && is_wide_name(opt->encoding));
	if (!wide && memchr(s, '\0', n < SNIFF_BYTES ? n : SNIFF_BYTES))
		return "it has NUL bytes";
	return NULL;
}

/* -------------------------------------------------------------- reading */

static enum gl_status
open_failure(struct gl_error *err, const char *name, int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return gl_fail(err, GL_NOT_FOUND, "%s: no such file", name);
	case EACCES:
	case EPERM:
		return gl_fail(err, GL_UNREADABLE, "%s: permission denied", name);
	case ENXIO:
		/* A socket, or a device with nothing behind it. */
		return gl_fail(err, GL_NOT_REGULAR, "%s: not a regular file", name);
	default:
		return gl_fail(err, GL_IO, "%s: cannot open: %s", name, strerror(e));
	}
}

static enum gl_status
not_regular(struct gl_error *err, const char *name, mode_t mode)
{
	const char *what = S_ISDIR(mode) ? "is a directory" :
			   S_ISFIFO(mode) ? "is a named pipe (FIFO), not a regular file" :
			   S_ISCHR(mode) ? "is a character device, not a regular file" :
			   S_ISBLK(mode) ? "is a block device, not a regular file" :
			   S_ISSOCK(mode) ? "is a socket, not a regular file" :
			   "is not a regular file";
	return gl_fail(err, GL_NOT_REGULAR, "%s: %s", name, what);
}

bool
doc_path_is_stream(const char *path)
{
	struct stat st;
	return path && strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
}

/* A FIFO or a character device (bash's <(cmd) is /dev/fd/63, a pipe):
 * opened as cat opens it, waiting for a FIFO's writer, and read to its
 * end like standard input, with no size known beforehand. */
static enum gl_status
open_stream(const char *path, const char *name, int *fd_out, size_t *size_out,
	    struct gl_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return open_failure(err, name, errno);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return gl_fail(err, GL_IO, "%s: %s", name, strerror(e));
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(err, name, st.st_mode);
	}
	*fd_out = fd;
	*size_out = 0;
	return GL_OK;
}

/* Opens a path: a regular file without blocking (the type is checked by
 * stat before opening, and again on the open descriptor), a FIFO or a
 * character device as a stream (open_stream); anything else (a
 * directory, a socket, a block device) is refused. */
static enum gl_status
open_regular(const char *path, const char *name, size_t max, int *fd_out,
	     size_t *size_out, struct gl_error *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return open_failure(err, name, errno);
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
		return open_stream(path, name, fd_out, size_out, err);
	if (!S_ISREG(st.st_mode))
		return not_regular(err, name, st.st_mode);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return open_failure(err, name, errno);
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return gl_fail(err, GL_IO, "%s: %s", name, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(err, name, st.st_mode);
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	if ((unsigned long long)st.st_size > (unsigned long long)max) {
		close(fd);
		return gl_fail(err, GL_TOO_LARGE, "%s: too large (%lld bytes; the limit is %zu)",
			       name, (long long)st.st_size, max);
	}
#ifdef HAVE_POSIX_FADVISE
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	*fd_out = fd;
	*size_out = (size_t)st.st_size;
	return GL_OK;
}

/* Reads fd to its end into raw, refusing a binary start (unless allowed)
 * as soon as the first 64 KiB are in, and anything over max. */
static enum gl_status
read_all(int fd, const char *name, size_t max, size_t size_hint,
	 const struct doc_load_options *opt, struct buf *raw,
	 const char **binary, struct gl_error *err)
{
	if (size_hint > 0) {
		/* The exact size (and one byte to see the end), not a power of
		 * two: a big file should cost its size once. */
		raw->cap = size_hint + 2;
		raw->data = xmalloc(raw->cap);
		raw->data[0] = '\0';
	}
	bool sniffed = false;
	*binary = NULL;
	for (;;) {
		if (raw->cap == 0 || raw->cap - raw->len - 1 == 0)
			buf_reserve(raw, raw->len < READ_CHUNK ? READ_CHUNK : raw->len / 2);
		size_t room = raw->cap - raw->len - 1;
		if (room > max - raw->len + 1)
			room = max - raw->len + 1;  /* one more than allowed shows an overflow */
		ssize_t got = read(fd, raw->data + raw->len, room);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* stdin left non-blocking by whoever gave it. */
				struct pollfd p = { .fd = fd, .events = POLLIN };
				(void)poll(&p, 1, -1);
				continue;
			}
			if (errno == EISDIR)
				return gl_fail(err, GL_NOT_REGULAR, "%s: is a directory", name);
			return gl_fail(err, GL_IO, "%s: read error: %s", name, strerror(errno));
		}
		if (got == 0)
			break;
		raw->len += (size_t)got;
		raw->data[raw->len] = '\0';
		if (raw->len > max)
			return gl_fail(err, GL_TOO_LARGE, "%s: too large (more than %zu bytes)",
				       name, max);
		if (!sniffed && raw->len >= SNIFF_BYTES) {
			sniffed = true;
			*binary = binary_reason(raw->data, raw->len, opt);
			if (*binary && !opt->allow_binary)
				return gl_fail(err, GL_BINARY,
					       "%s: looks like a binary file (%s); --binary shows it anyway",
					       name, *binary);
		}
	}
	if (!raw->data)
		buf_reserve(raw, 0);
	if (!sniffed) {
		*binary = binary_reason(raw->data, raw->len, opt);
		if (*binary && !opt->allow_binary)
			return gl_fail(err, GL_BINARY,
				       "%s: looks like a binary file (%s); --binary shows it anyway",
				       name, *binary);
	}
	return GL_OK;
}

/* ------------------------------------------------------------- encoding */

/* UTF-8 with a few bad bytes (a truncated file, one stray Latin-1 byte) is
 * still UTF-8: one bad byte for four good multi-byte characters is far
 * more than that, and far less than legacy CJK text has (its byte pairs
 * make valid UTF-8 now and then, but bad bytes outnumber them). */
static bool
mostly_utf8(const char *s, size_t n, size_t from)
{
	size_t end = n - from > GUESS_BYTES ? from + GUESS_BYTES : n;
	size_t good = 0, bad = 0;
	/* The shape of a sequence (a lead byte, then as many continuation
	   bytes as it says) tells UTF-8 from legacy double-byte text, whose
	   pairs seldom have it: decoding each character instead cost a tenth
	   of a millisecond of the first screen of a 7 KiB article. */
	for (size_t i = from; i < end;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len = c >= 0xC2 && c <= 0xDF ? 2 :
			     c >= 0xE0 && c <= 0xEF ? 3 :
			     c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		size_t k = 1;
		while (k < len && i + k < end && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k++;
		if (len && k == len) {
			good++;
			i += len;
		} else {
			bad++;
			i++;
		}
	}
	return good > 0 && bad * 4 <= good;
}

static size_t
first_non_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return i;
	return n;
}

/* uchardet's guess (owned, upper case) or NULL. */
static char *
guess_encoding(const char *s, size_t n, size_t from)
{
	/* The ASCII before the first other byte says nothing; keep a little
	 * of it for context. */
	size_t start = from > 1024 ? from - 1024 : 0;
	size_t len = n - start > GUESS_BYTES ? GUESS_BYTES : n - start;
	if (!uchardet_ready())
		return NULL;
	uchardet_t ud = ud_fn.uchardet_new();
	if (!ud)
		return NULL;
	char *result = NULL;
	if (ud_fn.uchardet_handle_data(ud, s + start, len) == 0) {
		ud_fn.uchardet_data_end(ud);
		const char *cs = ud_fn.uchardet_get_charset(ud);
		if (cs && *cs)
			result = upper_copy(cs);
	}
	ud_fn.uchardet_delete(ud);
	return result;
}

static bool
iconv_knows(const char *name)
{
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

/* Transcodes in[0, n) from `encoding` to UTF-8 in out.  Undecodable input
 * becomes U+FFFD, one per code unit skipped; an incomplete sequence at the
 * end becomes one. */
static void
transcode(const char *encoding, const char *in, size_t n, size_t unit,
	  struct buf *out, size_t *replaced)
{
	iconv_t cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1) {
		/* Checked before; cannot happen.  Keep the bytes. */
		buf_append(out, in, n);
		return;
	}
	char *inp = (char *)in;
	size_t inleft = n;
	buf_reserve(out, n + n / 2 + 16);
	for (;;) {
		char *outp = out->data + out->len;
		size_t outleft = out->cap - out->len - 1;
		size_t r = inleft ? iconv(cd, &inp, &inleft, &outp, &outleft)
				  : iconv(cd, NULL, NULL, &outp, &outleft);
		int e = errno;
		out->len = (size_t)(outp - out->data);
		out->data[out->len] = '\0';
		if (r != (size_t)-1) {
			if (inleft == 0 && inp == in + n)
				break;
			continue;
		}
		if (e == E2BIG) {
			buf_reserve(out, inleft + inleft / 2 + 64);
			continue;
		}
		if (e == EINVAL) {
			/* Incomplete at the end of the input. */
			buf_append(out, UTF8_REPLACEMENT, 3);
			(*replaced)++;
			inp += inleft;
			inleft = 0;
			continue;
		}
		/* EILSEQ (or anything else): skip one code unit. */
		buf_append(out, UTF8_REPLACEMENT, 3);
		(*replaced)++;
		size_t skip = unit < inleft ? unit : inleft;
		if (skip == 0)
			break;
		inp += skip;
		inleft -= skip;
	}
	iconv_close(cd);
}

static const char *
newline_style(const struct u8_normalize_stats *st)
{
	int kinds = (st->lf > 0) + (st->crlf > 0) + (st->cr > 0);
	if (kinds == 0)
		return "none";
	if (kinds > 1)
		return "mixed";
	return st->lf ? "LF" : st->crlf ? "CRLF" : "CR";
}

/* Normalises s[0, n) into out->text.  With `release`, s is a buffer the
 * caller owns and frees afterwards: it is read in pieces that end after
 * an LF (where nothing composes, no CR LF is split and no bad sequence
 * runs on, so the text is the same as in one go), and the memory of each
 * piece is given back once read, so the input and the text do not both
 * live whole (a 100 MB article costs its size once, not twice). */
static void
normalize_pieces(struct doc_loaded *out, const char *s, size_t n, bool release)
{
	struct u8_normalize_stats st, sum;
	memset(&sum, 0, sizeof sum);
	buf_reserve(&out->text, n + 16);
	size_t pos = 0;
	while (pos < n) {
		size_t end = n;
		if (release && n - pos > NORMALIZE_PIECE) {
			const char *lf = memrchr(s + pos, '\n', NORMALIZE_PIECE);
			if (lf)
				end = (size_t)(lf - s) + 1;
		}
		memset(&st, 0, sizeof st);
		u8_normalize_text(&out->text, s + pos, end - pos, &st);
		sum.replaced += st.replaced;
		sum.crlf += st.crlf;
		sum.cr += st.cr;
		sum.lf += st.lf;
		sum.changed_by_nfc |= st.changed_by_nfc;
		if (release)
			gl_release_pages((char *)s + pos, end - pos);
		pos = end;
	}
	if (!out->text.data)
		buf_reserve(&out->text, 0);
	out->replaced += sum.replaced;
	out->changed_by_nfc = sum.changed_by_nfc;
	out->newlines = newline_style(&sum);
}

static void
normalize(struct doc_loaded *out, const char *s, size_t n)
{
	normalize_pieces(out, s, n, false);
}

void
doc_normalize_into(struct doc_loaded *out, const char *text, size_t n)
{
	memset(out, 0, sizeof *out);
	out->encoding = xstrdup("UTF-8");
	out->source_bytes = n;
	normalize(out, text, n);
}

void
doc_loaded_free(struct doc_loaded *l)
{
	buf_free(&l->text);
	free(l->encoding);
	l->encoding = NULL;
}

/* The encoding a page declares (the server's charset, else for HTML a
 * <meta>), as iconv names it, or NULL.  Declarations that the bytes
 * contradict are passed over: a page whose bytes are valid UTF-8 with
 * non-ASCII in them is UTF-8 whatever it declares (it was saved or served
 * as UTF-8 and kept an old declaration), and a server's "utf-8" on bytes
 * that are not mostly UTF-8 (a server's default over an old page) gives
 * way to the page's <meta> and to detection. */
static char *
declared_encoding(const char *data, size_t len, enum doc_format fmt,
		  const char *charset)
{
	char *enc = NULL;
	if (charset) {
		enc = doc_html_encoding_for_label(charset, false);
		if (enc && (!iconv_knows(enc) ||
			    (is_utf8_name(enc) && !u8_is_valid(data, len) &&
			     !mostly_utf8(data, len, first_non_ascii(data, len))))) {
			free(enc);
			enc = NULL;
		}
	}
	if (!enc && fmt == DOC_FORMAT_HTML) {
		char *label = doc_html_meta_charset(data, len);
		enc = doc_html_encoding_for_label(label, true);
		free(label);
		if (enc && !iconv_knows(enc)) {
			free(enc);
			enc = NULL;
		}
	}
	if (enc && !is_utf8_name(enc) && first_non_ascii(data, len) < len &&
	    u8_is_valid(data, len)) {
		free(enc);
		enc = xstrdup("UTF-8");
	}
	return enc;
}

/* Decides the encoding of data[0, len), transcodes and normalises into
 * out.  `owner`, when not NULL, is the buffer that holds the data: it is
 * freed as soon as the data has been read, so that no more than two
 * copies of the text live at once.  `fmt` is the format the text will be
 * rendered as (for an HTML page's <meta>), `charset` what a server said
 * (or NULL). */
static void
decode(const struct doc_load_options *opt, const char *data, size_t len,
       struct buf *owner, bool looks_binary, enum doc_format fmt,
       const char *charset, struct doc_loaded *out)
{
	size_t bom = find_bom(data, len);
	bool have_bom = bom < GL_ARRAY_LEN(boms);
	size_t skip = 0, unit = 1;
	char *encoding = NULL;
	/* Declared: the server's charset or the page's <meta>; a BOM that
	   says otherwise wins, as in browsers. */
	char *declared = NULL;
	if (!opt->encoding && !looks_binary)
		declared = declared_encoding(data, len, fmt, have_bom ? NULL : charset);
	if (declared && have_bom && !bom_matches_name(bom, declared)) {
		free(declared);
		declared = NULL;
	}
	if (declared) {
		if (have_bom) {
			encoding = xstrdup(boms[bom].encoding);
			skip = boms[bom].len;
			unit = boms[bom].unit;
			out->had_bom = true;
			free(declared);
		} else {
			encoding = declared;
			unit = code_unit_for_name(declared);
		}
	} else if (opt->encoding) {
		if (have_bom && bom_matches_name(bom, opt->encoding)) {
			encoding = xstrdup(boms[bom].encoding);
			skip = boms[bom].len;
			unit = boms[bom].unit;
			out->had_bom = true;
		} else {
			encoding = upper_copy(opt->encoding);
			unit = code_unit_for_name(opt->encoding);
		}
	} else if (have_bom) {
		encoding = xstrdup(boms[bom].encoding);
		skip = boms[bom].len;
		unit = boms[bom].unit;
		out->had_bom = true;
	} else if (looks_binary || mostly_utf8(data, len, first_non_ascii(data, len)) ||
		   u8_is_valid(data, len)) {
		/* mostly_utf8 first: it reads 4 MiB, where a valid text would
		   be read whole before normalising; both mean UTF-8. */
		encoding = xstrdup("UTF-8");
	} else {
		encoding = guess_encoding(data, len, first_non_ascii(data, len));
		if (encoding && strcmp(encoding, "ASCII") != 0 && iconv_knows(encoding)) {
			out->encoding_detected = true;
		} else {
			free(encoding);
			encoding = xstrdup("UTF-8");
		}
	}
	out->encoding = encoding;
	out->source_bytes = len;
	if (is_utf8_name(encoding)) {
		normalize_pieces(out, data + skip, len - skip, owner != NULL);
		if (owner)
			buf_free(owner);
		return;
	}
	struct buf decoded = BUF_INIT;
	size_t replaced = 0;
	transcode(encoding, data + skip, len - skip, unit, &decoded, &replaced);
	if (owner)
		buf_free(owner);
	if (!decoded.data)
		buf_reserve(&decoded, 0);
	out->replaced = replaced;
	normalize(out, decoded.data, decoded.len);
	buf_free(&decoded);
}

static size_t
size_limit(const struct doc_load_options *opt, enum doc_format fmt)
{
	if (opt->max_size)
		return opt->max_size;
	return fmt == DOC_FORMAT_HTML ? DOC_HTML_DEFAULT_MAX_SIZE : DOC_DEFAULT_MAX_SIZE;
}

/* The line of s[0, n) starting at i: its end (the '\n' or n). */
static size_t
line_end(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}

/* s[i, e) is an ATX heading: one to six '#', a space, then text. */
static bool
atx_heading(const char *s, size_t i, size_t e)
{
	size_t k = i;
	while (k < e && k - i < 7 && s[k] == '#')
		k++;
	if (k == i || k - i > 6 || k + 1 >= e || (s[k] != ' ' && s[k] != '\t'))
		return false;
	while (k < e && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
		k++;
	return k < e;
}

/* s[i, e) is Markdown beyond plain prose: a list item ("- ", "* ", "+ ",
 * "1. ", "1) "), a code fence, a heading, a link "[text](" or emphasis
 * ("**word**", "*word*", "_word_" between spaces or punctuation). */
static bool
markdown_line(const char *s, size_t i, size_t e)
{
	size_t k = i;
	while (k < e && k - i < 3 && s[k] == ' ')
		k++;
	if (k + 1 < e && strchr("-*+", s[k]) && s[k + 1] == ' ')
		return true;
	size_t d = k;
	while (d < e && d - k < 9 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d > k && d + 1 < e && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
		return true;
	if (e - k >= 3 && (memcmp(s + k, "```", 3) == 0 || memcmp(s + k, "~~~", 3) == 0))
		return true;
	if (atx_heading(s, k, e))
		return true;
	for (size_t p = k; p < e; p++) {
		if (s[p] == ']' && p + 1 < e && s[p + 1] == '(' && memchr(s + k, '[', p - k))
			return true;
		if (s[p] != '*' && s[p] != '_')
			continue;
		/* An opening mark after a space or line start, a word, the
		   same mark closing it before a space, punctuation or the end. */
		char m = s[p];
		size_t w = p + (p + 1 < e && s[p + 1] == m ? 2 : 1), mark = w - p;
		if ((p > k && s[p - 1] != ' ' && s[p - 1] != '(') || w >= e || s[w] == ' ' ||
		    s[w] == m)
			continue;
		const char *close = memchr(s + w, m, e - w);
		if (!close || close[-1] == ' ')
			continue;
		size_t c = (size_t)(close - s);
		if (c + mark > e || (mark == 2 && s[c + 1] != m))
			continue;
		size_t after = c + mark;
		if (after == e || strchr(" .,;:!?)\r", s[after]))
			return true;
	}
	return false;
}

/* Standard input (or a pipe) that is clearly Markdown: its first line
 * with text is an ATX heading ("# Title") and a later line, in the first
 * SNIFF_BYTES, has Markdown structure of its own (markdown_line).  A
 * plain text that merely starts with a '#' line stays plain. */
static bool
markdown_sniff(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (n > SNIFF_BYTES)
		n = SNIFF_BYTES;
	size_t e = line_end(s, n, i);
	while (i < n) {   /* the first line with text */
		size_t k = i;
		while (k < e && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
			k++;
		if (k < e)
			break;
		i = e + 1;
		e = i < n ? line_end(s, n, i) : n;
	}
	if (i >= n || !atx_heading(s, i, e))
		return false;
	for (i = e + 1; i < n; i = e + 1) {
		e = line_end(s, n, i);
		if (markdown_line(s, i, e))
			return true;
	}
	return false;
}

/* Standard input is HTML when it looks like a page, Markdown when it is
 * clearly Markdown (markdown_sniff), else plain text; an HTML text that
 * only now turned out to be one gets HTML's size limit. */
static enum gl_status
settle_format(const struct doc_load_options *opt, const char *name,
	      const char *data, size_t len, enum doc_format *fmt,
	      struct gl_error *err)
{
	if (*fmt != DOC_FORMAT_AUTO)
		return GL_OK;
	*fmt = doc_html_sniff(data, len) ? DOC_FORMAT_HTML
	       : markdown_sniff(data, len) ? DOC_FORMAT_MARKDOWN : DOC_FORMAT_TEXT;
	size_t max = size_limit(opt, *fmt);
	if (len > max)
		return gl_fail(err, GL_TOO_LARGE,
			       "%s: too large for an HTML page (%zu bytes; the limit is %zu)",
			       name, len, max);
	return GL_OK;
}

enum gl_status
doc_read_and_decode(const struct doc_load_options *opt, enum doc_format *fmt,
		    struct doc_loaded *out, struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	size_t max = size_limit(opt, *fmt);
	bool from_stdin = !opt->path || strcmp(opt->path, "-") == 0;
	/* u8_safe_str's buffers rotate: keep a copy for the messages. */
	char *name = xstrdup(from_stdin ? "standard input" : u8_safe_str(opt->path));
	enum gl_status st = GL_OK;

	if (opt->encoding && (!*opt->encoding || !iconv_knows(opt->encoding))) {
		st = gl_fail(err, GL_ENCODING, "unknown encoding \"%s\" (iconv --list shows the known names)",
			     u8_safe_str(opt->encoding));
		free(name);
		return st;
	}

	int fd = 0;
	size_t size_hint = 0;
	if (from_stdin) {
		struct stat sb;
		if (fstat(0, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				st = not_regular(err, name, sb.st_mode);
			else if (S_ISREG(sb.st_mode) &&
				 (unsigned long long)sb.st_size > (unsigned long long)max)
				st = gl_fail(err, GL_TOO_LARGE,
					     "%s: too large (%lld bytes; the limit is %zu)",
					     name, (long long)sb.st_size, max);
		}
	} else {
		st = open_regular(opt->path, name, max, &fd, &size_hint, err);
	}
	if (st != GL_OK) {
		free(name);
		return st;
	}

	struct buf raw = BUF_INIT;
	const char *binary = NULL;
	st = read_all(fd, name, max, size_hint, opt, &raw, &binary, err);
	if (!from_stdin)
		close(fd);
	if (st == GL_OK)
		st = settle_format(opt, name, raw.data, raw.len, fmt, err);
	free(name);
	if (st != GL_OK) {
		buf_free(&raw);
		return st;
	}
	decode(opt, raw.data, raw.len, &raw, binary != NULL, *fmt, NULL, out);
	return GL_OK;
}

enum gl_status
doc_decode_bytes(const struct doc_load_options *opt, const char *bytes,
		 size_t n, enum doc_format *fmt, const char *charset,
		 struct doc_loaded *out, struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	size_t max = size_limit(opt, *fmt);
	bool from_stdin = !opt->path || strcmp(opt->path, "-") == 0;
	const char *name = from_stdin ? "standard input" : u8_safe_str(opt->path);
	if (!bytes)
		n = 0;
	if (opt->encoding && (!*opt->encoding || !iconv_knows(opt->encoding)))
		return gl_fail(err, GL_ENCODING,
			       "unknown encoding \"%s\" (iconv --list shows the known names)",
			       u8_safe_str(opt->encoding));
	if (n > max)
		return gl_fail(err, GL_TOO_LARGE, "%s: too large (%zu bytes; the limit is %zu)",
			       name, n, max);
	/* The same test as read_all's: on the first SNIFF_BYTES. */
	const char *binary = binary_reason(bytes ? bytes : "", n, opt);
	if (binary && !opt->allow_binary)
		return gl_fail(err, GL_BINARY,
			       "%s: looks like a binary file (%s); --binary shows it anyway",
			       name, binary);
	enum gl_status st = settle_format(opt, name, bytes ? bytes : "", n, fmt, err);
	if (st != GL_OK)
		return st;
	decode(opt, bytes ? bytes : "", n, NULL, binary != NULL, *fmt, charset, out);
	return GL_OK;
}
