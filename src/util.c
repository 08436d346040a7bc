/* util: allocation, buffers, status codes, atomic file writes. */
#include "config.h"

#include "gloss/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ allocation */

static GL_NORETURN void
out_of_memory(size_t n)
{
	/* No allocation here: this is the path taken when there is none. */
	fprintf(stderr, "gloss: out of memory (asked for %zu bytes)\n", n);
	exit(GL_EXIT_NOMEM);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *
xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

void *
xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return xrealloc(p, count * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b, NULL);
}

/* --------------------------------------------------------------- buffers */

void
buf_reserve(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		out_of_memory(SIZE_MAX);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_append(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n < sizeof small) {
		buf_append(b, small, (size_t)n);
	} else {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *
buf_steal(struct buf *b, size_t *len)
{
	char *p = b->data ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ----------------------------------------------------------- status codes */

static const struct {
	const char *name;
	int code;
	const char *text;
} status_table[] = {
#define GL_STATUS_ROW(name, code, text) { #name, code, text },
	GL_STATUS_INFO(GL_STATUS_ROW)
#undef GL_STATUS_ROW
};

int
gl_status_exit_code(enum gl_status s)
{
	return (unsigned)s < GL_STATUS_COUNT ? status_table[s].code : 1;
}

const char *
gl_status_text(enum gl_status s)
{
	return (unsigned)s < GL_STATUS_COUNT ? status_table[s].text : "error";
}

const char *
gl_status_name(enum gl_status s)
{
	return (unsigned)s < GL_STATUS_COUNT ? status_table[s].name : "ERROR";
}

enum gl_status
gl_fail(struct gl_error *err, enum gl_status status, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
		err->status = status;
	}
	return status;
}

void
gl_error_clear(struct gl_error *err)
{
	if (err) {
		err->status = GL_OK;
		err->message[0] = '\0';
	}
}

/* ---------------------------------------------------------- atomic writes */

static enum gl_status
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == ENOSPC || errno == EDQUOT ? GL_STORE_FULL : GL_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return GL_OK;
}

static void
fsync_parent_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd); /* best effort: some file systems refuse it */
		close(fd);
	}
	free(copy);
}

enum gl_status
gl_write_file_atomic(const char *path, const void *data, size_t n,
		     unsigned mode, struct gl_error *err)
{
	struct stat st;
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		enum gl_status s = gl_fail(err, errno == ENOSPC ? GL_STORE_FULL : GL_IO,
					   "cannot create a file beside %s: %s",
					   path, strerror(errno));
		free(tmp);
		return s;
	}
	enum gl_status s = write_all(fd, data, n);
	int saved = errno;
	if (s == GL_OK && fchmod(fd, (mode_t)mode) != 0)
		(void)0; /* keep mkstemp's 0600 if the mode cannot be set */
	if (s == GL_OK && fsync(fd) != 0) {
		saved = errno;
		s = GL_IO;
	}
	if (close(fd) != 0 && s == GL_OK) {
		saved = errno;
		s = GL_IO;
	}
	if (s == GL_OK && rename(tmp, path) != 0) {
		saved = errno;
		s = GL_IO;
	}
	if (s != GL_OK) {
		unlink(tmp);
		gl_fail(err, s, "cannot write %s: %s", path, strerror(saved));
		free(tmp);
		return s;
	}
	free(tmp);
	fsync_parent_dir(path);
	return GL_OK;
}

enum gl_status
gl_read_file(const char *path, char **out, size_t *len, size_t max,
	     struct gl_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gl_fail(err, errno == ENOENT ? GL_NOT_FOUND : GL_UNREADABLE,
			       "cannot open %s: %s", path, strerror(errno));
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + r > max) {
			fclose(f);
			buf_free(&b);
			return gl_fail(err, GL_TOO_LARGE, "%s is larger than %zu bytes",
				       path, max);
		}
		buf_append(&b, chunk, r);
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		buf_free(&b);
		return gl_fail(err, GL_IO, "cannot read %s", path);
	}
	*out = buf_steal(&b, len);
	return GL_OK;
}

/* -------------------------------------------------------------- misc */

enum gl_status
gl_mkdir_p(const char *path, unsigned mode, struct gl_error *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
				enum gl_status st = gl_fail(err, GL_IO, "cannot create %s: %s",
							    p, strerror(errno));
				free(p);
				return st;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return GL_OK;
}

char *
gl_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)la, a, b);
}

bool
gl_parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Reads exactly `digits` decimal digits. */
static bool
read_number(const char **p, int digits, int *out)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += digits;
	*out = v;
	return true;
}

bool
gl_parse_time(const char *s, char out[21])
{
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	const char *p = s;
	if (!s || !read_number(&p, 4, &y) || *p++ != '-' || !read_number(&p, 2, &mo) ||
	    *p++ != '-' || !read_number(&p, 2, &d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!read_number(&p, 2, &h) || *p++ != ':' || !read_number(&p, 2, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!read_number(&p, 2, &sec))
				return false;
			if (*p == '.' || *p == ',') {
				p++;
				if (*p < '0' || *p > '9')
					return false;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			if (!read_number(&p, 2, &oh))
				return false;
			if (*p == ':')
				p++;
			if (!read_number(&p, 2, &om) || oh > 23 || om > 59)
				return false;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	if (sec == 60)
		sec = 59;   /* a leap second: the store's times have none */
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d ||
	    back.tm_mon != mo - 1)
		return false;   /* 31 April, 29 February of a common year */
	t -= off;
	if (!gmtime_r(&t, &back) || back.tm_year + 1900 < 0 || back.tm_year + 1900 > 9999)
		return false;
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &back);
	return true;
}
