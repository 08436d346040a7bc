/* export-json: a W3C Web Annotation AnnotationCollection, written with
 * jansson.
 *
 *   {
 *     "@context": ["http://www.w3.org/ns/anno.jsonld",
 *                  {"gloss": "https://gloss.invalid/ns#"}],
 *     "id": "urn:uuid:...",              (new for each export)
 *     "type": "AnnotationCollection",
 *     "label": TITLE or "gloss export",
 *     "generator": {"type": "Software", "name": "gloss VERSION"},
 *     "generated": TIME,
 *     "total": N,
 *     "gloss:documents": [{"source": ..., "title": ..., "location": ...}],
 *     "first": {"type": "AnnotationPage", "startIndex": 0, "items": [
 *       {"id": "urn:uuid:ID", "type": "Annotation",
 *        "motivation": "commenting" | "tagging" | "highlighting" | "replying",
 *        "created": ..., "modified": ...,
 *        "creator": {"type": "Person", "name": AUTHOR},
 *        "body": [{"type": "TextualBody", "purpose": "commenting",
 *                  "value": NOTE, "format": "text/plain"},
 *                 {"type": "TextualBody", "purpose": "tagging", "value": TAG}],
 *        "target": {"source": "urn:xxh3-128:HASH" (or the URL),
 *                   "selector": [
 *                     {"type": "TextPositionSelector", "start": S, "end": E},
 *                     {"type": "TextQuoteSelector", "exact": ...,
 *                      "prefix": ..., "suffix": ...}]},
 *        "gloss:status": "open" | "resolved", "gloss:style": STYLE,
 *        "gloss:anchor": "exact" | ..., "gloss:private": BOOL},
 *       {... a reply: "motivation": "replying",
 *        "target": "urn:uuid:PARENT-ID" ...}]}
 *   }
 *
 * The envelope is indented; each annotation is one line of compact JSON
 * (half the size of an indented file, and easy to grep).  A page note's
 * target has a source and no selector.  The position
 * counts code points of the NFC text of the version named by the hash
 * (for a URL, "gloss:version" on the target gives that hash).  Threads
 * come in text order, each root followed by its replies. */
#include "config.h"

#include "export-internal.h"
#include "gloss/u8.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL   /* as doc.c: no libxxhash to load */
#include <xxhash.h>

