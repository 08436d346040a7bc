/* doc-fetch: a page by its URL through libcurl (the only file that
 * includes curl).  See fetch.h for the contract.
 *
 * The status and the media type are checked when the first byte of the
 * body arrives (so a large PDF is refused without being downloaded), the
 * size as it arrives (gzip included: the bytes counted are the decoded
 * ones), the time by libcurl.  The progress line is drawn only on a
 * terminal, only after a second, and always erased. */
#include "config.h"

#include "doc-internal.h"
#include "gloss/fetch.h"
#include "gloss/u8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

/* libcurl's functions, called through `lc`.  With GLOSS_LAZY_LIBS
 * (configure's default) libcurl is not linked: it and the thirty-odd
 * libraries it needs (TLS, Kerberos, LDAP, SSH) would cost every start
 * milliseconds, and only a URL uses it; so the first URL loads it by its
 * soname (gl_load_library).  Otherwise `lc` points at the linked
 * functions.  Each type is written out once and checked against curl.h's
 * prototype at compile time, so a mismatch cannot build.  (Calls through
 * `lc` skip curl's GCC type checks of curl_easy_setopt's third argument:
 * those are macros, which would expand inside `lc.curl_easy_setopt(...)`.) */
#undef curl_easy_setopt
#undef curl_easy_getinfo
typedef CURLcode curl_global_init_fn(long);
typedef CURL *curl_easy_init_fn(void);
typedef CURLcode curl_easy_setopt_fn(CURL *, CURLoption, ...);
typedef CURLcode curl_easy_getinfo_fn(CURL *, CURLINFO, ...);
typedef CURLcode curl_easy_perform_fn(CURL *);
typedef void curl_easy_cleanup_fn(CURL *);
typedef const char *curl_easy_strerror_fn(CURLcode);
typedef struct curl_slist *curl_slist_append_fn(struct curl_slist *, const char *);
typedef void curl_slist_free_all_fn(struct curl_slist *);
#define CURL_FUNCTIONS(_) \
	_(curl_global_init) _(curl_easy_init) _(curl_easy_setopt) \
	_(curl_easy_getinfo) _(curl_easy_perform) _(curl_easy_cleanup) \
	_(curl_easy_strerror) _(curl_slist_append) _(curl_slist_free_all)

