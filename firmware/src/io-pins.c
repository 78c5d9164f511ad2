/* Register access by Arduino pin number. Reads: DESK_PIN_PORTS, DESK_PIN_BITS from the generated pin map. */
#include <avr/io.h>
#include <util/atomic.h>
#include "io-pins.h"

struct port_regs {
  volatile uint8_t *in;
  volatile uint8_t *ddr;
  volatile uint8_t *out;
};
/* Index order matches gen-pins.mjs: 0 = B, 1 = C, 2 = D. */
static const struct port_regs ports[3] = {
    {&PINB, &DDRB, &PORTB},
    {&PINC, &DDRC, &PORTC},
    {&PIND, &DDRD, &PORTD},
};
static const uint8_t port_of[DESK_PIN_COUNT] = DESK_PIN_PORTS;
static const uint8_t bit_of[DESK_PIN_COUNT] = DESK_PIN_BITS;
static uint8_t modes[DESK_PIN_COUNT];

uint8_t pin_usable(uint8_t pin) { return pin >= FIRST_PIN && pin < DESK_PIN_COUNT; }

uint8_t pin_supports(uint8_t pin, uint8_t mode) {
  if (!pin_usable(pin)) return 0;
  if (mode == MODE_INPUT || mode == MODE_OUTPUT || mode == MODE_PULLUP) return 1;
  return mode == MODE_ANALOG && pin >= FIRST_ANALOG_PIN;
}

static void set_bit(volatile uint8_t *reg, uint8_t mask, uint8_t on) {
  /* Read-modify-write of a port register shared with nothing in an ISR, but kept atomic for safety. */
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    if (on)
      *reg |= mask;
    else
      *reg &= (uint8_t)~mask;
  }
}

void pin_set_mode(uint8_t pin, uint8_t mode, uint8_t level) {
  if (!pin_supports(pin, mode)) return;
  const struct port_regs *r = &ports[port_of[pin]];
  uint8_t mask = (uint8_t)(1u << bit_of[pin]);
  modes[pin] = mode;
  if (mode == MODE_OUTPUT) {
    set_bit(r->out, mask, level);
    set_bit(r->ddr, mask, 1);
  } else {
    set_bit(r->ddr, mask, 0);
    set_bit(r->out, mask, mode == MODE_PULLUP);
  }
}

uint8_t pin_mode(uint8_t pin) { return pin_usable(pin) ? modes[pin] : 0x7F; }

void pin_write(uint8_t pin, uint8_t level) {
  if (!pin_usable(pin) || modes[pin] != MODE_OUTPUT) return;
  set_bit(ports[port_of[pin]].out, (uint8_t)(1u << bit_of[pin]), level);
}

uint8_t pin_port_bit(uint8_t pin) {
  if (!pin_usable(pin)) return 0;
  return (*ports[port_of[pin]].out >> bit_of[pin]) & 1u;
}

uint8_t pin_read(uint8_t pin) {
  if (!pin_usable(pin)) return 0;
  return (*ports[port_of[pin]].in >> bit_of[pin]) & 1u;
}
