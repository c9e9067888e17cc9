/*
 * shape_text.h - the text of objects shaped as the last ones (shape.c).
 *
 * An image's entries repeat a few text layouts: the same members in the
 * same order, the same white space; only the values change. A shape's
 * text is that text without the values, learnt from an object read the
 * general way; the next object is matched against the shapes of its kind
 * whole, in the window, and its values read in place.
 */
#ifndef CRIT_SHAPE_TEXT_H
#define CRIT_SHAPE_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "json/jsonread.h"
#include "json/scan.h"

#define SHAPE_MEMBERS 48
#define SHAPE_TEXT 1024
#define SHAPE_TEXTS 4 /* of one kind of object */

struct shape_text {
	uint32_t n; /* members */
	/* Piece i, the text before member i's value (white space, ',', the
	 * quoted name, ':'), or for i == n what follows the last value up
	 * to and with the '}', is text[cut[i], cut[i + 1]). */
	uint16_t cut[SHAPE_MEMBERS + 2];
	uint16_t lines[SHAPE_MEMBERS + 1];   /* newlines in piece i */
	uint16_t line_at[SHAPE_MEMBERS + 1]; /* where the line after the last of them starts, in piece i */
	uint8_t text[SHAPE_TEXT];
};

/* The shapes of one kind of object, tried together. */
struct shape_texts {
	int n;
	int next; /* the one a new shape replaces */
	/* How many leading pieces shapes i and j have in common: where one
	 * differs from an object, the match goes on with another. */
	uint8_t common[SHAPE_TEXTS][SHAPE_TEXTS];
	struct shape_text s[SHAPE_TEXTS];
};

/* The shape of the object whose text is the input from offset from (after
 * its '{') to the reader (after its '}'), and its values in v, when it is
 * still in the window, has n members, all with plain names and values
 * jr_value holds, and fits a shape_text: added to set unless it is there
 * (*added tells), and its index; else -1. */
int shape_text_learn(const struct jr *r, uint64_t from, uint32_t n, struct shape_texts *set, struct jr_value *v,
		   bool *added);


#endif
