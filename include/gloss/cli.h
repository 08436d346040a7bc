/* cli: the scripting commands (add, list, show, edit, rm, undo, redo,
 * reply, resolve, reopen, tags, docs, search, ...): arguments ->
 * store/anchor calls -> plain text or JSON on stdout.
 *
 * main resolves everything that is common (store location, author,
 * loading options, --json) and hands the command's own arguments here. */
#ifndef GLOSS_CLI_H
#define GLOSS_CLI_H

#include "gloss/doc.h"
#include "gloss/store.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stdio.h>

struct cli_context {
	const char *db_path;     /* resolved store location (never NULL) */
	bool db_path_explicit;   /* from --db, GLOSS_DB or the config file */
	const char *author;      /* resolved author name (never NULL) */
	bool json;               /* --json: print JSON instead of text */
	struct doc_load_options load; /* --format, --encoding, --binary */
};

/* True when `name` is a subcommand cli_main knows. */
bool cli_is_command(const char *name);
/* The command names a mistyped word is closest to, at most two edits
 * away (an insertion, deletion, replacement, or two neighbours swapped)
 * and fewer edits than the word has letters: "export" for "exprot";
 * several as close are joined by " or " ("show or rm").  NULL when none
 * is that close.  "open" counts as a command.  Caller frees. */
char *cli_suggest_command(const char *word);
/* Runs the subcommand argv[0] with its arguments (getopt_long style,
 * options may follow operands).  Prints results on stdout and one-line
 * errors ("gloss: ...") on stderr; returns the exit status. */
int cli_main(const struct cli_context *ctx, int argc, char **argv);
/* One line per subcommand for `gloss --help`. */
void cli_print_usage(FILE *f);

/* ------------------------------------------------- finding a document
 * How a loaded article finds its record in the store (DESIGN, "What is
 * stored"), shared by the commands and the reader:
 *
 *  1. by its hash and DOC_RENDERER_VERSION: a version the store has;
 *  2. else, unless the document is transient (stdin, a temporary file:
 *     doc_source_is_transient), by its source's absolute path (or its
 *     URL, for a page fetched by doc_load), when the
 *     new text is similar enough to that document's latest version
 *     (cli_text_similar): the text is recorded as a new version;
 *  3. else, when `create`, a new document with this text as its first
 *     version.
 *
 * Whenever a document is found, its annotations last anchored on another
 * version are re-anchored on this text (anchor_resolve_in) and their new
 * place and state (exact, moved, fuzzy, orphan) recorded, with an event
 * each; an orphan keeps its old place and version.  All of it is one
 * transaction.  On a read-only store nothing is recorded: the document is
 * found (cases 1 and 2) but no version is added and nothing re-anchored
 * (`unsaved` is set in case 2). */
struct cli_document {
	char *id;            /* the document's id; NULL when not found and not
				created */
	bool created;        /* case 3 */
	bool new_version;    /* case 2: recorded as a new version */
	bool unsaved;        /* case 2 on a read-only store */
	size_t reanchored;   /* annotations whose place or state changed */
	size_t orphans;      /* of which now orphans */
};
/* Errors are the store's (see store.h); `out` is filled on GL_OK.  Free
 * it with cli_document_clear. */
enum gl_status cli_attach_document(struct store *s, const struct doc *d,
				   bool create, struct cli_document *out,
				   struct gl_error *err);
void cli_document_clear(struct cli_document *cd);

/* Adds an annotation by the store's author on [start_cp, end_cp) (code
 * points) of the loaded text `d`, whose store document is `document`
 * (cli_attach_document): its selectors are made by anchor_make and it is
 * recorded as exact on this version.  start_cp = end_cp = -1 makes a page
 * note.  `what` gives the rest (style, note, tags, private); its
 * document, version, range, selectors and anchor are ignored.  *id
 * (caller frees) gets the new id.  Errors: GL_USAGE for a range out of
 * the text or not on cluster boundaries (anchor's), the store's. */
enum gl_status cli_annotation_make(struct store *s, const struct doc *d,
				   const char *document, long long start_cp,
				   long long end_cp,
				   const struct store_new_annotation *what,
				   char **id, struct gl_error *err);

/* The similarity rule of case 2: at least half of the old text's 8-code-
 * point shingles (a sample chosen by their hash, the same in both texts,
 * so that it is cheap for long texts: about CLI_SIMILAR_SAMPLES of them)
 * still occur in the new text.  So appending, fixing typos or moving
 * paragraphs keeps the document; replacing most of it makes a new one.
 * Texts under 8 code points are similar only when equal. */
#define CLI_SIMILAR_SHINGLE 8
#define CLI_SIMILAR_SAMPLES 16384
bool cli_text_similar(const char *old_text, size_t old_len,
		      const char *new_text, size_t new_len);

/* ----------------------------------------------- a stored document
 * `gloss open ID|TITLE` and the reader's :docs read a colleague's article
 * from the text the store kept, without the file.  `which` is a
 * document's id or a unique prefix of one (at least STORE_ID_MIN_PREFIX
 * characters), its exact title, or a part of its title (case-insensitive
 * for ASCII) that only one document has.  The latest stored version
 * becomes *d (DOC_FORMAT_VERBATIM; its source is the document's last
 * source, or none), and *id the document's id; the caller frees both
 * (doc_free, free).  Errors: GL_NO_MATCH when nothing matches,
 * GL_USAGE when several documents do (the message names them), the
 * store's failures. */
enum gl_status cli_open_stored(struct store *s, const char *which,
			       struct doc **d, char **id, struct gl_error *err);

#endif
