/* fetch: a web page's bytes by its URL, for doc_load (part of the doc
 * module; src/doc-fetch.c, the only user of libcurl).
 *
 * http and https only, redirects included (at most DOC_FETCH_MAX_REDIRECTS,
 * never to another scheme); gzip and deflate accepted and undone; the body
 * bounded in size (after decompression) and the whole transfer in time;
 * only the media types gloss reads accepted, checked before the body is
 * read.  Nothing here touches the terminal but the optional progress line
 * on stderr, which is erased before returning. */
#ifndef GLOSS_FETCH_H
#define GLOSS_FETCH_H

#include "gloss/doc.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

#define DOC_FETCH_MAX_REDIRECTS 10

struct doc_fetch_options {
	const char *url;     /* http:// or https:// */
	size_t max_size;     /* body bytes; 0: DOC_HTML_DEFAULT_MAX_SIZE */
	long timeout;        /* seconds for all of it; 0: DOC_DEFAULT_TIMEOUT */
	bool progress;       /* see doc_load_options.progress */
	bool any_text;       /* accept any other text/... type too (--format given) */
};

struct doc_fetched {
	struct buf body;     /* the bytes, as the server sent them (decoded
				from gzip/deflate); NUL-terminated */
	char *url;           /* the final URL, after redirects */
	char *media_type;    /* lower case, without parameters ("text/html"),
				or "" when the server sent none */
	char *charset;       /* the charset parameter as sent, or NULL */
	long status;         /* the HTTP status (200...) */
};

/* Fetches opt->url.  Accepted types: text/html, application/xhtml+xml,
 * text/plain, text/markdown, text/x-markdown, any other text/... type with
 * opt->any_text, and no type at all (the caller sniffs).  On failure a
 * one-line message (the URL terminal-safe in it):
 *   GL_USAGE          not an http(s) URL, or malformed
 *   GL_NETWORK        name not resolved, no connection, TLS, the time
 *                     limit, too many redirects, a transfer error, or an
 *                     HTTP status of 400 or more
 *   GL_CONTENT_TYPE   another media type (application/pdf, image/png...)
 *   GL_TOO_LARGE      a body over opt->max_size
 * On GL_OK the caller owns *out: free it with doc_fetched_clear. */
enum gl_status doc_fetch(const struct doc_fetch_options *opt,
			 struct doc_fetched *out, struct gl_error *err);
void doc_fetched_clear(struct doc_fetched *f);

#endif
