/* import: W3C Web Annotation JSON (gloss's own export, or another tool's
 * that uses TextQuoteSelector / TextPositionSelector) and Hypothesis's
 * API shape, merged into the store.
 *
 * Three steps, so that the store's write lock is held only for writing:
 *
 *  1. import_parse reads and checks the whole file, touching nothing.
 *     Malformed input is refused with where the fault is: the line and
 *     column for bad JSON (jansson's), the path of the value otherwise
 *     ("first.items[3].target.selector[1]").
 *  2. import_prepare (reads the store, takes no lock) finds each
 *     annotation's document and places it on that document's current text
 *     by its quote (anchor_resolve_in: a position is only a hint, since
 *     another tool may count differently: Hypothesis counts UTF-16 units
 *     over a whole web page), then makes and checks the rows to write
 *     and the events' snapshots (store_import_batch_new).
 *  3. import_apply writes it all in one transaction (store_begin /
 *     store_commit), by id (store_import_batch_apply): a new id is added,
 *     a newer copy updates, anything else changes nothing, so importing
 *     the same file twice changes nothing.  import_finish, after the
 *     commit, tidies the store (the WAL checkpoint) outside the lock.
 *
 * What is read, per annotation:
 *   id          "urn:uuid:UUID" or a bare UUID is kept as the id; any other
 *               id (an IRI, Hypothesis's "Q9GJ9BC0EeyPVBtgAn5Yjw") gets a
 *               version 8 UUID made from it (XXH3-128), the same every
 *               time; without an id, one made from the annotation's JSON.
 *   target      W3C: an object (or array of them: the first with a
 *               selector) with "source" and "selector" (an object or an
 *               array; "refinedBy" is followed); Hypothesis: "target":
 *               [{source, selector: [...]}].  A TextQuoteSelector gives
 *               exact, prefix, suffix; a TextPositionSelector start and
 *               end.  No selector: a page note.
 *   reply       "motivation": "replying" with the parent's id as target
 *               (a string, or an object's "id" or "source"); Hypothesis:
 *               "references" (the last one is the parent).  A reply whose
 *               parent is neither in the file nor in the store is skipped
 *               (and counted).
 *   note        TextualBody bodies with purpose "commenting" (or none),
 *               "bodyValue", Hypothesis "text"; several are joined by an
 *               empty line.
 *   tags        TextualBody bodies with purpose "tagging"; Hypothesis
 *               "tags".
 *   author      "creator": a string, or an object's "name", "nickname" or
 *               "id"; Hypothesis "user" (without "acct:"); else the
 *               importing author.
 *   times       "created", "modified" (Hypothesis "updated"); ISO 8601,
 *               stored as UTC seconds; a missing creation time is the
 *               import time.
 *   gloss's own "gloss:status", "gloss:style", "gloss:private" (or the
 *               full IRIs under EXPORT_GLOSS_NS).
 * Text is made NFC; a tag with a control character is a fault; empty
 * tags are dropped.
 *
 * Which document.  An annotation with an id the store has stays where
 * that annotation is, unless its text is known to be another document's.
 * Else its target source chooses: "urn:xxh3-128:H" is the document with
 * a version of hash H ("gloss:version" on the target gives H too), a URL
 * or path the document last read from there.  Else a fallback document
 * (gloss import --to FILE, or a file at the location the export names,
 * see import_prepare); with none, the import is refused with the source
 * named.  A reply goes with its parent.
 *
 * Nothing here is thread-safe; an import set is used by one thread. */
#ifndef GLOSS_IMPORT_H
#define GLOSS_IMPORT_H

#include "gloss/store.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

struct import_set;

/* The largest file import reads. */
#define IMPORT_MAX_SIZE ((size_t)1 << 30)

/* Parses and checks json[0, len) (name: the file's name, for messages).
 * GL_USAGE with a message naming `name` and the place of the first fault
 * ("NAME:3:14: ..." for JSON syntax, "NAME: at first.items[2]...: ..."
 * for content) when it is malformed or holds no annotation shape gloss
 * knows.  *out (free with import_free) is set only on GL_OK. */
enum gl_status import_parse(const char *json, size_t len, const char *name,
			    struct import_set **out, struct gl_error *err);
void import_free(struct import_set *set);
/* Annotations in the set (replies included). */
size_t import_count(const struct import_set *set);

/* A document that takes annotations no document in the store claims
 * (gloss import --to FILE): its text and identity.  It need not be in
 * the store yet: the caller finds or creates it inside the transaction
 * (cli_attach_document) and passes its id to import_apply. */
