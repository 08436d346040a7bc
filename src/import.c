/* import: W3C Web Annotation JSON and Hypothesis's API shape into the
 * store, in three steps (import.h): parse and check everything, find the
 * documents and place each annotation on the current text, then write it
 * all in one transaction. */
#include "config.h"

#include "gloss/anchor.h"
#include "gloss/doc.h"
#include "gloss/export.h"
#include "gloss/import.h"
#include "gloss/u8.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#define XXH_INLINE_ALL   /* as doc.c: no libxxhash to load */
#include <xxhash.h>

/* gloss's own terms, compact ("gloss:status") or as full IRIs. */
#define GLOSS_TERM(name) "gloss:" name

struct import_doc {
	char *id;               /* NULL for a fallback (until import_apply) */
	size_t fallback;        /* 1 + its index in the fallbacks, or 0 */
	char *hash;             /* the current version */
	int renderer;
	char *text;             /* owned, unless a fallback's */
	size_t len;
	long long length_cp;
	struct anchor_text *at;
};

struct import_item {
	char *path;             /* where in the file, for messages */
	char id[STORE_ID_LEN + 1];
	/* As read. */
	char *parent_ref;       /* "references" / replying target, raw */
	char *target_string;    /* a target that is only a string */
	char *source;           /* target source */
	char *hash_hint;        /* from urn:xxh3-128: or gloss:version */
	bool has_position;
	long long pos_start, pos_end;
	bool has_quote;
	char *exact, *prefix, *suffix;
	bool has_selector;      /* a usable selector: a highlight */
	char *note;
	char **tags;
	size_t tag_count;
	char *author;           /* NULL: the importing author */
	char created[21], updated[21];
	bool has_created, has_updated;
	enum store_status status;
	char *style;
	bool is_private;
	/* Worked out by import_prepare. */
	bool reply;
	char parent[STORE_ID_LEN + 1];
	size_t parent_index;    /* in the set, or (size_t)-1 */
	bool skip;              /* a reply with no parent anywhere */
	size_t doc;             /* index in set->docs, or (size_t)-1 */
	size_t group;           /* a root's index in the groups of
				   import_prepare (one per text) */
	char *document;         /* for replies to stored parents, and
				   annotations already stored */
	char *version;
	int renderer;
	long long start, end;
	enum store_anchor_state anchor;
	int depth;              /* replies above it in the set */
};

/* Where the file says a text was read from (import_location). */
struct location {
	char *hash, *location, *title;
};

struct import_set {
	char *name;
	struct location *locations;
	size_t nlocations;
	struct import_item *items;
	size_t count;
	size_t *by_id;          /* indices sorted by id */
	struct import_doc *docs;
	size_t ndocs;
	bool prepared;
	const struct import_fallback *fallbacks;
	size_t nfallbacks;
	bool *fallback_used;
	char now[21];
	import_progress_fn progress;
	void *progress_ctx;
	/* Made by import_prepare (stage), before the write lock: what
	   import_apply writes, parents before replies. */
	struct store_annotation *batch;
	size_t *which;          /* batch[k] is items[which[k]] */
	size_t nbatch;
	size_t skipped;
	struct store_import_batch *store_batch;
};

/* ------------------------------------------------------------ helpers */

/* Keeps a message on one line: a value quoted from the file may hold a
 * line break (the printers make the rest of it terminal-safe). */
static enum gl_status
one_line(enum gl_status st, struct gl_error *err)
{
	if (st != GL_OK && err)
		for (char *p = err->message; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	return st;
}

static GL_PRINTF(4, 5) enum gl_status
fault(struct gl_error *err, const char *name, const char *path,
      const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	enum gl_status st = gl_fail(err, GL_USAGE, "%s: at %s: %s", name,
				    path && *path ? path : "the top", b.data);
	buf_free(&b);
	return st;
}

static char *
nfc(const char *s)
{
	struct buf b = BUF_INIT;
	u8_nfc(&b, s, strlen(s));
	return buf_steal(&b, NULL);
}

static bool
has_type(const json_t *o, const char *type)
{
	json_t *t = json_object_get(o, "type");
	if (json_is_string(t))
		return strcmp(json_string_value(t), type) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(t, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), type) == 0)
			return true;
	return false;
}

/* A member under gloss's prefix or its full IRI. */
static json_t *
gloss_member(const json_t *o, const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "gloss:%s", name);
	json_t *v = json_object_get(o, key);
	if (v)
		return v;
	snprintf(key, sizeof key, "%s%s", EXPORT_GLOSS_NS, name);
	return json_object_get(o, key);
}

/* True when s (case-insensitively) is a UUID; writes it lowercase. */
static bool
parse_uuid(const char *s, char out[STORE_ID_LEN + 1])
{
	if (strlen(s) != STORE_ID_LEN)
		return false;
	for (size_t i = 0; i < STORE_ID_LEN; i++) {
		char c = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash) {
			if (c != '-')
				return false;
		} else if (c >= 'A' && c <= 'F') {
			c = (char)(c - 'A' + 'a');
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
		out[i] = c;
	}
	out[STORE_ID_LEN] = '\0';
	return true;
}

