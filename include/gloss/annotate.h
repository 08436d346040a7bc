/* annotate: the reader's changes to annotations, as one value that can be
 * applied to the store, applied again later when the store could not take
 * it (disk full, locked, read-only), and written to a recovery file so
 * that nothing the reader typed is ever lost.  Part of the reader (app);
 * it uses cli's cli_annotation_make so that the reader and `gloss add`
 * make an annotation the same way. */
#ifndef GLOSS_ANNOTATE_H
#define GLOSS_ANNOTATE_H

#include "gloss/doc.h"
#include "gloss/store.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

enum annotate_kind {
	ANNOTATE_ADD,    /* a new annotation (a highlight, tags, a note) */
	ANNOTATE_EDIT,   /* a change to an existing one */
	ANNOTATE_REPLY,  /* a reply (its note) to an existing one */
};

/* Every string is owned by the change (annotate_change_clear frees). */
struct annotate_change {
	enum annotate_kind kind;
	char *id;                 /* EDIT: the annotation's id; REPLY: the
				     annotation replied to */
	long long start_cp, end_cp; /* ADD: the range; -1, -1 for a page note */
	char *quote;              /* ADD: the text of the range (for messages
				     and the recovery file) */
	bool set_style;           /* ADD: always; EDIT: change it */
	char *style;              /* "1".."5" */
	bool set_note;
	char *note;               /* NULL or "": none */
	bool set_tags;            /* EDIT: `tags` is the whole new set */
	char **tags;
	size_t ntags;
	int set_private;          /* 1 private, -1 shared, 0 unchanged (ADD:
				     1 makes it private) */
};
void annotate_change_clear(struct annotate_change *c);

/* Applies `c` by the store's author: ADD makes the annotation on the
 * loaded text `d` whose store document is `document` (*new_id, which may
 * be NULL, gets its id: caller frees); EDIT changes note, style, tags
 * (adding and removing to reach the new set) and privacy in one
 * transaction; REPLY adds the note as a reply (private when set_private
 * is 1; *new_id gets its id).  Errors are the store's: GL_DENIED (not the author),
 * GL_NO_MATCH (deleted meanwhile), and the store-wide failures
 * (GL_STORE_FULL, GL_STORE_BUSY, GL_STORE_READONLY, GL_STORE) after
 * which `c` is unchanged and can be applied again. */
enum gl_status annotate_apply(struct store *s, const struct doc *d, const char *document,
			      const struct annotate_change *c, char **new_id,
			      struct gl_error *err);

/* Writes what `c` holds as text a person can read and paste back, to
 * $XDG_STATE_HOME/gloss/recovery-TIME-PID.txt (~/.local/state when
 * XDG_STATE_HOME is unset); *path (caller frees) gets its name.  `title`
 * names the document.  Errors: GL_IO. */
enum gl_status annotate_write_recovery(const struct annotate_change *c, const char *title,
				       char **path, struct gl_error *err);

/* A note draft: text typed in a note prompt and not saved, kept in a
 * drafts file so that the reader offers it again when the article is
 * opened again (after a restart too).  Every string is owned (NULL when
 * not known); annotate_draft_clear frees them. */
struct annotate_draft {
	char *key;       /* what it is for: "add HASH START END" (a note on
			    code points START..END of the text with that hash;
			    -1 -1 for a page note), "note ID" (the note of
			    annotation ID), "reply ID" (a reply to it) */
	char *document;  /* the store's document id, if it was known */
	char *quote;     /* "add": the text it was on */
	char *about;     /* what it was for, in words */
	char *note;      /* what was typed */
	char *file;      /* annotate_read_drafts: the file it is in */
};
void annotate_draft_clear(struct annotate_draft *d);

/* Writes note drafts the reader is left with (n of them; `file` is not
 * used) to $XDG_STATE_HOME/gloss/drafts-TIME-PID.txt, mode 0600: each
 * as "draft: ABOUT", "key: KEY", "document: ID", "quote: N bytes" and
 * "note: N bytes" lines, the last two followed by the N bytes and a
 * line break (a person can copy a note from there; the reader reads it
 * back).  *path (caller frees) gets its name.  Errors: GL_IO. */
enum gl_status annotate_write_drafts(const struct annotate_draft *drafts, size_t n, char **path,
				     struct gl_error *err);

/* Reads the drafts of every drafts-*.txt in $XDG_STATE_HOME/gloss/
 * (oldest file first), appending them to *drafts (n of them; caller
 * frees each with annotate_draft_clear, then the array).  A file that
 * cannot be read, and an entry without a key or a note (a file written
 * by an older gloss, or cut short), are passed over: such a file is
 * never changed by gloss. */
void annotate_read_drafts(struct annotate_draft **drafts, size_t *n);

/* Removes from `file` (as annotate_read_drafts named it) the first draft
 * with this key and note, rewriting it atomically; a file left with no
 * draft is removed.  A draft not found there is not an error (another
 * session took it).  Errors: GL_IO. */
enum gl_status annotate_forget_draft(const char *file, const char *key, const char *note,
				     struct gl_error *err);

/* Splits what the reader typed into tags: separated by spaces, commas
 * (also ，、), each NFC, empty ones and those store_tag_problem refuses
 * (too long, control characters) dropped, duplicates merged.  Returns
 * the array (NULL when none; free with annotate_tags_free) and its size
 * in *n. */
char **annotate_parse_tags(const char *text, size_t *n);
void annotate_tags_free(char **tags, size_t n);

#endif