struct import_fallback {
	const char *text;       /* NUL-terminated, valid UTF-8, NFC; kept
				   alive until import_free */
	size_t len;
	const char *hash;       /* doc_hash of the text */
	int renderer;           /* DOC_RENDERER_VERSION */
	const char *name;       /* its path, for messages (NULL: none) */
	bool hash_only;         /* not named by --to but found at a
				   document's location (import_location):
				   taken only by annotations made on this
				   very text */
};

/* A document the file says where it was read from: gloss export's
 * "gloss:documents" (source "urn:xxh3-128:HASH", "location"), or a
 * target whose source is a path and that names its text's hash.  With
 * the file there and holding that very text (its hash), the caller may
 * pass it to import_prepare as a hash_only fallback, so that a fresh
 * store needs no --to.  Returns false past the last one (i counts from
 * 0); the strings live as long as the set. */
struct import_location {
	const char *hash;
	const char *location;   /* a path, as the file gives it */
	const char *title;      /* NULL when the file gives none */
};
bool import_location(const struct import_set *set, size_t i,
		     struct import_location *out);

/* Finds each annotation's document and places it on the current text
 * (the latest version; a fallback's own text), without taking the write
 * lock.  The annotations made on one text (one target source) go
 * together, to the first of:
 *   1. the stored document with a version of that text (its hash);
 *   2. the fallback (not hash_only) with that very text (its hash);
 *   3. the stored document last read from the source's path or URL;
 *   4. the fallback (not hash_only) that holds the most of their quotes
 *      (an edited article);
 *   5. the hash_only fallback with that very text (its location);
 *   6. when no quote of theirs is found anywhere: the one fallback (not
 *      hash_only) that no other text took in 2 or 4, if there is exactly
 *      one such and no other text is left without a place.
 * An annotation the store has already stays in its document, unless 1, 2
 * or 5 says its text belongs to another document than the one it is in
 * (a wrong --to earlier): it moves there (import_apply reports it
 * updated).  A reply goes with its parent.  fallbacks may be NULL when n
 * is 0; the array is kept until import_free.  Errors: GL_NO_MATCH when a
 * new annotation's document cannot be found (the message names the text
 * and says to use --to FILE); GL_USAGE when two fallbacks fit one text
 * equally well in 4 or 6 (the message names both), and for replies in a
 * loop; the store's.  Call it once per set. */
enum gl_status import_prepare(struct import_set *set, struct store *s,
			      const struct import_fallback *fallbacks, size_t n,
			      struct gl_error *err);
/* True when import_prepare sent annotations to fallback i. */
bool import_uses_fallback(const struct import_set *set, size_t i);

/* Called now and then while preparing (done of total annotations
 * placed) and around the writing (0 of n, then n of n). */
typedef void (*import_progress_fn)(void *ctx, size_t done, size_t total);
void import_set_progress(struct import_set *set, import_progress_fn fn, void *ctx);

struct import_report {
	size_t added, updated, unchanged;
	size_t orphaned;   /* added or updated, but not found in the text */
	size_t skipped;    /* replies whose parent is nowhere */
};

/* Writes the prepared set in one transaction (nested in the caller's if
 * one is open): parents before replies, each by store_annotation_import.
 * fallback_documents[i] is the document id of fallback i (needed for
 * those import_uses_fallback says are used).  On failure the whole
 * transaction, the caller's included, is rolled back (store_rollback) and
 * *report is zeroed; the message names the annotation's place in the
 * file.  Errors: GL_USAGE for a used fallback without its id; the
 * store's. */
enum gl_status import_apply(struct import_set *set, struct store *s,
			    const char *const *fallback_documents,
			    struct import_report *report, struct gl_error *err);
/* After the transaction import_apply wrote in has ended (committed or
 * rolled back): puts back the store connection's settings a big import
 * changed and runs the WAL checkpoint it kept out of the commit, so that
 * the write lock was held only for writing (store_import_batch_finish).
 * Harmless when nothing was applied.  Without it, the checkpoint is made
 * when the store is closed or by a later commit. */
void import_finish(struct import_set *set, struct store *s);

/* A version 8 UUID (lowercase text, STORE_ID_LEN + 1 bytes with the NUL)
 * made from an id that is not a UUID (see "id" above).  For tests. */
void import_derive_id(const char *foreign, char out[STORE_ID_LEN + 1]);

#endif