void
import_derive_id(const char *foreign, char out[STORE_ID_LEN + 1])
{
	static const char salt[] = "gloss import id";
	XXH3_state_t *h = XXH3_createState();
	if (!h) {
		fputs("gloss: out of memory\n", stderr);
		exit(GL_EXIT_NOMEM);
	}
	XXH3_128bits_reset(h);
	XXH3_128bits_update(h, salt, sizeof salt);
	XXH3_128bits_update(h, foreign, strlen(foreign));
	XXH128_hash_t v = XXH3_128bits_digest(h);
	XXH3_freeState(h);
	unsigned char b[16];
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(v.high64 >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(v.low64 >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);   /* version 8 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 9562 variant */
	snprintf(out, STORE_ID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
		 b[11], b[12], b[13], b[14], b[15]);
}

/* The id gloss gives to an annotation id found in a file. */
static void
map_id(const char *foreign, char out[STORE_ID_LEN + 1])
{
	const char *s = foreign;
	if (strncasecmp(s, "urn:uuid:", 9) == 0)
		s += 9;
	if (!parse_uuid(s, out))
		import_derive_id(foreign, out);
}

/* ------------------------------------------------------------ parsing */

struct parser {
	const char *name;
	struct gl_error *err;
	struct import_set *set;
	size_t cap;
};

static void
item_free(struct import_item *it)
{
	free(it->path);
	free(it->parent_ref);
	free(it->target_string);
	free(it->source);
	free(it->hash_hint);
	free(it->exact);
	free(it->prefix);
	free(it->suffix);
	free(it->note);
	for (size_t i = 0; i < it->tag_count; i++)
		free(it->tags[i]);
	free(it->tags);
	free(it->author);
	free(it->style);
	free(it->document);
	free(it->version);
}

/* An optional string member; a fault when it is there and not a string. */
static enum gl_status
opt_string(struct parser *p, const json_t *o, const char *key, const char *path,
	   const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return GL_OK;
	if (!json_is_string(v))
		return fault(p->err, p->name, path, "\"%s\" must be a string", key);
	*out = json_string_value(v);
	return GL_OK;
}

static enum gl_status
read_time(struct parser *p, const json_t *o, const char *key, const char *path,
	  char out[21], bool *has)
{
	const char *s;
	enum gl_status st = opt_string(p, o, key, path, &s);
	*has = false;
	if (st != GL_OK || !s)
		return st;
	if (!gl_parse_time(s, out))
		return fault(p->err, p->name, path, "\"%s\" is not an ISO 8601 time: "
			     "'%s'", key, s);
	*has = true;
	return GL_OK;
}

/* Reads the selectors of one selector object and what it refines into. */
static enum gl_status
read_selector(struct parser *p, struct import_item *it, const json_t *sel,
	      const char *path, int depth)
{
	if (!json_is_object(sel))
		return fault(p->err, p->name, path, "a selector must be an object");
	if (depth > 8)
		return fault(p->err, p->name, path, "selectors nested too deep");
	if (has_type(sel, "TextQuoteSelector")) {
		const char *exact, *prefix, *suffix;
		enum gl_status st;
		if ((st = opt_string(p, sel, "exact", path, &exact)) != GL_OK ||
		    (st = opt_string(p, sel, "prefix", path, &prefix)) != GL_OK ||
		    (st = opt_string(p, sel, "suffix", path, &suffix)) != GL_OK)
			return st;
		if (!exact)
			return fault(p->err, p->name, path,
				     "a TextQuoteSelector needs \"exact\"");
		if (!it->has_quote) {
			it->has_quote = true;
			it->exact = nfc(exact);
			it->prefix = prefix ? nfc(prefix) : NULL;
			it->suffix = suffix ? nfc(suffix) : NULL;
		}
	} else if (has_type(sel, "TextPositionSelector")) {
		json_t *s = json_object_get(sel, "start"), *e = json_object_get(sel, "end");
		if (!json_is_integer(s) || !json_is_integer(e) ||
		    json_integer_value(s) < 0 ||
		    json_integer_value(s) > json_integer_value(e))
			return fault(p->err, p->name, path, "a TextPositionSelector needs "
				     "whole numbers 0 <= start <= end");
		if (!it->has_position) {
			it->has_position = true;
			it->pos_start = json_integer_value(s);
			it->pos_end = json_integer_value(e);
		}
	}
	/* Other kinds (RangeSelector, XPathSelector, ...) say nothing gloss
	   can use; what they refine may. */
	json_t *refined = json_object_get(sel, "refinedBy");
	if (refined) {
		struct buf sub = BUF_INIT;
		buf_printf(&sub, "%s.refinedBy", path);
		enum gl_status st = GL_OK;
		if (json_is_array(refined)) {
			size_t i;
			json_t *v;
			json_array_foreach(refined, i, v) {
				struct buf s2 = BUF_INIT;
				buf_printf(&s2, "%s[%zu]", sub.data, i);
				st = read_selector(p, it, v, s2.data, depth + 1);
				buf_free(&s2);
				if (st != GL_OK)
					break;
			}
		} else {
			st = read_selector(p, it, refined, sub.data, depth + 1);
		}
		buf_free(&sub);
		return st;
	}
	return GL_OK;
}

static enum gl_status
read_selectors(struct parser *p, struct import_item *it, const json_t *sel,
	       const char *path)
{
	enum gl_status st = GL_OK;
	if (json_is_array(sel)) {
		size_t i;
		json_t *v;
		json_array_foreach(sel, i, v) {
			struct buf sub = BUF_INIT;
			buf_printf(&sub, "%s[%zu]", path, i);
			st = read_selector(p, it, v, sub.data, 0);
			buf_free(&sub);
			if (st != GL_OK)
				return st;
		}
	} else if (sel) {
		st = read_selector(p, it, sel, path, 0);
	}
	it->has_selector = it->has_quote || it->has_position;
	return st;
}

/* "urn:xxh3-128:HASH" names a text by its hash. */
static void
note_source(struct import_item *it, const char *source)
{
	free(it->source);
	it->source = xstrdup(source);
	size_t n = strlen(EXPORT_HASH_URN);
	if (strncmp(source, EXPORT_HASH_URN, n) == 0 && !it->hash_hint)
		it->hash_hint = xstrdup(source + n);
}

static enum gl_status
read_target_object(struct parser *p, struct import_item *it, const json_t *t,
		   const char *path)
{
	const char *source, *version;
	enum gl_status st;
	if ((st = opt_string(p, t, "source", path, &source)) != GL_OK ||
	    (st = opt_string(p, t, GLOSS_TERM("version"), path, &version)) != GL_OK)
		return st;
	if (version)
		it->hash_hint = xstrdup(version);
	if (!source && (st = opt_string(p, t, "id", path, &source)) != GL_OK)
		return st;
	if (source)
		note_source(it, source);
	json_t *sel = json_object_get(t, "selector");
	if (sel) {
		struct buf sub = BUF_INIT;
		buf_printf(&sub, "%s.selector", path);
		st = read_selectors(p, it, sel, sub.data);
		buf_free(&sub);
	}
	return st;
}

static enum gl_status
read_target(struct parser *p, struct import_item *it, const json_t *o,
	    const char *path, bool replying)
{
	json_t *t = json_object_get(o, "target");
	struct buf sub = BUF_INIT;
	enum gl_status st = GL_OK;
	buf_printf(&sub, "%s.target", path);
	if (!t) {
		if (!replying)
			st = fault(p->err, p->name, path, "an annotation needs a \"target\"");
	} else if (json_is_string(t)) {
		if (replying)
			it->parent_ref = xstrdup(json_string_value(t));
		else
			it->target_string = xstrdup(json_string_value(t));
	} else if (json_is_object(t)) {
		if (replying) {
			const char *id;
			if ((st = opt_string(p, t, "id", sub.data, &id)) == GL_OK && !id)
				st = opt_string(p, t, "source", sub.data, &id);
			if (st == GL_OK && id)
				it->parent_ref = xstrdup(id);
		} else {
			st = read_target_object(p, it, t, sub.data);
		}
	} else if (json_is_array(t)) {
		if (json_array_size(t) == 0 && !replying) {
			st = fault(p->err, p->name, sub.data, "the target list is empty");
		}
		/* The first target with a selector, else the first. */
		size_t pick = 0, i;
		json_t *v;
		json_array_foreach(t, i, v) {
			if (json_is_object(v) && json_object_get(v, "selector")) {
				pick = i;
				break;
			}
		}
		v = json_array_get(t, pick);
		if (st == GL_OK && v) {
			struct buf s2 = BUF_INIT;
			buf_printf(&s2, "%s[%zu]", sub.data, pick);
			if (json_is_string(v)) {
				if (replying)
					it->parent_ref = xstrdup(json_string_value(v));
				else
					it->target_string = xstrdup(json_string_value(v));
			} else if (!json_is_object(v)) {
				st = fault(p->err, p->name, s2.data,
					   "a target must be a string or an object");
			} else if (!replying) {
				st = read_target_object(p, it, v, s2.data);
			} else {
				const char *id;
				if ((st = opt_string(p, v, "id", s2.data, &id)) == GL_OK && !id)
					st = opt_string(p, v, "source", s2.data, &id);
				if (st == GL_OK && id)
					it->parent_ref = xstrdup(id);
			}
			buf_free(&s2);
		}
	} else {
		st = fault(p->err, p->name, sub.data, "a target must be a string, an "
			   "object or a list");
	}
	buf_free(&sub);
	return st;
}

/* Appends a tag: NFC, without surrounding spaces, empty ones dropped, a
 * fault for a control character, made one word (store_tag_canonical). */
static enum gl_status
add_tag(struct parser *p, struct import_item *it, const char *tag, const char *path)
{
	char *t = nfc(tag);
	size_t start = 0, end = strlen(t);
	while (start < end && (t[start] == ' ' || t[start] == '\t'))
		start++;
	while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\t'))
		end--;
	memmove(t, t + start, end - start);
	t[end - start] = '\0';
	if (!*t) {
		free(t);
		return GL_OK;
	}
	for (size_t i = 0, n = strlen(t); i < n;) {
		int32_t cp;
		char ph[16];
		i += u8_decode(t, n, i, &cp);
		if (u8_placeholder(cp, ph)) {
			free(t);
			return fault(p->err, p->name, path, "a tag has a control "
				     "character (%s)", ph);
		}
	}
	/* Another tool's tag may hold spaces or commas ("to do"): gloss's
	   tags are single words, as the reader splits them, so it becomes
	   one ("to-do", store_tag_canonical) rather than two tags. */
	if (store_tag_problem(t)) {
		char *word = store_tag_canonical(t);
		free(t);
		t = word;
		if (!*t) {
			free(t);
			return GL_OK;
		}
	}
	for (size_t i = 0; i < it->tag_count; i++) {
		if (strcmp(it->tags[i], t) == 0) {
			free(t);
			return GL_OK;
		}
	}
	it->tags = xreallocarray(it->tags, it->tag_count + 1, sizeof *it->tags);
	it->tags[it->tag_count++] = t;
	return GL_OK;
}

static void
add_note(struct import_item *it, const char *text)
{
	if (!*text)
		return;
	char *n = nfc(text);
	if (!it->note) {
		it->note = n;
		return;
	}
	char *joined = xasprintf("%s\n\n%s", it->note, n);
	free(it->note);
	free(n);
	it->note = joined;
}

static bool
purpose_is(const json_t *body, const char *purpose)
{
	json_t *v = json_object_get(body, "purpose");
	if (json_is_string(v))
		return strcmp(json_string_value(v), purpose) == 0;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), purpose) == 0)
			return true;
	return false;
}

