/*
 * The byte-level parser for what the host sends. Any byte with the top bit set starts a new message, so
 * garbage can never hang it: stray data bytes are skipped and reported, an unfinished message is dropped
 * when the next command byte arrives (resync).
 */
#ifndef DESK_FIRMATA_IN_H
#define DESK_FIRMATA_IN_H
#include <stdint.h>

/* Longest sysex body (after F0, before F7) the board accepts. */
#define SYSEX_MAX 16u

void firmata_in_byte(uint8_t b);
#endif