#define CURL_CHECK_TYPE(name) \
	_Static_assert(_Generic(&name, name##_fn *: 1, default: 0), \
		       #name "'s type is not the one curl.h declares");
CURL_FUNCTIONS(CURL_CHECK_TYPE)

static struct {
#define CURL_POINTER(name) name##_fn *name;
	CURL_FUNCTIONS(CURL_POINTER)
} lc
#ifndef GLOSS_LAZY_LIBS
#define CURL_LINKED(name) name,
	= { CURL_FUNCTIONS(CURL_LINKED) }
#endif
	;

/* The media types gloss reads. */
static const char *const accepted_types[] = {
	"text/html", "application/xhtml+xml", "text/plain",
	"text/markdown", "text/x-markdown",
};

bool
doc_is_url(const char *path)
{
	return path && (strncasecmp(path, "http://", 7) == 0 ||
			strncasecmp(path, "https://", 8) == 0);
}

struct transfer {
	CURL *curl;
	const struct doc_fetch_options *opt;
	const char *name;          /* the URL, terminal-safe, for messages */
	char *shown;               /* the same, cut short for the progress line */
	size_t max;
	long timeout;
	struct buf *body;
	bool checked;              /* status and type seen */
	enum gl_status refusal;    /* why the transfer was stopped, or GL_OK */
	struct gl_error why;
	char reason[96];           /* the last status line's reason phrase */
	/* The progress line. */
	bool tty;
	struct timespec started;
	double last_draw;
	size_t drawn;              /* columns on the line now */
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "text/html; charset=UTF-8" -> "text/html" (lower case) and "UTF-8". */
static void
parse_content_type(const char *ct, char **media, char **charset)
{
	*media = NULL;
	*charset = NULL;
	if (!ct) {
		*media = xstrdup("");
		return;
	}
	while (*ct == ' ' || *ct == '\t')
		ct++;
	size_t n = strcspn(ct, "; \t");
	*media = xstrndup(ct, n);
	for (char *p = *media; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (const char *p = ct + n; (p = strchr(p, ';')) != NULL;) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		char quote = *p == '"' ? *p++ : 0;
		size_t len = quote ? strcspn(p, "\"") : strcspn(p, "; \t");
		if (len > 0 && len < 64)
			*charset = xstrndup(p, len);
		break;
	}
}

static bool
accepted(const char *media, bool any_text)
{
	if (!*media)
		return true;  /* no type: the caller sniffs */
	/* A format named by the user reads any text (text/x-rst as
	   Markdown, say); the binary test still refuses what is not. */
	if (any_text && strncmp(media, "text/", 5) == 0)
		return true;
	for (size_t i = 0; i < GL_ARRAY_LEN(accepted_types); i++)
		if (strcmp(media, accepted_types[i]) == 0)
			return true;
	return false;
}

/* The status and the type of the response whose body is arriving. */
static void
check_response(struct transfer *t)
{
	t->checked = true;
	long code = 0;
	lc.curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 400) {
		t->refusal = gl_fail(&t->why, GL_NETWORK, "%s: the server answered %ld%s%s",
				     t->name, code, t->reason[0] ? " " : "", t->reason);
		return;
	}
	char *ct = NULL, *media, *charset;
	lc.curl_easy_getinfo(t->curl, CURLINFO_CONTENT_TYPE, &ct);
	parse_content_type(ct, &media, &charset);
	if (!accepted(media, t->opt->any_text))
		t->refusal = gl_fail(&t->why, GL_CONTENT_TYPE,
				     "%s: is %s, not a page gloss reads (text/html, "
				     "application/xhtml+xml, text/plain or text/markdown; "
				     "--format reads any text/*)",
				     t->name, u8_safe_str(media));
	free(media);
	free(charset);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	size_t n = size * nmemb;
	if (!t->checked)
		check_response(t);
	if (t->refusal != GL_OK)
		return 0;
	if (n > t->max - t->body->len) {
		t->refusal = gl_fail(&t->why, GL_TOO_LARGE,
				     "%s: too large (more than %zu bytes; --max-size changes the limit)",
				     t->name, t->max);
		return 0;
	}
	buf_append(t->body, data, n);
	return n;
}

/* Keeps the reason phrase of each status line ("HTTP/1.1 404 Not Found");
 * a redirect's is replaced by the next one's. */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	size_t n = size * nmemb;
	if (n > 5 && memcmp(data, "HTTP/", 5) == 0) {
		t->reason[0] = '\0';
		const char *sp = memchr(data, ' ', n);
		const char *sp2 = sp ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - data)) : NULL;
		if (sp2) {
			size_t len = n - (size_t)(sp2 + 1 - data);
			while (len > 0 && (sp2[len] == '\r' || sp2[len] == '\n' || sp2[len] == ' '))
				len--;
			if (len >= sizeof t->reason)
				len = sizeof t->reason - 1;
			memcpy(t->reason, sp2 + 1, len);
			t->reason[len] = '\0';
		}
	}
	return n;
}

static void
erase_progress(struct transfer *t)
{
	if (t->drawn == 0)
		return;
	fprintf(stderr, "\r%*s\r", (int)t->drawn, "");
	fflush(stderr);
	t->drawn = 0;
}

static void
size_text(char *out, size_t cap, curl_off_t bytes)
{
	if (bytes < 10 * 1024)
		snprintf(out, cap, "%ld bytes", (long)bytes);
	else if (bytes < 10 * 1024 * 1024)
		snprintf(out, cap, "%ld KiB", (long)(bytes / 1024));
	else
		snprintf(out, cap, "%ld MiB", (long)(bytes / (1024 * 1024)));
}