static enum gl_status
read_body(struct parser *p, struct import_item *it, const json_t *b,
	  const char *path)
{
	if (json_is_string(b))
		return GL_OK;   /* an IRI of a body elsewhere: nothing to read */
	if (!json_is_object(b))
		return fault(p->err, p->name, path, "a body must be an object");
	const char *value;
	enum gl_status st = opt_string(p, b, "value", path, &value);
	if (st != GL_OK || !value)
		return st;
	if (purpose_is(b, "tagging"))
		return add_tag(p, it, value, path);
	if (purpose_is(b, "assessing")) {
		if (strcmp(value, "resolved") == 0)
			it->status = STORE_STATUS_RESOLVED;
		return GL_OK;
	}
	if (!json_object_get(b, "purpose") || purpose_is(b, "commenting") ||
	    purpose_is(b, "replying") || purpose_is(b, "describing") ||
	    purpose_is(b, "editing") || purpose_is(b, "questioning"))
		add_note(it, value);
	return GL_OK;
}

static enum gl_status
read_creator(struct parser *p, struct import_item *it, const json_t *o,
	     const char *path)
{
	json_t *c = json_object_get(o, "creator");
	if (json_is_array(c))
		c = json_array_get(c, 0);
	const char *name = NULL;
	if (json_is_string(c)) {
		name = json_string_value(c);
	} else if (json_is_object(c)) {
		static const char *const keys[] = { "name", "nickname", "id" };
		for (size_t i = 0; i < GL_ARRAY_LEN(keys) && !name; i++)
			name = json_string_value(json_object_get(c, keys[i]));
	} else if (c && !json_is_null(c)) {
		return fault(p->err, p->name, path, "\"creator\" must be a string or "
			     "an object");
	}
	if (!name) {
		enum gl_status st = opt_string(p, o, "user", path, &name);
		if (st != GL_OK)
			return st;
	}
	if (name && strncmp(name, "acct:", 5) == 0)
		name += 5;
	if (name && strncmp(name, "mailto:", 7) == 0)
		name += 7;
	if (name && *name) {
		char *a = nfc(name);
		size_t s = 0, e = strlen(a);
		while (s < e && a[s] == ' ')
			s++;
		while (e > s && a[e - 1] == ' ')
			e--;
		it->author = e > s ? xstrndup(a + s, e - s) : NULL;
		free(a);
	}
	return GL_OK;
}

static bool
is_replying(const json_t *o)
{
	json_t *m = json_object_get(o, "motivation");
	if (json_is_string(m))
		return strcmp(json_string_value(m), "replying") == 0;
	size_t i;
	json_t *v;
	json_array_foreach(m, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "replying") == 0)
			return true;
	return false;
}

