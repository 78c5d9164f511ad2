#include <avr/pgmspace.h>
#include "commands.h"
#include "firmata-out.h"
#include "host-watchdog.h"
#include "io-pins.h"
#include "patterns.h"
#include "reporting.h"
#include "tick.h"

#define SYSEX_DESK_PATTERN 0x01
#define SYSEX_DESK_HEARTBEAT 0x02
#define SYSEX_DESK_WATCHDOG 0x03
#define SYSEX_ANALOG_MAPPING_QUERY 0x69
#define SYSEX_CAPABILITY_QUERY 0x6B
#define SYSEX_PIN_STATE_QUERY 0x6D
#define SYSEX_REPORT_FIRMWARE 0x79
#define SYSEX_SAMPLING_INTERVAL 0x7A

static uint8_t lost;

/* Any complete message feeds the watchdog; the first one after a loss restores the host's patterns. */
static uint32_t host_spoke(void) {
  uint32_t now = tick_now();
  host_watchdog_feed(now);
  if (lost) {
    lost = 0;
    patterns_refresh(now, 0);
  }
  return now;
}

static void problem_pin(PGM_P text, uint8_t pin) {
  problem_begin();
  problem_text(text);
  problem_dec(pin);
  problem_end();
}

static void problem_byte(PGM_P text, uint8_t value) {
  problem_begin();
  problem_text(text);
  problem_hex(value);
  problem_end();
}

static uint8_t usable_or_report(uint8_t pin) {
  if (pin_usable(pin)) return 1;
  problem_pin(PSTR("no such pin (2-19 are usable): "), pin);
  return 0;
}

static void set_pin_mode(uint8_t pin, uint8_t mode, uint32_t now) {
  if (!usable_or_report(pin)) return;
  if (!pin_supports(pin, mode)) {
    problem_byte(PSTR("pin mode not supported: "), mode);
    return;
  }
  patterns_set_mode(pin, mode, now);
}

static void digital_message(uint8_t port, uint8_t value, uint32_t now) {
  if (port >= REPORT_PORTS) {
    problem_pin(PSTR("no such port: "), port);
    return;
  }
  for (uint8_t i = 0; i < 8; i++) {
    uint8_t pin = (uint8_t)(port * 8u + i);
    if (pin_usable(pin) && pin_mode(pin) == MODE_OUTPUT) patterns_write_level(pin, (value >> i) & 1u, now);
  }
}

static void system_reset(uint32_t now) {
  reporting_reset();
  patterns_reset(now);
}

void commands_message(uint8_t command, const uint8_t *data) {
  uint32_t now = host_spoke();
  switch (command & 0xF0u) {
    case 0x90:
      digital_message(command & 0x0Fu, (uint8_t)(data[0] | (data[1] << 7)), now);
      return;
    case 0xD0:
      if (!reporting_enable(command & 0x0Fu, data[0] != 0)) problem_pin(PSTR("no such port: "), command & 0x0Fu);
      return;
    case 0xC0: /* report analog: accepted and ignored */
    case 0xE0: /* analog write: no PWM is offered, ignored */
      return;
    default: break;
  }
  switch (command) {
    case 0xF4: set_pin_mode(data[0], data[1], now); return;
    case 0xF5:
      if (usable_or_report(data[0])) patterns_write_level(data[0], data[1] != 0, now);
      return;
    case 0xF9: out_version(); return;
    case 0xFF: system_reset(now); return;
    default: return;
  }
}

static uint8_t length_ok(const uint8_t *data, uint8_t len, uint8_t want) {
  if (len == want) return 1;
  problem_byte(PSTR("wrong length for sysex: "), data[0]);
  return 0;
}

void commands_sysex(const uint8_t *data, uint8_t len) {
  uint32_t now = host_spoke();
  if (len == 0) {
    problem_begin();
    problem_text(PSTR("empty sysex"));
    problem_end();
    return;
  }
  switch (data[0]) {
    case SYSEX_REPORT_FIRMWARE: out_firmware_name(); return;
    case SYSEX_CAPABILITY_QUERY: out_capabilities(); return;
    case SYSEX_ANALOG_MAPPING_QUERY: out_analog_mapping(); return;
    case SYSEX_SAMPLING_INTERVAL: return;
    case SYSEX_PIN_STATE_QUERY:
      if (length_ok(data, len, 2) && usable_or_report(data[1])) out_pin_state(data[1]);
      return;
    case SYSEX_DESK_PATTERN:
      if (!length_ok(data, len, 3) || !usable_or_report(data[1])) return;
      if (data[2] > PATTERN_LAST) {
        problem_byte(PSTR("unknown pattern: "), data[2]);
        return;
      }
      patterns_set(data[1], data[2], now);
      return;
    case SYSEX_DESK_HEARTBEAT:
      if (length_ok(data, len, 1)) out_heartbeat();
      return;
    case SYSEX_DESK_WATCHDOG:
      if (length_ok(data, len, 3)) host_watchdog_set_timeout((uint16_t)(data[1] | (data[2] << 7)), now);
      return;
    default: problem_byte(PSTR("unknown sysex: "), data[0]); return;
  }
}

void commands_tick(uint32_t now) {
  uint8_t is_lost = host_watchdog_lost(now);
  lost = is_lost;
  patterns_refresh(now, is_lost);
  reporting_scan();
}
