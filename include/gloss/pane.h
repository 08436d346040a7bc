/* pane: one kind of pane of the reader, as tig's views are.
 *
 * The reader shows three panes: the text, the outline and the notes.
 * Each is one file (src/pane-text.c, src/pane-outline.c,
 * src/pane-notes.c) filling a `struct pane_ops`: draw what changed into
 * its window, handle an action (or hand it back to the controller's
 * common handler), follow the text (select), answer the mouse, and dump
 * its state for tests.  Panes never talk to each other: what they share
 * is in `struct pane_shared`, owned by the controller (app.c), and what
 * they want done elsewhere (jump the text to an offset, say something in
 * the status line) they ask through its callbacks.
 *
 * The text pane owns the reading position (the row at the top); it
 * publishes its offset in pane_shared.top for the others. */
#ifndef GLOSS_PANE_H
#define GLOSS_PANE_H

#include "gloss/doc.h"
#include "gloss/keymap.h"
#include "gloss/layout.h"
#include "gloss/outline.h"
#include "gloss/search.h"
#include "gloss/store.h"
#include "gloss/ui.h"
#include "gloss/util.h"

#include <stdbool.h>
#include <stddef.h>

/* An annotation of the open document as the panes show it. */
struct pane_annot {
	const struct store_annotation *a;   /* owned by the controller */
	bool placed;         /* it has a range on this text */
	size_t start, end;   /* that range, bytes in doc_text(), when placed */
	int style;           /* 1..5: its highlight style (HL1..HL5) */
	size_t replies;      /* how many replies it has */
	size_t section;      /* its outline entry, or (size_t)-1 */
};

/* What every pane sees; filled and owned by the controller. */
struct pane_shared {
	struct ui *ui;
	const struct keymap *km;
	const struct doc *doc;
	const struct outline *outline;
	struct layout *layout;
	struct search *search;
	/* Annotations in text order: page notes first, then placed ones by
	   start, then those not placed on this text.  Replies are not
	   listed (counted in their parent's `replies`). */
	const struct pane_annot *annots;
	size_t nannots;
	/* Per outline entry, how many placed annotations its section holds
	   (outline_count entries). */
	const size_t *section_counts;

	/* Published by the text pane after every draw or move. */
	size_t top;              /* the offset of the text at the top */
	size_t bottom;           /* just after the text of the last row shown */
	bool at_end;             /* the last row of the text is on screen */

	/* The search match the reader is on (highlighted apart). */
	bool has_current_match;
	struct search_match current_match;

	/* Requests to the controller. */
	void *app;
	/* Shows `offset` at the top of the text pane; with `record`, as a
	   jump (the jump list and '' remember where the reader was). */
	void (*jump)(void *app, size_t offset, bool record);
	/* Says something in the status line until the next key. */
	void (*message)(void *app, bool error, const char *text);
	/* Closes an overlay pane (narrow terminals) and focuses the text. */
	void (*close_overlay)(void *app);
};

enum pane_kind { PANE_TEXT, PANE_OUTLINE, PANE_NOTES, PANE_KIND_COUNT };

struct pane;

struct pane_ops {
	const char *name;          /* "text", "outline", "notes" */
	enum keymap_mode mode;     /* the keys it takes when focused */
	/* Allocates the private state (p->priv). */
	void (*open)(struct pane *p);
	void (*close)(struct pane *p);
	/* The document, its layout or its annotations changed: drop what
	   was derived from them. */
	void (*reload)(struct pane *p);
	/* Draws into p->win what changed since the last draw (everything
	   when p->dirty).  Does not stage the window. */
	void (*draw)(struct pane *p);
	/* Handles an action repeated `count` times (count >= 1; `counted`
	   says whether the reader typed a count).  Returns ACTION_NONE when
	   handled, else the action, for the common handler. */
	enum action (*handle)(struct pane *p, enum action a, long count, bool counted);
	/* Follows the text: the text pane shows `offset` at its top; the
	   others choose the item that offset belongs to (unless focused). */
	void (*select)(struct pane *p, size_t offset);
	/* A mouse event at (y, x) relative to the pane. */
	void (*mouse)(struct pane *p, enum ui_mouse_kind kind, int y, int x);
	/* Appends "key: value" lines describing its state (:save-state). */
	void (*state)(struct pane *p, struct buf *out);
};

struct pane {
	const struct pane_ops *ops;
	struct pane_shared *sh;
	struct ui_win *win;      /* NULL until placed */
	int h, w;                /* its size */
	bool focused;
	bool dirty;              /* redraw all of it at the next draw */
	void *priv;
};

extern const struct pane_ops pane_text_ops;
extern const struct pane_ops pane_outline_ops;
extern const struct pane_ops pane_notes_ops;

/* Helpers the panes share (src/pane-text.c). */

/* Draws s (any text, made terminal-safe) at (y, x) in at most max_w
 * columns, ending with "…" (or "~" when ambiguous characters are wide)
 * when it does not fit; returns the columns used. */
int pane_put_clipped(struct ui_win *w, int y, int x, const char *s, size_t n,
		     int max_w, enum ui_style style);
/* The first line of s (up to a line feed), as a length. */
size_t pane_first_line(const char *s);
/* `fancy` (East Asian Ambiguous characters such as “ ” · │ …) when those
 * are one column wide, else `plain` (ASCII): a terminal set to draw them
 * two columns wide would otherwise get placeholders. */
const char *pane_glyph(const char *fancy, const char *plain);

#endif
