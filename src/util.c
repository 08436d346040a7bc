/* util: allocation, buffers, status codes, atomic file writes. */
#include "config.h"

#include "gloss/util.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
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
gl_release_pages(void *p, size_t n)
{
#if defined(HAVE_MADVISE) && defined(MADV_DONTNEED)
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0 || n == 0)
		return;
	uintptr_t start = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	uintptr_t end = ((uintptr_t)p + n) & ~((uintptr_t)page - 1);
	/* Only pages wholly inside the buffer: their bytes are nobody
	   else's, whatever the allocator keeps around the buffer. */
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_DONTNEED);
#else
	(void)p;
	(void)n;
#endif
}

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

enum gl_status
gl_load_library(const char *soname, const char *task, const char *const names[],
		void *addrs[], size_t n, struct gl_error *err)
{
	/* RTLD_LOCAL: its symbols serve only the pointers filled here. */
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return gl_fail(err, GL_NO_LIBRARY, "%s needs %s, which cannot be loaded: %s",
			       task, soname, dlerror());
	void **found = xcalloc(n ? n : 1, sizeof *found);
	for (size_t i = 0; i < n; i++) {
		found[i] = dlsym(lib, names[i]);
		if (!found[i]) {
			free(found);
			dlclose(lib);
			return gl_fail(err, GL_NO_LIBRARY,
				       "%s needs %s, whose %s is missing (is it too old?)",
				       task, soname, names[i]);
		}
	}
	memcpy(addrs, found, n * sizeof *found);
	free(found);
	return GL_OK;
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

/* ---------------------------------------------------------------- YAML */

void
gl_yaml_put_quoted(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' || c == '"')
			buf_putc(out, '\\');
		if (c == '\n')
			buf_puts(out, "\\n");
		else if (c == '\t')
			buf_puts(out, "\\t");
		else
			buf_putc(out, c);
	}
	buf_putc(out, '"');
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* UTF-8 for a scalar value (libc only here, so not u8_encode). */
static void
put_utf8(struct buf *out, uint32_t cp)
{
	if (cp < 0x80) {
		buf_putc(out, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(out, (char)(0xC0 | (cp >> 6)));
		buf_putc(out, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_putc(out, (char)(0xE0 | (cp >> 12)));
		buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(out, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(out, (char)(0xF0 | (cp >> 18)));
		buf_putc(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(out, (char)(0x80 | (cp & 0x3F)));
	}
}

/* The double-quoted scalar s[1, n) up to its closing quote; the index
 * after that quote, or 0 when it is not a valid one. */
static size_t
yaml_double_quoted(const char *s, size_t n, struct buf *v)
{
	static const char simple_from[] = "\\\"/ ntrabefv0";
	static const char simple_to[] = "\\\"/ \n\t\r\a\b\x1b\f\v";
	size_t i = 1;
	while (i < n && s[i] != '"') {
		if (s[i] != '\\') {
			buf_putc(v, s[i++]);
			continue;
		}
		if (++i >= n)
			return 0;
		char e = s[i++];
		const char *simple = strchr(simple_from, e);
		if (e && simple && e != '0') {
			buf_putc(v, simple_to[simple - simple_from]);
			continue;
		}
		int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
		if (digits == 0 || n - i < (size_t)digits)
			return 0;   /* unknown escape, or \0 (NUL) */
		uint32_t cp = 0;
		for (int k = 0; k < digits; k++) {
			int h = hex_value(s[i++]);
			if (h < 0)
				return 0;
			cp = cp * 16 + (uint32_t)h;
		}
		if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		put_utf8(v, cp);
	}
	return i < n ? i + 1 : 0;
}

bool
gl_yaml_scalar(const char *s, size_t n, struct buf *out)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return true;   /* an empty value */
	if (memchr(s, '\n', n))
		return false;
	struct buf v = BUF_INIT;
	size_t end = 0;
	if (s[0] == '"') {
		end = yaml_double_quoted(s, n, &v);
	} else if (s[0] == '\'') {
		size_t i = 1;
		for (; i < n; i++) {
			if (s[i] != '\'') {
				buf_putc(&v, s[i]);
			} else if (i + 1 < n && s[i + 1] == '\'') {
				buf_putc(&v, '\'');
				i++;
			} else {
				break;
			}
		}
		end = i < n ? i + 1 : 0;
	} else if (strchr("[{|>*&!%@`", s[0])) {
		end = 0;
	} else {
		/* Plain: up to a comment (" #"). */
		size_t len = n;
		for (size_t i = 1; i < n; i++)
			if (s[i] == '#' && (s[i - 1] == ' ' || s[i - 1] == '\t')) {
				len = i;
				break;
			}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		buf_append(&v, s, len);
		end = n;
	}
	if (end > 0 && end < n) {
		/* After a quoted scalar only a comment may follow. */
		size_t i = end;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && !(s[i] == '#' && i > end))
			end = 0;
	}
	if (end == 0) {
		buf_free(&v);
		return false;
	}
	buf_append(out, v.data ? v.data : "", v.len);
	buf_free(&v);
	return true;
}
