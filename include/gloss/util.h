/* util: allocation that aborts on out-of-memory, growable byte buffers,
 * status codes with user-readable messages, atomic file writes.
 *
 * Every other module uses these; this one uses libc only. */
#ifndef GLOSS_UTIL_H
#define GLOSS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define GL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GL_NORETURN __attribute__((noreturn))
#else
#define GL_PRINTF(f, a)
#define GL_NORETURN
#endif

#define GL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ allocation
 * These never return NULL: on out-of-memory they print one line and exit
 * with GL_EXIT_NOMEM.  Free with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of `count` elements of `size` bytes, checking overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) GL_PRINTF(1, 2);

/* --------------------------------------------------------------- buffers
 * A growable byte buffer.  `data` is always NUL-terminated after any
 * append (the NUL is not counted in `len`), so it can be used as a string.
 * A zeroed struct is an empty buffer. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
#define BUF_INIT { NULL, 0, 0 }

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) GL_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Empties the buffer but keeps its memory. */
void buf_clear(struct buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer.
 * Never NULL: an empty buffer gives "". */
char *buf_steal(struct buf *b, size_t *len);
void buf_free(struct buf *b);

/* Gives the memory of the whole pages inside [p, p + n) back to the
 * system, for a large input read once from front to back (a file being
 * normalised): the caller owns the buffer, never reads those bytes again
 * (they may read as zero) and frees the buffer as usual.  Does nothing
 * where the system cannot (no madvise).  Never fails. */
void gl_release_pages(void *p, size_t n);

/* ----------------------------------------------------------- status codes
 * One list: the status, the exit status `main` gives it, and a short
 * description.  The exit statuses are documented in gloss(1); keep them
 * stable. */
#define GL_STATUS_INFO(_) \
	_(OK,             0, "success") \
	_(ERROR,          1, "error") \
	_(USAGE,          2, "wrong usage") \
	_(NOT_FOUND,      3, "no such file") \
	_(UNREADABLE,     4, "cannot read the file") \
	_(NOT_REGULAR,    5, "not a regular file") \
	_(BINARY,         6, "binary file") \
	_(TOO_LARGE,      7, "file too large") \
	_(ENCODING,       8, "cannot decode the text") \
	_(IO,             9, "input/output error") \
	_(STORE,         10, "annotation store error") \
	_(STORE_BUSY,    11, "annotation store busy") \
	_(STORE_READONLY,12, "annotation store is read-only") \
	_(STORE_NEWER,   13, "annotation store made by a newer gloss") \
	_(STORE_FULL,    14, "disk or annotation store full") \
	_(DENIED,        15, "not allowed") \
	_(NO_MATCH,      16, "nothing matches") \
	_(CONFIG,        17, "configuration error") \
	_(TERMINAL,      18, "terminal error") \
	_(NETWORK,       19, "network error") \
	_(CONTENT_TYPE,  20, "not a page gloss reads") \
	_(NO_LIBRARY,    21, "a library gloss needs cannot be loaded")

enum gl_status {
#define GL_STATUS_ENUM(name, code, text) GL_##name,
	GL_STATUS_INFO(GL_STATUS_ENUM)
#undef GL_STATUS_ENUM
	GL_STATUS_COUNT
};

/* Exit status for out-of-memory (from x*alloc) and for a signal. */
#define GL_EXIT_NOMEM 70
#define GL_EXIT_SIGNAL_BASE 128

int gl_status_exit_code(enum gl_status s);
const char *gl_status_text(enum gl_status s);
const char *gl_status_name(enum gl_status s);

/* An error: a status plus a one-line message a user can read.  Functions
 * that can fail take a `struct gl_error *` (which may be NULL when the
 * caller does not care) and return the status. */
struct gl_error {
	enum gl_status status;
	char message[1024];
};

/* Sets err (if not NULL) and returns `status`.  The message should not end
 * in a newline; it is shown after "gloss: ". */
enum gl_status gl_fail(struct gl_error *err, enum gl_status status,
		       const char *fmt, ...) GL_PRINTF(3, 4);
void gl_error_clear(struct gl_error *err);

/* Loads the shared library `soname` (dlopen) and sets addrs[i] to the
 * address of its function names[i], for i < n: for a library only a rare
 * task uses, so that other runs never pay for loading it.  `task` says
 * what needs it, for the message ("opening a URL").  The library stays
 * loaded until the process ends.  Errors: GL_NO_LIBRARY when it cannot be
 * loaded or lacks one of the functions (addrs is then unchanged). */
enum gl_status gl_load_library(const char *soname, const char *task,
			       const char *const names[], void *addrs[], size_t n,
			       struct gl_error *err);

/* ---------------------------------------------------------- atomic writes
 * Writes `n` bytes to `path` atomically: a temporary file in the same
 * directory, fsync, rename over `path`, fsync of the directory.  A failure
 * leaves any old file untouched and no temporary behind.  `mode` applies
 * to a new file (an existing file keeps its mode). */
enum gl_status gl_write_file_atomic(const char *path, const void *data, size_t n,
				    unsigned mode, struct gl_error *err);

/* Reads a whole regular file; `*out` is NUL-terminated, caller frees. */
enum gl_status gl_read_file(const char *path, char **out, size_t *len,
			    size_t max, struct gl_error *err);

/* -------------------------------------------------------------- misc */
/* Creates a directory and its parents with `mode` (like mkdir -p). */
enum gl_status gl_mkdir_p(const char *path, unsigned mode, struct gl_error *err);
/* Joins two path parts with one '/'; caller frees. */
char *gl_path_join(const char *a, const char *b);
/* Parses a whole decimal number in [min, max]; false if it is not one. */
bool gl_parse_long(const char *s, long min, long max, long *out);
/* Parses an ISO 8601 date or time into the form the store keeps,
 * "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with the NUL, written to out):
 * "YYYY-MM-DD" (midnight UTC), or "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z",
 * a "+HH:MM" / "-HH:MM" / "+HHMM" offset (converted to UTC) or nothing
 * (UTC); a space may stand for the T, fractions of a second are dropped.
 * False when s is not such a time or not a real date (31 April). */
bool gl_parse_time(const char *s, char out[21]);

/* ------------------------------------------------------------- YAML
 * The little YAML gloss writes (the front matter of its Markdown export)
 * and reads back (front matter at the start of a Markdown article): one
 * scalar at a time, so that what one writes the other reads. */
/* Appends s[0, n) as a YAML double-quoted scalar: "...", with \\ \" and
 * LF and tab as \n \t; other bytes as they are (a caller that must keep
 * control characters out makes them visible first). */
void gl_yaml_put_quoted(struct buf *out, const char *s, size_t n);
/* Reads the value part of a one-line "key: value" (s[0, n), the spaces
 * after the colon included or not): double-quoted (the escapes of YAML
 * 1.2: \\ \" \/ \n \t \r \e \a \b \f \v \xHH \uHHHH \UHHHHHHHH, \ and
 * a space), single-quoted ('' is one '), or plain (a comment after " #"
 * and the spaces around the value dropped).  Appends the value to out and
 * returns true; returns false, out unchanged, when it is not a scalar
 * gloss reads on one line: an unclosed quote, text after the closing
 * quote, a bad escape, an escape for NUL, a surrogate or past U+10FFFF, a
 * flow collection ([...] {...}), a block scalar (| >), an alias or tag
 * (* & !). */
bool gl_yaml_scalar(const char *s, size_t n, struct buf *out);

#endif
