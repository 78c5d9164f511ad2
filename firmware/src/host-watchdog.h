/* The host watchdog (PROTOCOL.md "The host watchdog"): no complete message for the timeout = host lost. */
#ifndef DESK_HOST_WATCHDOG_H
#define DESK_HOST_WATCHDOG_H
#include <stdint.h>

#define HOST_WATCHDOG_DEFAULT_MS 3000u

/* A complete message arrived. */
void host_watchdog_feed(uint32_t now);
/* 0 turns the watchdog off. */
void host_watchdog_set_timeout(uint16_t ms, uint32_t now);
/* True while the host counts as lost. Counted from power-on too (the last feed starts at 0). */
uint8_t host_watchdog_lost(uint32_t now);
#endif
