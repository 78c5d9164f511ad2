/* Levels are raw: inputs are debounced by the host (PROTOCOL.md). */
#include "reporting.h"
#include "firmata-out.h"
#include "io-pins.h"

static uint8_t enabled;
static uint8_t last_sent[REPORT_PORTS];

static uint8_t port_inputs(uint8_t port) {
  uint8_t value = 0;
  for (uint8_t i = 0; i < 8; i++) {
    uint8_t pin = (uint8_t)(port * 8u + i);
    if (!pin_usable(pin)) continue;
    uint8_t mode = pin_mode(pin);
    if (mode != MODE_INPUT && mode != MODE_PULLUP && mode != MODE_ANALOG) continue;
    if (pin_read(pin)) value |= (uint8_t)(1u << i);
  }
  return value;
}

uint8_t reporting_enable(uint8_t port, uint8_t on) {
  if (port >= REPORT_PORTS) return 0;
  uint8_t mask = (uint8_t)(1u << port);
  if (!on) {
    enabled &= (uint8_t)~mask;
    return 1;
  }
  enabled |= mask;
  last_sent[port] = port_inputs(port);
  out_digital_port(port, last_sent[port]);
  return 1;
}

void reporting_reset(void) { enabled = 0; }

void reporting_scan(void) {
  for (uint8_t port = 0; port < REPORT_PORTS; port++) {
    if (!(enabled & (1u << port))) continue;
    uint8_t value = port_inputs(port);
    if (value == last_sent[port]) continue;
    last_sent[port] = value;
    out_digital_port(port, value);
  }
}
