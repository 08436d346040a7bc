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

/* Writes note drafts the reader is left with (n of them: what each was
 * for, `about[i]`, and its text, `notes[i]`) to
 * $XDG_STATE_HOME/gloss/drafts-TIME-PID.txt, mode 0600; *path (caller
 * frees) gets its name.  Errors: GL_IO. */
enum gl_status annotate_write_drafts(const char *const *about, const char *const *notes, size_t n,
				     char **path, struct gl_error *err);

/* Splits what the reader typed into tags: separated by spaces, commas
 * (also ，、), each NFC, empty ones and those store_tag_problem refuses
 * (too long, control characters) dropped, duplicates merged.  Returns
 * the array (NULL when none; free with annotate_tags_free) and its size
 * in *n. */
char **annotate_parse_tags(const char *text, size_t *n);
void annotate_tags_free(char **tags, size_t n);

#endif
