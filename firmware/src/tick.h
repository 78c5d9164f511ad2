/* The 1 ms system tick (timer 0): the one clock for blink phases, the host watchdog and input scans. */
#ifndef DESK_TICK_H
#define DESK_TICK_H
#include <stdint.h>

void tick_init(void);
/* Milliseconds since power-on. */
uint32_t tick_now(void);
#endif
