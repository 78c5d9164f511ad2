/*
 * Pattern engine. Reads from the pin map: DESK_LIGHT_PINS, DESK_LIGHT_ACTIVE, DESK_READY_PIN, DESK_RINGER_PIN,
 * DESK_RINGER_ACTIVE, DESK_HOOK_PIN/PULLUP, DESK_HOLD_PIN/PULLUP.
 * All blinking pins share one phase clock (the ms tick), so lights blink together (PROTOCOL.md, DESK_PATTERN).
 */
#include "patterns.h"
#include "io-pins.h"

#define BLINK_PERIOD_MS 1000u
#define FAST_PERIOD_MS 250u

static const uint8_t light_pins[DESK_LIGHT_COUNT] = DESK_LIGHT_PINS;
static uint8_t pattern[DESK_PIN_COUNT];
static uint8_t active_level[DESK_PIN_COUNT];
static uint8_t is_panel[DESK_PIN_COUNT];
static uint8_t lost_shown;

#define PHASE_BLINK 0x01u
#define PHASE_FAST 0x02u

/* Which blink halves are lit at `now`; one 32-bit division per refresh, not per pin. */
static uint8_t phases(uint32_t now) {
  uint16_t t = (uint16_t)(now % BLINK_PERIOD_MS);
  uint8_t p = 0;
  if (t < BLINK_PERIOD_MS / 2u) p |= PHASE_BLINK;
  if (t % FAST_PERIOD_MS < FAST_PERIOD_MS / 2u) p |= PHASE_FAST;
  return p;
}

static uint8_t lit(uint8_t pat, uint8_t phase) {
  switch (pat) {
    case PATTERN_ON: return 1;
    case PATTERN_BLINK: return (phase & PHASE_BLINK) != 0;
    case PATTERN_FAST: return (phase & PHASE_FAST) != 0;
    default: return 0;
  }
}

static void apply(uint8_t pin, uint8_t phase) {
  if (pin_mode(pin) != MODE_OUTPUT) return;
  uint8_t pat = pattern[pin];
  if (lost_shown && is_panel[pin]) pat = pin == DESK_READY_PIN ? PATTERN_FAST : PATTERN_OFF;
  uint8_t level = lit(pat, phase) ? active_level[pin] : (uint8_t)!active_level[pin];
  if (pin_port_bit(pin) != level) pin_write(pin, level);
}

void patterns_init(void) {
  for (uint8_t pin = 0; pin < DESK_PIN_COUNT; pin++) active_level[pin] = 1;
  for (uint8_t i = 0; i < DESK_LIGHT_COUNT; i++) {
    uint8_t pin = light_pins[i];
    active_level[pin] = DESK_LIGHT_ACTIVE;
    is_panel[pin] = 1;
  }
  active_level[DESK_RINGER_PIN] = DESK_RINGER_ACTIVE;
  is_panel[DESK_RINGER_PIN] = 1;
  for (uint8_t pin = FIRST_PIN; pin < DESK_PIN_COUNT; pin++) {
    if (is_panel[pin]) pin_set_mode(pin, MODE_OUTPUT, (uint8_t)!active_level[pin]);
  }
  pin_set_mode(DESK_HOOK_PIN, DESK_HOOK_PULLUP ? MODE_PULLUP : MODE_INPUT, 0);
  pin_set_mode(DESK_HOLD_PIN, DESK_HOLD_PULLUP ? MODE_PULLUP : MODE_INPUT, 0);
}

void patterns_set(uint8_t pin, uint8_t pat, uint32_t now) {
  if (!pin_usable(pin) || pat > PATTERN_LAST) return;
  if (pin_mode(pin) != MODE_OUTPUT) pin_set_mode(pin, MODE_OUTPUT, (uint8_t)!active_level[pin]);
  pattern[pin] = pat;
  apply(pin, phases(now));
}

void patterns_write_level(uint8_t pin, uint8_t level, uint32_t now) {
  if (!pin_usable(pin) || pin_mode(pin) != MODE_OUTPUT) return;
  pattern[pin] = (level ? 1u : 0u) == active_level[pin] ? PATTERN_ON : PATTERN_OFF;
  apply(pin, phases(now));
}

void patterns_set_mode(uint8_t pin, uint8_t mode, uint32_t now) {
  if (!pin_supports(pin, mode)) return;
  pattern[pin] = PATTERN_OFF;
  pin_set_mode(pin, mode, (uint8_t)!active_level[pin]);
  apply(pin, phases(now));
}

void patterns_reset(uint32_t now) {
  uint8_t phase = phases(now);
  for (uint8_t pin = FIRST_PIN; pin < DESK_PIN_COUNT; pin++) {
    pattern[pin] = PATTERN_OFF;
    apply(pin, phase);
  }
}

void patterns_refresh(uint32_t now, uint8_t lost) {
  uint8_t phase = phases(now);
  lost_shown = lost;
  for (uint8_t pin = FIRST_PIN; pin < DESK_PIN_COUNT; pin++) apply(pin, phase);
}
