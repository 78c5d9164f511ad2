#include "host-watchdog.h"

static uint32_t last_feed;
static uint16_t timeout_ms = HOST_WATCHDOG_DEFAULT_MS;

void host_watchdog_feed(uint32_t now) { last_feed = now; }

void host_watchdog_set_timeout(uint16_t ms, uint32_t now) {
  timeout_ms = ms;
  last_feed = now;
}

uint8_t host_watchdog_lost(uint32_t now) {
  return timeout_ms != 0 && now - last_feed >= timeout_ms;
}
