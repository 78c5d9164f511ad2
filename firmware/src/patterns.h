/*
 * What each output pin shows: a pattern (off / on / blink / fast) the host set, or, while the host is
 * lost, the "controller lost" picture (every panel light and the ringer off, READY fast).
 * Patterns speak of the light, not the wire: "on" drives a panel pin to its active level from the pin map.
 */
#ifndef DESK_PATTERNS_H
#define DESK_PATTERNS_H
#include <stdint.h>

#define PATTERN_OFF 0
#define PATTERN_ON 1
#define PATTERN_BLINK 2
#define PATTERN_FAST 3
#define PATTERN_LAST PATTERN_FAST

/* Power-on state: panel lights and ringer are outputs, off; hook and hold inputs per the pin map. */
void patterns_init(void);
/* Puts the pin in OUTPUT mode (if it is not) and runs the pattern on it. */
void patterns_set(uint8_t pin, uint8_t pattern, uint32_t now);
/* The host set a raw level (digital message, set pin value): cancels the pattern on that pin. */
void patterns_write_level(uint8_t pin, uint8_t level, uint32_t now);
/* The host changed the pin's mode: the pattern is cleared; an output starts off. */
void patterns_set_mode(uint8_t pin, uint8_t mode, uint32_t now);
/* System reset: every pattern cleared, every output off. */
void patterns_reset(uint32_t now);
/* Drives every output pin for the time `now`, showing "controller lost" when `lost`. */
void patterns_refresh(uint32_t now, uint8_t lost);
#endif