static json_t *
str(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *
textual_body(const char *purpose, const char *value, bool plain)
{
	json_t *b = json_object();
	json_object_set_new(b, "type", json_string("TextualBody"));
	json_object_set_new(b, "purpose", json_string(purpose));
	json_object_set_new(b, "value", str(value));
	if (plain)
		json_object_set_new(b, "format", json_string("text/plain"));
	return b;
}

static char *
urn_uuid(const char *id)
{
	return xasprintf("urn:uuid:%s", id ? id : "");
}

static json_t *
annotation(const struct ex_document *d, const struct store_annotation *a)
{
	json_t *o = json_object();
	char *id = urn_uuid(a->id);
	json_object_set_new(o, "id", json_string(id));
	free(id);
	json_object_set_new(o, "type", json_string("Annotation"));
	bool note = a->note && *a->note;
	const char *motivation = a->parent ? "replying"
				 : note ? "commenting"
				 : a->tag_count ? "tagging" : "highlighting";
	json_object_set_new(o, "motivation", json_string(motivation));
	json_object_set_new(o, "created", str(a->created));
	json_object_set_new(o, "modified", str(a->updated ? a->updated : a->created));
	json_t *creator = json_object();
	json_object_set_new(creator, "type", json_string("Person"));
	json_object_set_new(creator, "name", str(a->author));
	json_object_set_new(o, "creator", creator);

	if (note || a->tag_count) {
		json_t *body = json_array();
		if (note)
			json_array_append_new(body, textual_body("commenting", a->note, true));
		for (size_t i = 0; i < a->tag_count; i++)
			json_array_append_new(body, textual_body("tagging", a->tags[i], false));
		json_object_set_new(o, "body", body);
	}

	if (a->parent) {
		char *parent = urn_uuid(a->parent);
		json_object_set_new(o, "target", json_string(parent));
		free(parent);
	} else {
		json_t *target = json_object();
		char *source = ex_target_source(d, a->version);
		json_object_set_new(target, "source", json_string(source));
		if (ex_source_is_url(d->info.source))
			json_object_set_new(target, "gloss:version", str(a->version));
		free(source);
		if (a->start >= 0) {
			json_t *sel = json_array();
			json_t *pos = json_object();
			json_object_set_new(pos, "type", json_string("TextPositionSelector"));
			json_object_set_new(pos, "start", json_integer(a->start));
			json_object_set_new(pos, "end", json_integer(a->end));
			json_array_append_new(sel, pos);
			json_t *quote = json_object();
			json_object_set_new(quote, "type", json_string("TextQuoteSelector"));
			json_object_set_new(quote, "exact", str(a->exact));
			if (a->prefix)
				json_object_set_new(quote, "prefix", json_string(a->prefix));
			if (a->suffix)
				json_object_set_new(quote, "suffix", json_string(a->suffix));
			json_array_append_new(sel, quote);
			json_object_set_new(target, "selector", sel);
		}
		json_object_set_new(o, "target", target);
	}
	if (!a->parent) {
		json_object_set_new(o, "gloss:status", json_string(store_status_name(a->status)));
		if (a->style)
			json_object_set_new(o, "gloss:style", json_string(a->style));
		if (a->anchor != STORE_ANCHOR_NONE)
			json_object_set_new(o, "gloss:anchor",
					    json_string(store_anchor_state_name(a->anchor)));
	}
	json_object_set_new(o, "gloss:private", json_boolean(a->is_private));
	return o;
}

/* An id for the collection: a version 8 UUID (RFC 9562, made by us) from
 * the export time and the documents, so that two exports of the same
 * thing at the same time get the same id. */
static char *
collection_id(const struct ex_export *x)
{
	XXH3_state_t *h = XXH3_createState();
	if (!h) {
		fputs("gloss: out of memory\n", stderr);
		exit(GL_EXIT_NOMEM);
	}
	XXH3_128bits_reset(h);
	XXH3_128bits_update(h, x->now, strlen(x->now));
	for (size_t i = 0; i < x->ndocs; i++)
		XXH3_128bits_update(h, x->docs[i].info.id, strlen(x->docs[i].info.id) + 1);
	XXH128_hash_t v = XXH3_128bits_digest(h);
	XXH3_freeState(h);
	unsigned char b[16];
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(v.high64 >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(v.low64 >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return xasprintf("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
			 b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
			 b[14], b[15]);
}

/* Appends text, with the code points that could drive a terminal (DEL,
 * C1 and bidirectional controls: what u8_placeholder replaces above
 * ASCII) as \u escapes; the JSON means the same. */
static void
put_terminal_safe(struct buf *out, const char *text, size_t n)
{
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x7f) {
			i++;
			continue;
		}
		int32_t cp;
		size_t len = u8_decode(text, n, i, &cp);
		char ph[16];
		if (u8_placeholder(cp, ph)) {
			buf_append(out, text + run, i - run);
			if (cp > 0xffff)
				buf_printf(out, "\\u%04x\\u%04x",
					   (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
					   (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
			else
				buf_printf(out, "\\u%04x", (unsigned)cp);
			run = i + len;
		}
		i += len;
	}
	buf_append(out, text + run, n - run);
}

/* Dumps j (one line when compact) into out, terminal-safe.  json_dumpb
 * into a reused buffer: a callback per token costs more. */
static enum gl_status
put_json(struct buf *out, struct buf *scratch, json_t *j, size_t flags,
	 struct gl_error *err)
{
	flags |= JSON_PRESERVE_ORDER;
	if (scratch->cap < 4096)
		buf_reserve(scratch, 4096);
	size_t n = json_dumpb(j, scratch->data, scratch->cap, flags);
	if (n > scratch->cap) {
		buf_reserve(scratch, n + 1);
		n = json_dumpb(j, scratch->data, scratch->cap, flags);
	}
	if (n == 0 || n > scratch->cap)
		return gl_fail(err, GL_ERROR, "cannot write the JSON (out of memory, "
			       "or a string that is not UTF-8)");
	put_terminal_safe(out, scratch->data, n);
	return GL_OK;
}

enum gl_status
ex_write_json(struct ex_export *x, struct buf *out, struct gl_error *err)
{
	json_t *root = json_object();
	json_t *context = json_array();
	json_array_append_new(context, json_string("http://www.w3.org/ns/anno.jsonld"));
	json_t *ours = json_object();
	json_object_set_new(ours, "gloss", json_string(EXPORT_GLOSS_NS));
	json_array_append_new(context, ours);
	json_object_set_new(root, "@context", context);
	char *id = collection_id(x);
	json_object_set_new(root, "id", json_string(id));
	free(id);
	json_object_set_new(root, "type", json_string("AnnotationCollection"));
	json_object_set_new(root, "label", str(x->ndocs == 1 ? x->docs[0].info.title
						    : "gloss export"));
	json_t *gen = json_object();
	json_object_set_new(gen, "type", json_string("Software"));
	char *name = xasprintf("gloss %s", PACKAGE_VERSION);
	json_object_set_new(gen, "name", json_string(name));
	free(name);
	json_object_set_new(root, "generator", gen);
	json_object_set_new(root, "generated", json_string(x->now));
	json_object_set_new(root, "total", json_integer((json_int_t)x->total));

	json_t *docs = json_array();
	for (size_t i = 0; i < x->ndocs; i++) {
		const struct ex_document *d = &x->docs[i];
		json_t *o = json_object();
		char *source = ex_target_source(d, d->latest ? d->latest->hash : "");
		json_object_set_new(o, "source", json_string(source));
		free(source);
		json_object_set_new(o, "title", str(d->info.title));
		if (d->info.source)
			json_object_set_new(o, "location", json_string(d->info.source));
		json_array_append_new(docs, o);
	}
	json_object_set_new(root, "gloss:documents", docs);

	/* The envelope is dumped with an empty page; the items are written
	   into it one by one, each on a line of its own: the tree of 100,000
	   annotations is never built at once, and a file of them stays half
	   the size of an indented one. */
	json_t *page = json_object();
	json_object_set_new(page, "type", json_string("AnnotationPage"));
	json_object_set_new(page, "startIndex", json_integer(0));
	json_object_set_new(page, "items", json_array());
	json_object_set_new(root, "first", page);
	struct buf head = BUF_INIT, scratch = BUF_INIT;
	enum gl_status st = put_json(&head, &scratch, root, JSON_INDENT(2), err);
	json_decref(root);
	/* It ends with "items": []\n  }\n}: open the list there. */
	const char *hole = st == GL_OK ? strstr(head.data, "\"items\": []") : NULL;
	if (st == GL_OK && !hole)
		st = gl_fail(err, GL_ERROR, "cannot write the JSON");
	if (st != GL_OK) {
		buf_free(&head);
		buf_free(&scratch);
		return st;
	}
	size_t cut = (size_t)(hole - head.data) + strlen("\"items\": [");
	buf_append(out, head.data, cut);
	bool first = true;
	for (size_t i = 0; i < x->ndocs && st == GL_OK; i++) {
		const struct ex_document *d = &x->docs[i];
		for (size_t t = 0; t < d->nthreads && st == GL_OK; t++) {
			for (size_t k = 0; k < d->threads[t].count && st == GL_OK; k++) {
				json_t *item = annotation(d, d->threads[t].items[k].a);
				buf_puts(out, first ? "\n      " : ",\n      ");
				first = false;
				st = put_json(out, &scratch, item, JSON_COMPACT, err);
				json_decref(item);
				ex_progress(x);
			}
		}
	}
	if (!first)
		buf_puts(out, "\n    ");
	buf_puts(out, head.data + cut);
	buf_free(&head);
	buf_free(&scratch);
	return st;
}