static int
on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	    curl_off_t ulnow)
{
	struct transfer *t = user;
	(void)ultotal;
	(void)ulnow;
	if (!t->tty)
		return 0;
	double now = elapsed(&t->started);
	if (now < 1.0 || now - t->last_draw < 0.2)
		return 0;
	t->last_draw = now;
	char got[32], total[32];
	size_text(got, sizeof got, dlnow);
	struct buf line = BUF_INIT;
	buf_printf(&line, "gloss: fetching %s: %s", t->shown, got);
	if (dltotal > 0) {
		size_text(total, sizeof total, dltotal);
		buf_printf(&line, " of %s", total);
	}
	buf_printf(&line, " (%.0f s)", now);
	size_t width = u8_str_width(line.data, line.len);
	fprintf(stderr, "\r%s", line.data);
	if (width < t->drawn)
		fprintf(stderr, "%*s", (int)(t->drawn - width), "");
	fflush(stderr);
	if (width > t->drawn)
		t->drawn = width;
	buf_free(&line);
	return 0;
}

/* The URL cut to at most `cols` columns (with "…"), so that the progress
 * line stays one row and \r can redraw it. */
static char *
shorten(const char *s, size_t cols)
{
	size_t n = strlen(s);
	if (u8_str_width(s, n) <= cols)
		return xstrdup(s);
	size_t at = 0, width = 0;
	while (at < n) {
		size_t next = u8_next_cluster(s, n, at);
		size_t w = u8_str_width(s + at, next - at);
		if (width + w > cols - 1)
			break;
		width += w;
		at = next;
	}
	struct buf b = BUF_INIT;
	buf_append(&b, s, at);
	buf_puts(&b, "\xE2\x80\xA6");
	return buf_steal(&b, NULL);
}

static enum gl_status
transfer_failure(struct transfer *t, CURLcode res, const char *detail,
		 struct gl_error *err)
{
	const char *what = detail && *detail ? detail : lc.curl_easy_strerror(res);
	switch (res) {
	case CURLE_URL_MALFORMAT:
		return gl_fail(err, GL_USAGE, "%s: not a valid URL", t->name);
	case CURLE_OPERATION_TIMEDOUT:
		return gl_fail(err, GL_NETWORK,
			       "%s: no complete answer within %ld seconds (--timeout changes the limit)",
			       t->name, t->timeout);
	case CURLE_TOO_MANY_REDIRECTS:
		return gl_fail(err, GL_NETWORK, "%s: more than %d redirects", t->name,
			       DOC_FETCH_MAX_REDIRECTS);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return gl_fail(err, GL_NETWORK,
			       "%s: redirected to an address gloss does not fetch (only http and https)",
			       t->name);
	case CURLE_FILESIZE_EXCEEDED:
		return gl_fail(err, GL_TOO_LARGE,
			       "%s: too large (more than %zu bytes; --max-size changes the limit)",
			       t->name, t->max);
	case CURLE_COULDNT_RESOLVE_HOST:
		return gl_fail(err, GL_NETWORK, "%s: cannot find the host (%s)", t->name,
			       u8_safe_str(what));
	case CURLE_COULDNT_CONNECT:
		return gl_fail(err, GL_NETWORK, "%s: cannot connect (%s)", t->name,
			       u8_safe_str(what));
	default:
		return gl_fail(err, GL_NETWORK, "%s: %s", t->name, u8_safe_str(what));
	}
}

