/* Timer 0 in CTC mode: F_CPU / 64 / 250 = 1 kHz at 16 MHz. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>
#include "tick.h"

#if F_CPU % 64000UL != 0 || F_CPU / 64000UL > 256
#error "timer 0 needs F_CPU to be a multiple of 64 kHz, at most 16.384 MHz, for an exact 1 ms tick"
#endif

static volatile uint32_t ms;

void tick_init(void) {
  TCCR0A = _BV(WGM01);
  OCR0A = (uint8_t)(F_CPU / 64000UL - 1u);
  TIMSK0 = _BV(OCIE0A);
  TCCR0B = _BV(CS01) | _BV(CS00);
}

ISR(TIMER0_COMPA_vect) { ms++; }

uint32_t tick_now(void) {
  uint32_t now;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { now = ms; }
  return now;
}