/* One annotation object at `path`. */
static enum gl_status
read_annotation(struct parser *p, const json_t *o, const char *path)
{
	if (!json_is_object(o))
		return fault(p->err, p->name, path, "an annotation must be an object");
	if (json_object_get(o, "type") && !has_type(o, "Annotation"))
		return fault(p->err, p->name, path, "not an Annotation (its type is "
			     "something else)");
	struct import_set *set = p->set;
	if (set->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		set->items = xreallocarray(set->items, p->cap, sizeof *set->items);
	}
	struct import_item *it = &set->items[set->count++];
	memset(it, 0, sizeof *it);
	it->path = xstrdup(path);
	it->parent_index = (size_t)-1;
	it->doc = (size_t)-1;

	enum gl_status st;
	json_t *id = json_object_get(o, "id");
	if (json_is_string(id) && *json_string_value(id)) {
		map_id(json_string_value(id), it->id);
	} else if (!id || json_is_null(id)) {
		/* No id: one from the content, the same every time. */
		char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		import_derive_id(text ? text : "", it->id);
		free(text);
	} else {
		return fault(p->err, p->name, path, "\"id\" must be a string");
	}

	/* Hypothesis: references lists the ancestors, the parent last. */
	json_t *refs = json_object_get(o, "references");
	bool replying = is_replying(o);
	if (refs && !json_is_array(refs))
		return fault(p->err, p->name, path, "\"references\" must be a list");
	if (json_array_size(refs) > 0) {
		json_t *last = json_array_get(refs, json_array_size(refs) - 1);
		if (!json_is_string(last))
			return fault(p->err, p->name, path, "\"references\" must hold ids");
		it->parent_ref = xstrdup(json_string_value(last));
		replying = true;
		/* Its target names the page, not the parent: read it anyway
		   for the source. */
		if ((st = read_target(p, it, o, path, false)) != GL_OK)
			return st;
	} else if ((st = read_target(p, it, o, path, replying)) != GL_OK) {
		return st;
	}
	if (replying && !it->parent_ref)
		return fault(p->err, p->name, path, "a reply needs the id of what it "
			     "answers as its target");
	if (!it->source && !it->target_string) {
		/* Hypothesis names the page in "uri" too. */
		const char *uri;
		if ((st = opt_string(p, o, "uri", path, &uri)) != GL_OK)
			return st;
		if (uri)
			note_source(it, uri);
	}

	json_t *body = json_object_get(o, "body");
	if (json_is_array(body)) {
		size_t i;
		json_t *b;
		json_array_foreach(body, i, b) {
			struct buf sub = BUF_INIT;
			buf_printf(&sub, "%s.body[%zu]", path, i);
			st = read_body(p, it, b, sub.data);
			buf_free(&sub);
			if (st != GL_OK)
				return st;
		}
	} else if (body && !json_is_null(body)) {
		struct buf sub = BUF_INIT;
		buf_printf(&sub, "%s.body", path);
		st = read_body(p, it, body, sub.data);
		buf_free(&sub);
		if (st != GL_OK)
			return st;
	}
	const char *text;
	if ((st = opt_string(p, o, "bodyValue", path, &text)) != GL_OK)
		return st;
	if (text)
		add_note(it, text);
	if ((st = opt_string(p, o, "text", path, &text)) != GL_OK)
		return st;
	if (text)
		add_note(it, text);
	json_t *tags = json_object_get(o, "tags");
	if (tags && !json_is_array(tags))
		return fault(p->err, p->name, path, "\"tags\" must be a list");
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) {
		if (!json_is_string(v))
			return fault(p->err, p->name, path, "\"tags\" must hold strings");
		if ((st = add_tag(p, it, json_string_value(v), path)) != GL_OK)
			return st;
	}

	if ((st = read_creator(p, it, o, path)) != GL_OK ||
	    (st = read_time(p, o, "created", path, it->created, &it->has_created)) != GL_OK)
		return st;
	st = read_time(p, o, "modified", path, it->updated, &it->has_updated);
	if (st == GL_OK && !it->has_updated)
		st = read_time(p, o, "updated", path, it->updated, &it->has_updated);
	if (st != GL_OK)
		return st;

	json_t *status = gloss_member(o, "status");
	if (status) {
		if (!json_is_string(status) ||
		    !store_status_parse(json_string_value(status), &it->status))
			return fault(p->err, p->name, path, "\"gloss:status\" is \"open\" "
				     "or \"resolved\"");
	}
	json_t *style = gloss_member(o, "style");
	if (style && !json_is_null(style)) {
		if (!json_is_string(style))
			return fault(p->err, p->name, path, "\"gloss:style\" must be a string");
		/* A style gloss does not draw (another tool's, or "7") is
		   left out, as gloss add --style refuses it. */
		if (*json_string_value(style) &&
		    store_style_number(json_string_value(style)) != 0)
			it->style = nfc(json_string_value(style));
	}
	json_t *priv = gloss_member(o, "private");
	if (priv && !json_is_boolean(priv))
		return fault(p->err, p->name, path, "\"gloss:private\" must be true or false");
	it->is_private = json_is_true(priv);
	return GL_OK;
}

static enum gl_status
read_list(struct parser *p, const json_t *list, const char *path)
{
	if (!json_is_array(list))
		return fault(p->err, p->name, path, "expected a list of annotations");
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		struct buf sub = BUF_INIT;
		buf_printf(&sub, "%s[%zu]", path, i);
		enum gl_status st = read_annotation(p, v, sub.data);
		buf_free(&sub);
		if (st != GL_OK)
			return st;
	}
	return GL_OK;
}

/* A collection's pages: "first", then each page's "next", when they are
 * in the file. */
static enum gl_status
read_collection(struct parser *p, const json_t *c)
{
	enum gl_status st;
	if (json_object_get(c, "items") &&
	    (st = read_list(p, json_object_get(c, "items"), "items")) != GL_OK)
		return st;
	json_t *page = json_object_get(c, "first");
	struct buf path = BUF_INIT;
	buf_puts(&path, "first");
	st = GL_OK;
	for (size_t n = 0; page && st == GL_OK; n++) {
		if (json_is_string(page)) {
			st = fault(p->err, p->name, path.data, "the collection's page is "
				   "a link (%s); gloss reads only pages in the file",
				   json_string_value(page));
			break;
		}
		if (!json_is_object(page)) {
			st = fault(p->err, p->name, path.data, "a page must be an object");
			break;
		}
		struct buf items = BUF_INIT;
		buf_printf(&items, "%s.items", path.data);
		json_t *list = json_object_get(page, "items");
		st = list ? read_list(p, list, items.data)
			  : fault(p->err, p->name, path.data, "a page needs \"items\"");
		buf_free(&items);
		page = json_object_get(page, "next");
		buf_puts(&path, ".next");
		if (n > 100000)
			break;
	}
	buf_free(&path);
	return st;
}

/* ------------------------------------------------------- locations */

static void
add_location(struct import_set *set, const char *hash, const char *location,
	     const char *title)
{
	/* A file names a few articles; a hostile one many (each is a file
	   to read): the first 64 are plenty. */
	if (set->nlocations >= 64)
		return;
	for (size_t i = 0; i < set->nlocations; i++)
		if (strcmp(set->locations[i].hash, hash) == 0 &&
		    strcmp(set->locations[i].location, location) == 0)
			return;
	set->locations = xreallocarray(set->locations, set->nlocations + 1,
				       sizeof *set->locations);
	struct location *l = &set->locations[set->nlocations++];
	l->hash = xstrdup(hash);
	l->location = xstrdup(location);
	l->title = title ? xstrdup(title) : NULL;
}

/* gloss export's "gloss:documents": [{source, title, location}].  Only a
 * hint, so anything odd in it is passed over, never a fault. */
static void
read_locations(struct import_set *set, const json_t *docs)
{
	size_t i, n = strlen(EXPORT_HASH_URN);
	json_t *d;
	json_array_foreach(docs, i, d) {
		const char *source = json_string_value(json_object_get(d, "source"));
		const char *location = json_string_value(json_object_get(d, "location"));
		const char *title = json_string_value(json_object_get(d, "title"));
		if (!source || strncmp(source, EXPORT_HASH_URN, n) != 0 || !source[n])
			continue;
		if (location && *location && !strstr(location, "://"))
			add_location(set, source + n, location, title);
		else if (title)
			add_location(set, source + n, "", title);   /* a title only */
	}
}

/* A target whose source is a path (or file:// URL) and that names its
 * text's hash ("gloss:version") says where that text may be found. */
static void
target_locations(struct import_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		const struct import_item *it = &set->items[i];
		if (!it->hash_hint || !it->source)
			continue;
		const char *src = it->source;
		if (strncmp(src, "file://", 7) == 0)
			src += 7;
		else if (strstr(src, ":"))
			continue;   /* a URN or URL */
		if (*src)
			add_location(set, it->hash_hint, src, NULL);
	}
}

bool
import_location(const struct import_set *set, size_t i, struct import_location *out)
{
	for (size_t k = 0; set && k < set->nlocations; k++) {
		const struct location *l = &set->locations[k];
		if (!*l->location)
			continue;
		if (i-- == 0) {
			out->hash = l->hash;
			out->location = l->location;
			out->title = l->title;
			return true;
		}
	}
	return false;
}

/* The title the file gives the text with this hash, or NULL. */
static const char *
title_of(const struct import_set *set, const char *hash)
{
	for (size_t k = 0; hash && k < set->nlocations; k++)
		if (set->locations[k].title && strcmp(set->locations[k].hash, hash) == 0)
			return set->locations[k].title;
	return NULL;
}