/* Loads libcurl (once) and starts it. */
static enum gl_status
curl_ready(struct gl_error *err)
{
	static enum gl_status state = GL_STATUS_COUNT;  /* not tried yet */
	static struct gl_error why;
	if (state == GL_STATUS_COUNT) {
#ifdef GLOSS_LAZY_LIBS
		static const char *const names[] = {
#define CURL_NAME(name) #name,
			CURL_FUNCTIONS(CURL_NAME)
		};
		void *addrs[GL_ARRAY_LEN(names)];
		state = gl_load_library(GLOSS_LIBCURL_SONAME, "opening a URL", names,
					addrs, GL_ARRAY_LEN(names), &why);
		size_t i = 0;
#define CURL_SET(name) lc.name = (name##_fn *)addrs[i++];
		if (state == GL_OK) {
			CURL_FUNCTIONS(CURL_SET)
		}
#else
		state = GL_OK;
#endif
		if (state == GL_OK && lc.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			state = gl_fail(&why, GL_NETWORK, "cannot start libcurl");
	}
	if (state != GL_OK && err)
		*err = why;
	return state;
}

void
doc_fetched_clear(struct doc_fetched *f)
{
	buf_free(&f->body);
	free(f->url);
	free(f->media_type);
	free(f->charset);
	memset(f, 0, sizeof *f);
}

enum gl_status
doc_fetch(const struct doc_fetch_options *opt, struct doc_fetched *out,
	  struct gl_error *err)
{
	memset(out, 0, sizeof *out);
	/* u8_safe_str's buffers rotate: keep a copy for the messages. */
	char *name = xstrdup(u8_safe_str(opt->url ? opt->url : ""));
	if (!doc_is_url(opt->url)) {
		enum gl_status st = gl_fail(err, GL_USAGE, "%s: not an http or https URL", name);
		free(name);
		return st;
	}
	enum gl_status ready = curl_ready(err);
	if (ready != GL_OK) {
		free(name);
		return ready;
	}
	CURL *curl = lc.curl_easy_init();
	if (!curl) {
		free(name);
		return gl_fail(err, GL_NETWORK, "cannot start libcurl");
	}
	struct transfer t;
	memset(&t, 0, sizeof t);
	t.curl = curl;
	t.opt = opt;
	t.name = name;
	t.shown = shorten(name, 40);
	t.max = opt->max_size ? opt->max_size : DOC_HTML_DEFAULT_MAX_SIZE;
	t.timeout = opt->timeout > 0 ? opt->timeout : DOC_DEFAULT_TIMEOUT;
	t.body = &out->body;
	t.refusal = GL_OK;
	t.tty = opt->progress && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &t.started);
	char detail[CURL_ERROR_SIZE];
	detail[0] = '\0';

	lc.curl_easy_setopt(curl, CURLOPT_URL, opt->url);
	lc.curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	lc.curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	lc.curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	lc.curl_easy_setopt(curl, CURLOPT_MAXREDIRS, (long)DOC_FETCH_MAX_REDIRECTS);
	lc.curl_easy_setopt(curl, CURLOPT_TIMEOUT, t.timeout);
	lc.curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, t.timeout);
	lc.curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* Every encoding libcurl can undo: gzip, deflate (and br, zstd when
	   it was built with them). */
	lc.curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	lc.curl_easy_setopt(curl, CURLOPT_USERAGENT, "gloss/" PACKAGE_VERSION);
	lc.curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.max);
	lc.curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	lc.curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
	lc.curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	lc.curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
	lc.curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	lc.curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	lc.curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
	lc.curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
	struct curl_slist *headers = lc.curl_slist_append(
		NULL, "Accept: text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8");
	lc.curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

	CURLcode res = lc.curl_easy_perform(curl);
	erase_progress(&t);
	enum gl_status st = GL_OK;
	if (res == CURLE_OK && !t.checked)
		check_response(&t);  /* an empty body */
	if (t.refusal != GL_OK) {
		st = t.refusal;
		if (err)
			*err = t.why;
	} else if (res != CURLE_OK) {
		st = transfer_failure(&t, res, detail, err);
	}
	if (st == GL_OK) {
		char *final = NULL, *ct = NULL;
		long code = 0;
		lc.curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &final);
		lc.curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct);
		lc.curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		out->url = xstrdup(final ? final : opt->url);
		parse_content_type(ct, &out->media_type, &out->charset);
		out->status = code;
		if (!out->body.data)
			buf_reserve(&out->body, 0);
	} else {
		doc_fetched_clear(out);
	}
	lc.curl_slist_free_all(headers);
	lc.curl_easy_cleanup(curl);
	free(t.shown);
	free(name);
	return st;
}
