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
	bool mine;           /* made by the reader (the store's author) */
	/* What is new: made by a colleague since the reader's last visit
	   to this document and not yet seen in this session (chosen in the
	   focused notes pane, opened, or reached with ]n and the like);
	   new_replies counts its colleagues' new replies the same way. */
	bool is_new;
	size_t new_replies;
};

/* The placed annotations of a list sorted by start, with an implicit
 * interval tree over them (as in Heng Li's cgranges): the annotations
 * at an offset or in a range are found in O(log n + found), which keeps
 * a key's work proportional to the screen with 100,000 annotations. */
struct pane_annot_index {
	size_t *order;     /* indices into the list of the placed ones, by start */
	size_t *max_end;   /* per tree node, the largest end in its subtree */
	size_t n;          /* how many are placed */
	int root_level;    /* the tree's height; -1 when empty */
	bool list_order;   /* order[] is the list's own order (annot_order) */
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
	/* The placed ones by start, for finding them without a pass over
	   all (pane_annot_index_build after every change of annots). */
	struct pane_annot_index annot_index;
	/* Changes whenever annots is read again (panes keep what they
	   computed from the list until it does). */
	unsigned long annots_generation;
	/* Per outline entry, how many placed annotations its section holds
	   (outline_count entries). */
	const size_t *section_counts;

	/* Published by the text pane after every draw or move. */
	size_t top;              /* the offset of the text at the top */
	size_t bottom;           /* just after the text of the last row shown */
	bool at_end;             /* the last row of the text is on screen */

	/* The reading cursor (a byte offset on a cluster boundary), owned by
	   the text pane; shown once the reader moved it (cursor_shown).  A
	   selection runs from sel_anchor to the cursor, both clusters
	   included: [min, max + its cluster). */
	size_t cursor;
	bool cursor_shown;
	bool selecting;
	size_t sel_anchor;
	/* Set by the controller after it moved the cursor: the text pane
	   brings it into view at the next draw. */
	bool follow;
	/* The annotation the notes pane has chosen (an index into annots),
	   or (size_t)-1; published by the notes pane. */
	size_t notes_chosen;
	/* The notes pane's filter (:filter); NULL / 0 / false: any. */
	const char *filter_tag, *filter_author;
	int filter_style;
	bool filter_status_set;
	enum store_status filter_status;
	/* Others' annotations hidden (O, :set others off): only the
	   reader's own show, in the text and in the notes. */
	bool hide_others;

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
	/* The reader has seen annotation `i` (an index into annots) and the
	   replies under it: it is no longer marked new. */
	void (*seen)(void *app, size_t i);
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

/* The selection as a byte range [*start, *end) of the text; false when
 * there is none (src/pane-text.c). */
bool pane_selection(const struct pane_shared *sh, size_t *start, size_t *end);
/* The innermost (shortest) placed annotation that contains byte `off`,
 * as an index into sh->annots, or (size_t)-1.  Hidden others' (see
 * hide_others) are not there. */
size_t pane_annot_at(const struct pane_shared *sh, size_t off);
/* Builds `ix` for annots[0, n) (their placed ones), freeing what it held;
 * pane_annot_index_free frees it.  The index points into annots by
 * position: build it again whenever the list changes. */
void pane_annot_index_build(struct pane_annot_index *ix, const struct pane_annot *annots,
			    size_t n);
void pane_annot_index_free(struct pane_annot_index *ix);
/* The first position in sh->annot_index.order whose annotation starts at
 * or after byte `off` (annot_index.n when none): binary search. */
size_t pane_annot_lower_bound(const struct pane_shared *sh, size_t off);
/* Visits the placed annotations that end after byte `from` and start
 * before `to`, by start (ties by list position), calling visit with the
 * index into sh->annots until it returns true; returns that index, or
 * (size_t)-1 when visit never returned true. */
size_t pane_annot_overlapping(const struct pane_shared *sh, size_t from, size_t to,
			      bool (*visit)(const struct pane_shared *sh, size_t i, void *ctx),
			      void *ctx);
/* True when the annotation passes the notes pane's filter (and is not a
 * hidden colleague's). */
bool pane_annot_visible(const struct pane_shared *sh, const struct pane_annot *an);
/* How an author's name is drawn (UI_AUTHOR0 + ui_author_colour). */
enum ui_style pane_author_style(const char *author);

/* Cursor motions and text objects (src/pane-motion.c), on the document's
 * text in bytes; every offset returned is on a cluster boundary.
 *
 * pane_motion moves `off` by one step of `a` (ACTION_CURSOR_LEFT/RIGHT: a
 * grapheme cluster; WORD_NEXT/PREV: to the start of the next / previous
 * word, where a word is a run of letters and digits of one script (so in
 * CJK text, where words have no spaces, a run of Han, of hiragana, of
 * katakana, of Latin letters... each count as a word; digits join the
 * run they touch) or one punctuation mark or symbol; WORD_END: to the last
 * cluster of the word (vim's e: of the next one when already there);
 * CLAUSE_NEXT/PREV:
 * just past the next clause mark ，、,；;：: or sentence mark (from the one
 * under the cursor on) / to the start of the clause, or of the one before
 * when already there; SENTENCE_NEXT/PREV: the same with 。！？.!?… (and the
 * closing quotes after them); PARAGRAPH_NEXT/PREV: the start of the next /
 * previous block).  Other actions return `off`. */
size_t pane_motion(const struct doc *d, size_t off, enum action a);
/* The cursor after one step of `a` in a selection whose other end is
 * *anchor.  Word motions (WORD_NEXT, WORD_END, WORD_PREV) keep the
 * selection on word edges: while the cursor is the selection's end
 * (cursor >= anchor) it rests on the last cluster of a word, so the
 * selection never takes the first character of the next word; while it
 * is the start it rests on the first cluster of a word.  Forward, w and e
 * are the same step.  They never take the selection's end into another
 * paragraph (a word motion at the paragraph's last word stays: } and j
 * do cross), nor its start back into the one before.  When one cluster is
 * selected (cursor == *anchor), on the first cluster of a word of letters
 * and the selection grows back, or on its last and it grows forward, the
 * word comes in whole: *anchor moves to its other edge.  Other actions
 * are pane_motion's (and leave *anchor). */
size_t pane_select_motion(const struct doc *d, size_t *anchor, size_t cursor, enum action a);
/* Where Ctrl-W in a prompt starts deleting, going back from `off` in the
 * UTF-8 text s (n bytes): over spaces, then one word as WORD_PREV finds
 * it (a run of one script, or one punctuation mark), never across a line
 * break; a line break just before `off` goes alone. */
size_t pane_word_rubout_start(const char *s, size_t n, size_t off);
/* The text object `key` around `off`: q, any quote pair 「」『』“”‘’＂＂""
 * and b, any bracket pair （）()《》〈〉【】[]{}〔〕: the innermost pair in
 * the paragraph that encloses `off`, inside (without the marks) or around
 * (with them); s, the sentence and c, the clause: with its closing mark
 * (and closing quotes after it), around adds the spaces that follow; p,
 * the paragraph; w, the word under `off` as WORD_NEXT sees words (a run
 * of one script, or one punctuation mark; on spaces, the spaces), around
 * adds the spaces after it (else those before it; on spaces, the word
 * after them).  Returns false when there is none. */
bool pane_text_object(const struct doc *d, size_t off, int32_t key, bool around,
		      size_t *start, size_t *end);

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