static struct import_set *sorting;

static int
compare_ids(const void *a, const void *b)
{
	return strcmp(sorting->items[*(const size_t *)a].id,
		      sorting->items[*(const size_t *)b].id);
}

static size_t
find_item(const struct import_set *set, const char *id)
{
	size_t lo = 0, hi = set->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->items[set->by_id[mid]].id, id);
		if (c == 0)
			return set->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

enum gl_status
import_parse(const char *json, size_t len, const char *name,
	     struct import_set **out, struct gl_error *err)
{
	/* A Markdown, CSV or HTML export fed back in is a common slip: say
	   what import takes rather than where the JSON parser gave up. */
	size_t lead = 0;
	while (lead < len && strchr(" \t\r\n", json[lead]))
		lead++;
	if (lead + 3 <= len && memcmp(json + lead, "\xEF\xBB\xBF", 3) == 0)
		lead += 3;
	if (lead < len && json[lead] != '{' && json[lead] != '[')
		return one_line(gl_fail(err, GL_USAGE,
					"%s is not JSON: gloss imports W3C Web Annotation JSON only "
					"(gloss export --format json writes it)", name), err);
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	if (!root)
		return one_line(gl_fail(err, GL_USAGE, "%s:%d:%d: not valid JSON: %s",
					name, jerr.line, jerr.column, jerr.text), err);
	struct import_set *set = xcalloc(1, sizeof *set);
	set->name = xstrdup(name);
	/* The time of an annotation that does not say when it was made (the
	   store's test hook GLOSS_NOW too). */
	const char *fixed = getenv("GLOSS_NOW");
	if (!fixed || !gl_parse_time(fixed, set->now)) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(set->now, sizeof set->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	struct parser p = { .name = name, .err = err, .set = set };
	enum gl_status st;
	if (json_is_array(root)) {
		st = read_list(&p, root, "");
	} else if (!json_is_object(root)) {
		st = fault(err, name, "", "expected an object or a list");
	} else if (has_type(root, "AnnotationCollection")) {
		st = read_collection(&p, root);
	} else if (has_type(root, "AnnotationPage")) {
		st = json_object_get(root, "items")
		     ? read_list(&p, json_object_get(root, "items"), "items")
		     : fault(err, name, "", "a page needs \"items\"");
	} else if (has_type(root, "Annotation")) {
		st = read_annotation(&p, root, "");
	} else if (json_object_get(root, "annotations")) {
		/* The Hypothesis client's export file. */
		st = read_list(&p, json_object_get(root, "annotations"), "annotations");
	} else if (json_object_get(root, "rows")) {
		/* A Hypothesis API search result. */
		st = read_list(&p, json_object_get(root, "rows"), "rows");
	} else if (json_object_get(root, "target")) {
		st = read_annotation(&p, root, "");
	} else {
		st = fault(err, name, "", "no annotations: expected a W3C "
			   "AnnotationCollection, AnnotationPage, Annotation or a "
			   "list of them, or a Hypothesis export");
	}
	if (st == GL_OK && json_is_object(root))
		read_locations(set, gloss_member(root, "documents"));
	json_decref(root);
	if (st == GL_OK)
		target_locations(set);

	if (st == GL_OK) {
		set->by_id = xcalloc(set->count + 1, sizeof *set->by_id);
		for (size_t i = 0; i < set->count; i++)
			set->by_id[i] = i;
		sorting = set;
		qsort(set->by_id, set->count, sizeof *set->by_id, compare_ids);
		sorting = NULL;
		for (size_t i = 1; i < set->count && st == GL_OK; i++) {
			const struct import_item *a = &set->items[set->by_id[i - 1]];
			const struct import_item *b = &set->items[set->by_id[i]];
			if (strcmp(a->id, b->id) == 0)
				st = fault(err, name, b->path, "the same annotation id as "
					   "at %s", *a->path ? a->path : "the top");
		}
	}
	if (st != GL_OK) {
		import_free(set);
		return one_line(st, err);
	}
	*out = set;
	return GL_OK;
}

void
import_free(struct import_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		item_free(&set->items[i]);
	free(set->items);
	free(set->by_id);
	for (size_t i = 0; i < set->ndocs; i++) {
		struct import_doc *d = &set->docs[i];
		free(d->id);
		free(d->hash);
		if (!d->fallback)
			free(d->text);
		anchor_text_free(d->at);
	}
	free(set->docs);
	for (size_t i = 0; i < set->nlocations; i++) {
		free(set->locations[i].hash);
		free(set->locations[i].location);
		free(set->locations[i].title);
	}
	free(set->locations);
	free(set->fallback_used);
	free(set->name);
	store_import_batch_free(set->store_batch);
	free(set->batch);
	free(set->which);
	free(set);
}

void
import_set_progress(struct import_set *set, import_progress_fn fn, void *ctx)
{
	set->progress = fn;
	set->progress_ctx = ctx;
}

size_t
import_count(const struct import_set *set)
{
	return set ? set->count : 0;
}

bool
import_uses_fallback(const struct import_set *set, size_t i)
{
	return set && i < set->nfallbacks && set->fallback_used[i];
}

/* ---------------------------------------------------------- preparing */

/* The set's document with this id, or fallback number `fb` (when id is
 * NULL), added with its current text when new. */
static enum gl_status
doc_index(struct import_set *set, struct store *s, const char *id, size_t fb,
	  size_t *out, struct gl_error *err)
{
	for (size_t i = 0; i < set->ndocs; i++) {
		const struct import_doc *d = &set->docs[i];
		if ((!id && d->fallback == fb + 1) ||
		    (id && d->id && strcmp(d->id, id) == 0)) {
			*out = i;
			return GL_OK;
		}
	}
	struct import_doc d;
	memset(&d, 0, sizeof d);
	if (!id) {
		const struct import_fallback *f = &set->fallbacks[fb];
		d.fallback = fb + 1;
		d.hash = xstrdup(f->hash);
		d.renderer = f->renderer;
		d.text = (char *)f->text;
		d.len = f->len;
		set->fallback_used[fb] = true;
	} else {
		struct store_version v;
		enum gl_status st = store_version_latest(s, id, true, &v, err);
		if (st != GL_OK)
			return st;
		d.id = xstrdup(id);
		d.hash = v.hash;
		d.renderer = v.renderer;
		d.text = v.text ? v.text : xstrdup("");
		d.len = v.text ? v.text_len : 0;
		v.hash = NULL;
		v.text = NULL;
		store_version_clear(&v);
	}
	d.at = anchor_text_new(d.text, d.len);
	d.length_cp = (long long)anchor_text_length_cp(d.at);
	set->docs = xreallocarray(set->docs, set->ndocs + 1, sizeof *set->docs);
	set->docs[set->ndocs] = d;
	*out = set->ndocs++;
	return GL_OK;
}

/* The stored document with a version of the text the annotation names by
 * its hash, or NULL (caller frees). */
static enum gl_status
document_of_hash(struct store *s, const struct import_item *it, char **doc,
		 struct gl_error *err)
{
	*doc = NULL;
	for (int r = DOC_RENDERER_VERSION; it->hash_hint && r >= 1; r--) {
		struct store_version v;
		enum gl_status st = store_version_find(s, it->hash_hint, r, false,
						       &v, err);
		if (st == GL_OK) {
			*doc = v.document;
			v.document = NULL;
			store_version_clear(&v);
			return GL_OK;
		}
		if (st != GL_NO_MATCH)
			return st;
	}
	return GL_OK;
}

/* The stored document last read from the source's path or URL, or NULL
 * (caller frees). */
static enum gl_status
document_of_path(struct store *s, const struct import_item *it, char **doc,
		 struct gl_error *err)
{
	*doc = NULL;
	if (it->source && strncmp(it->source, "urn:", 4) != 0) {
		const char *src = it->source;
		if (strncmp(src, "file://", 7) == 0)
			src += 7;
		struct store_document d;
		enum gl_status st = store_document_by_source(s, src, &d, err);
		if (st == GL_OK) {
			*doc = d.id;
			d.id = NULL;
			store_document_clear(&d);
			return GL_OK;
		}
		if (st != GL_NO_MATCH)
			return st;
	}
	return GL_OK;
}

static bool
same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The annotations made on one text (one target source): they go to one
 * document together (import_prepare's rules 1 to 5). */
struct group {
	size_t first;           /* its first root in the set */
	char *doc;              /* a stored document, or NULL */
	size_t fb;              /* else a fallback, or (size_t)-1 */
	bool by_hash;           /* found by the text's own hash (1 or 2) */
	enum gl_status st;      /* GL_OK, else why it has no place */
	size_t other;           /* GL_USAGE: the fallback that fit as well */
};

/* How many of the group's quotes (a sample) fallback k holds. */
static size_t
quotes_found(const struct import_set *set, size_t g, size_t k)
{
	const struct import_fallback *f = &set->fallbacks[k];
	size_t found = 0, tried = 0;
	for (size_t i = 0; i < set->count && tried < 64; i++) {
		const struct import_item *it = &set->items[i];
		if (it->reply || it->group != g || !it->has_quote || !*it->exact)
			continue;
		tried++;
		if (memmem(f->text, f->len, it->exact, strlen(it->exact)))
			found++;
	}
	return found;
}

static const char *
fallback_name(const struct import_set *set, size_t k)
{
	const char *n = set->fallbacks[k].name;
	return n ? n : "a --to FILE";
}

/* Groups the roots by their text and finds each group's document. */
static enum gl_status
route_groups(struct import_set *set, struct store *s, struct group **out,
	     size_t *nout, struct gl_error *err)
{
	struct group *groups = NULL;
	size_t n = 0;
	enum gl_status st = GL_OK;
	for (size_t i = 0; i < set->count; i++) {
		struct import_item *it = &set->items[i];
		if (it->reply)
			continue;
		size_t g = 0;
		while (g < n && !(same_text(set->items[groups[g].first].source, it->source) &&
				  same_text(set->items[groups[g].first].hash_hint,
					    it->hash_hint)))
			g++;
		if (g == n) {
			groups = xreallocarray(groups, n + 1, sizeof *groups);
			groups[n] = (struct group){ .first = i, .fb = (size_t)-1,
						    .other = (size_t)-1 };
			n++;
		}
		it->group = g;
	}
	*out = groups;
	*nout = n;
	for (size_t g = 0; g < n && st == GL_OK; g++) {
		struct group *gr = &groups[g];
		const struct import_item *it = &set->items[gr->first];
		/* 1. A stored version of its very text. */
		if ((st = document_of_hash(s, it, &gr->doc, err)) != GL_OK)
			break;
		if (gr->doc) {
			gr->by_hash = true;
			continue;
		}
		/* 2. A --to FILE with that text. */
		for (size_t k = 0; it->hash_hint && k < set->nfallbacks; k++) {
			if (!set->fallbacks[k].hash_only &&
			    strcmp(set->fallbacks[k].hash, it->hash_hint) == 0) {
				gr->fb = k;
				gr->by_hash = true;
				break;
			}
		}
		if (gr->by_hash)
			continue;
		/* 3. The document read from its path or URL. */
		if ((st = document_of_path(s, it, &gr->doc, err)) != GL_OK)
			break;
		if (gr->doc)
			continue;
		/* 4. The --to FILE that holds the most of its quotes. */
		size_t best = 0;
		for (size_t k = 0; k < set->nfallbacks; k++) {
			if (set->fallbacks[k].hash_only)
				continue;
			size_t found = quotes_found(set, g, k);
			if (found > best) {
				best = found;
				gr->fb = k;
				gr->other = (size_t)-1;
			} else if (found == best && found > 0 && gr->other == (size_t)-1) {
				gr->other = k;
			}
		}
		if (gr->other != (size_t)-1)
			gr->st = GL_USAGE;
		/* 5. The file at the location the export names, with that
		   text. */
		for (size_t k = 0; !best && it->hash_hint && k < set->nfallbacks; k++) {
			if (set->fallbacks[k].hash_only &&
			    strcmp(set->fallbacks[k].hash, it->hash_hint) == 0) {
				gr->fb = k;
				gr->by_hash = true;
				break;
			}
		}
	}
	if (st != GL_OK)
		return st;
	/* 6. Texts none of whose quotes stand anywhere (an edited article,
	   page notes): the one --to FILE no other text took, when only one
	   text is left. */
	size_t left = 0, free_fb = (size_t)-1, nfree = 0, second = (size_t)-1;
	for (size_t g = 0; g < n; g++)
		if (!groups[g].doc && groups[g].fb == (size_t)-1)
			left++;
	for (size_t k = 0; left && k < set->nfallbacks; k++) {
		if (set->fallbacks[k].hash_only)
			continue;
		bool taken = false;
		for (size_t g = 0; g < n && !taken; g++)
			taken = groups[g].fb == k && groups[g].st == GL_OK;
		if (taken)
			continue;
		if (nfree++ == 0)
			free_fb = k;
		else if (second == (size_t)-1)
			second = k;
	}
	for (size_t g = 0; g < n; g++) {
		struct group *gr = &groups[g];
		if (gr->doc || gr->fb != (size_t)-1)
			continue;
		if (nfree == 1 && left == 1) {
			gr->fb = free_fb;
		} else if (nfree >= 2) {
			gr->st = GL_USAGE;
			gr->fb = free_fb;
			gr->other = second;
		} else {
			gr->st = GL_NO_MATCH;
		}
	}
	return GL_OK;
}

/* Why a new annotation of group g has no document (g's status). */
static enum gl_status
group_fault(const struct import_set *set, const struct group *gr,
	    struct gl_error *err)
{
	const struct import_item *it = &set->items[gr->first];
	const char *title = title_of(set, it->hash_hint);
	struct buf what = BUF_INIT;
	if (title)
		buf_printf(&what, "\"%s\", ", title);
	buf_puts(&what, it->source ? it->source : "(no source)");
	/* Had its file held that text, it would have been used. */
	for (size_t k = 0; it->hash_hint && k < set->nlocations; k++) {
		const struct location *l = &set->locations[k];
		if (*l->location && strcmp(l->hash, it->hash_hint) == 0) {
			buf_printf(&what, "; read from %s, which is gone or changed since",
				   l->location);
			break;
		}
	}
	struct buf where = BUF_INIT;
	buf_puts(&where, set->name);
	if (*it->path)
		buf_printf(&where, ": at %s", it->path);
	bool named = false;   /* a --to FILE, not only a location found */
	for (size_t k = 0; k < set->nfallbacks; k++)
		named = named || !set->fallbacks[k].hash_only;
	enum gl_status st;
	if (gr->st == GL_USAGE)
		st = gl_fail(err, GL_USAGE, "%s: the annotations made on %s fit %s and "
			     "%s as well as each other; import with only the file they "
			     "belong to as --to FILE", where.data, what.data,
			     fallback_name(set, gr->fb), fallback_name(set, gr->other));
	else
		st = gl_fail(err, GL_NO_MATCH, "%s: no document in the store%s has "
			     "the text these annotations were made on (%s); name the "
			     "file they belong to with --to FILE", where.data,
			     named ? " nor any --to FILE" : "", what.data);
	buf_free(&what);
	buf_free(&where);
	return st;
}

static enum store_anchor_state
store_state(enum anchor_state s)
{
	switch (s) {
	case ANCHOR_EXACT: return STORE_ANCHOR_EXACT;
	case ANCHOR_MOVED: return STORE_ANCHOR_MOVED;
	case ANCHOR_FUZZY: return STORE_ANCHOR_FUZZY;
	case ANCHOR_ORPHAN: break;
	}
	return STORE_ANCHOR_ORPHAN;
}

static long long
clamp(long long v, long long max)
{
	return v < 0 ? 0 : v > max ? max : v;
}

/* Places a highlight on its document's current text. */
static enum gl_status
place(struct import_set *set, struct store *s, struct import_item *it,
      struct gl_error *err)
{
	struct import_doc *d = &set->docs[it->doc];
	long long hs = it->has_position ? it->pos_start : 0;
	long long he = it->has_position ? it->pos_end : 0;
	struct anchor_result r = { .state = ANCHOR_ORPHAN };
	if (it->has_quote) {
		struct anchor_selector sel = {
			.start = (size_t)clamp(hs, d->length_cp),
			.end = (size_t)clamp(he, d->length_cp),
			.exact = it->exact, .prefix = it->prefix, .suffix = it->suffix,
		};
		if (sel.end < sel.start)
			sel.end = sel.start;
		anchor_resolve_in(d->at, &sel, &r);
	} else if (it->hash_hint && strcmp(it->hash_hint, d->hash) == 0 &&
		   he <= d->length_cp) {
		/* Only a position, on this very text: it stands. */
		r.state = ANCHOR_EXACT;
		r.start = (size_t)hs;
		r.end = (size_t)he;
	}
	free(it->version);
	if (r.state != ANCHOR_ORPHAN) {
		it->version = xstrdup(d->hash);
		it->renderer = d->renderer;
		it->start = (long long)r.start;
		it->end = (long long)r.end;
		it->anchor = store_state(r.state);
		/* What the file did not say is read from the text. */
		if (!it->has_quote || !it->prefix || !it->suffix) {
			struct anchor_selector made;
			if (anchor_make_in(d->at, r.start, r.end, &made, NULL) == GL_OK) {
				if (!it->has_quote) {
					it->exact = made.exact;
					made.exact = NULL;
					it->has_quote = true;
				}
				if (!it->prefix) {
					it->prefix = made.prefix;
					made.prefix = NULL;
				}
				if (!it->suffix) {
					it->suffix = made.suffix;
					made.suffix = NULL;
				}
				anchor_selector_free(&made);
			}
		}
		return GL_OK;
	}
	/* An orphan keeps a place: on the version it was made on when the
	   store has it (of this document), else on the current one. */
	it->anchor = STORE_ANCHOR_ORPHAN;
	it->version = xstrdup(d->hash);
	it->renderer = d->renderer;
	long long len = d->length_cp;
	if (it->hash_hint && d->id && strcmp(it->hash_hint, d->hash) != 0) {
		for (int rv = DOC_RENDERER_VERSION; rv >= 1; rv--) {
			struct store_version v;
			enum gl_status st = store_version_find(s, it->hash_hint, rv, false,
							       &v, err);
			if (st == GL_OK) {
				if (strcmp(v.document, d->id) == 0) {
					free(it->version);
					it->version = xstrdup(v.hash);
					it->renderer = v.renderer;
					len = v.length_cp;
				}
				store_version_clear(&v);
				break;
			}
			if (st != GL_NO_MATCH)
				return st;
		}
	}
	it->start = clamp(hs, len);
	it->end = clamp(he, len);
	if (it->end < it->start)
		it->end = it->start;
	if (!it->exact)
		it->exact = xstrdup("");
	return GL_OK;
}

/* Reads a stored annotation's document and version into the item (a
 * reply to it, or the item itself when the store has it). */
static void
take_place_of(struct import_item *it, const struct store_annotation *a)
{
	free(it->document);
	free(it->version);
	it->document = xstrdup(a->document);
	it->version = xstrdup(a->version);
	it->renderer = a->renderer;
}

static enum gl_status stage(struct import_set *set, struct store *s,
			    struct gl_error *err);

enum gl_status
import_prepare(struct import_set *set, struct store *s,
	       const struct import_fallback *fallbacks, size_t nfallbacks,
	       struct gl_error *err)
{
	enum gl_status st = GL_OK;
	struct group *groups = NULL;
	size_t ngroups = 0;
	if (set->prepared)
		return gl_fail(err, GL_USAGE, "an import set is prepared once");
	set->prepared = true;
	set->fallbacks = fallbacks;
	set->nfallbacks = nfallbacks;
	set->fallback_used = xcalloc(nfallbacks + 1, sizeof *set->fallback_used);

	/* 1. Replies: which parent, where. */
	for (size_t i = 0; i < set->count && st == GL_OK; i++) {
		struct import_item *it = &set->items[i];
		const char *ref = it->parent_ref;
		if (!ref && it->target_string) {
			/* A bare target may be another annotation (a reply
			   without its motivation) or a page. */
			char id[STORE_ID_LEN + 1];
			map_id(it->target_string, id);
			struct store_annotation a;
			if (find_item(set, id) != (size_t)-1) {
				ref = it->target_string;
			} else if (store_annotation_get(s, id, &a, NULL) == GL_OK) {
				ref = it->target_string;
				store_annotation_clear(&a);
			} else {
				note_source(it, it->target_string);
			}
		}
		if (!ref)
			continue;
		it->reply = true;
		map_id(ref, it->parent);
		it->parent_index = find_item(set, it->parent);
		if (it->parent_index == i)
			st = fault(err, set->name, it->path, "an annotation replies to itself");
	}
	/* Depth of each reply within the set, to write parents first; a loop
	   of replies is a fault. */
	for (size_t i = 0; i < set->count && st == GL_OK; i++) {
		int depth = 0;
		size_t k = i;
		while (set->items[k].reply && set->items[k].parent_index != (size_t)-1) {
			k = set->items[k].parent_index;
			if (++depth > (int)set->count) {
				st = fault(err, set->name, set->items[i].path,
					   "replies that answer each other in a loop");
				break;
			}
		}
		set->items[i].depth = depth;
	}

	/* 2. Roots: their document and their place on its text. */
	if (st == GL_OK)
		st = route_groups(set, s, &groups, &ngroups, err);
	for (size_t i = 0; i < set->count && st == GL_OK; i++) {
		struct import_item *it = &set->items[i];
		if (it->reply)
			continue;
		const struct group *gr = &groups[it->group];
		struct store_annotation old;
		enum gl_status got = store_annotation_get(s, it->id, &old, err);
		if (got == GL_OK) {
			/* Already stored: it stays in its document, unless its
			   own text (by hash) is another document's: an earlier
			   import with a wrong --to put it there, and this one
			   moves it where it belongs. */
			bool move = gr->st == GL_OK && gr->by_hash &&
				    (!gr->doc || strcmp(gr->doc, old.document) != 0);
			if (move)
				st = doc_index(set, s, gr->doc, gr->fb, &it->doc, err);
			else
				st = doc_index(set, s, old.document, 0, &it->doc, err);
			store_annotation_clear(&old);
		} else if (got == GL_NO_MATCH) {
			st = gr->st != GL_OK ? group_fault(set, gr, err)
			     : doc_index(set, s, gr->doc, gr->fb, &it->doc, err);
		} else {
			st = got;
		}
		if (st != GL_OK)
			break;
		if (set->progress && i % 4096 == 4095)
			set->progress(set->progress_ctx, i + 1, set->count);
		if (it->has_selector) {
			st = place(set, s, it, err);
		} else {
			/* A page note stands on the current version. */
			const struct import_doc *d = &set->docs[it->doc];
			it->version = xstrdup(d->hash);
			it->renderer = d->renderer;
			it->start = it->end = -1;
			it->anchor = STORE_ANCHOR_NONE;
		}
	}
	for (size_t g = 0; g < ngroups; g++)
		free(groups[g].doc);
	free(groups);

	/* 3. Replies, each after its parent: depth 0 answers a stored
	   annotation, depth d one of depth d - 1 in the set. */
	int max_depth = 0;
	for (size_t i = 0; i < set->count; i++)
		if (set->items[i].depth > max_depth)
			max_depth = set->items[i].depth;
	for (int depth = 0; depth <= max_depth && st == GL_OK; depth++) {
		for (size_t i = 0; i < set->count && st == GL_OK; i++) {
			struct import_item *it = &set->items[i];
			if (!it->reply || it->depth != depth)
				continue;
			it->start = it->end = -1;
			it->anchor = STORE_ANCHOR_NONE;
			if (it->parent_index != (size_t)-1) {
				const struct import_item *p = &set->items[it->parent_index];
				it->skip = p->skip;
				it->doc = p->doc;
				if (p->document)
					it->document = xstrdup(p->document);
				if (p->version)
					it->version = xstrdup(p->version);
				it->renderer = p->renderer;
				continue;
			}
			struct store_annotation parent;
			enum gl_status got = store_annotation_get(s, it->parent, &parent, err);
			if (got == GL_OK) {
				take_place_of(it, &parent);
				store_annotation_clear(&parent);
			} else if (got == GL_NO_MATCH) {
				it->skip = true;
			} else {
				st = got;
			}
		}
	}
	if (st == GL_OK)
		st = stage(set, s, err);
	return one_line(st, err);
}

/* ------------------------------------------------------------ applying */

static struct import_set *ordering;

/* Parents before replies; otherwise the file's order. */
static int
compare_depth(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int di = ordering->items[i].reply ? ordering->items[i].depth + 1 : 0;
	int dj = ordering->items[j].reply ? ordering->items[j].depth + 1 : 0;
	if (di != dj)
		return di < dj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* The rows import_apply writes, in the order it writes them, made and
 * checked before the write lock (store_import_batch_new).  The document
 * of an annotation that goes to a fallback is known only inside the
 * transaction: import_apply fills it in. */
static enum gl_status
stage(struct import_set *set, struct store *s, struct gl_error *err)
{
	size_t *order = xcalloc(set->count + 1, sizeof *order);
	for (size_t i = 0; i < set->count; i++)
		order[i] = i;
	ordering = set;
	qsort(order, set->count, sizeof *order, compare_depth);
	ordering = NULL;

	set->batch = xcalloc(set->count + 1, sizeof *set->batch);
	set->which = xcalloc(set->count + 1, sizeof *set->which);
	for (size_t k = 0; k < set->count; k++) {
		struct import_item *it = &set->items[order[k]];
		if (it->skip) {
			set->skipped++;
			continue;
		}
		const char *document = it->document;
		if (!document && it->doc != (size_t)-1 && !set->docs[it->doc].fallback)
			document = set->docs[it->doc].id;
		const char *created = it->has_created ? it->created : set->now;
		struct store_annotation a = {
			.id = it->id,
			.document = (char *)document,
			.version = it->version,
			.renderer = it->renderer,
			.author = it->author ? it->author : (char *)store_author(s),
			.parent = it->reply ? it->parent : NULL,
			.start = it->start, .end = it->end,
			.exact = it->exact, .prefix = it->prefix, .suffix = it->suffix,
			.style = it->style, .note = it->note,
			.status = it->status,
			.anchor = it->anchor,
			.is_private = it->is_private,
			.created = (char *)created,
			.updated = it->has_updated ? it->updated : (char *)created,
			.tags = it->tags, .tag_count = it->tag_count,
		};
		set->batch[set->nbatch] = a;
		set->which[set->nbatch++] = order[k];
	}
	free(order);
	return store_import_batch_new(set->batch, set->nbatch, &set->store_batch, err);
}

enum gl_status
import_apply(struct import_set *set, struct store *s,
	     const char *const *fallback_documents, struct import_report *report,
	     struct gl_error *err)
{
	memset(report, 0, sizeof *report);
	if (!set->prepared || !set->store_batch)
		return gl_fail(err, GL_USAGE, "an import set must be prepared first");
	for (size_t k = 0; k < set->nfallbacks; k++)
		if (set->fallback_used[k] && (!fallback_documents || !fallback_documents[k]))
			return gl_fail(err, GL_USAGE, "the document of a --to FILE is "
				       "not in the store");
	for (size_t k = 0; k < set->nbatch; k++) {
		const struct import_item *it = &set->items[set->which[k]];
		if (!it->document && it->doc != (size_t)-1 && set->docs[it->doc].fallback)
			set->batch[k].document =
				(char *)fallback_documents[set->docs[it->doc].fallback - 1];
	}

	struct import_report r = { .skipped = set->skipped };
	size_t n = set->nbatch;
	enum store_import_result *res = xcalloc(n + 1, sizeof *res);
	if (set->progress)
		set->progress(set->progress_ctx, 0, n);
	enum gl_status st = store_import_batch_apply(s, set->store_batch, res, err);
	for (size_t k = 0; k < n && st == GL_OK; k++) {
		switch (res[k]) {
		case STORE_IMPORT_ADDED: r.added++; break;
		case STORE_IMPORT_UPDATED: r.updated++; break;
		case STORE_IMPORT_UNCHANGED: r.unchanged++; break;
		}
		if (set->items[set->which[k]].anchor == STORE_ANCHOR_ORPHAN)
			r.orphaned++;
	}
	if (set->progress)
		set->progress(set->progress_ctx, n, n);
	free(res);
	if (st != GL_OK) {
		store_rollback(s);
		return one_line(st, err);
	}
	*report = r;
	return GL_OK;
}

void
import_finish(struct import_set *set, struct store *s)
{
	if (set)
		store_import_batch_finish(s, set->store_batch);
}
