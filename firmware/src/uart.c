/* USART0 driver. Reads: DESK_BAUD (hardware/<rev>.json "baud"), F_CPU. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>
#include "pin-map.h"
#include "uart.h"

#define BAUD DESK_BAUD
#include <util/setbaud.h>

/* Sizes are powers of two so the index wrap is a mask. */
#define RX_SIZE 64u
#define TX_SIZE 256u

static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint8_t rx_head, rx_tail, rx_dropped;
static volatile uint8_t tx_buf[TX_SIZE];
static volatile uint8_t tx_head, tx_tail;

void uart_init(void) {
  UBRR0H = UBRRH_VALUE;
  UBRR0L = UBRRL_VALUE;
#if USE_2X
  UCSR0A = _BV(U2X0);
#else
  UCSR0A = 0;
#endif
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

ISR(USART_RX_vect) {
  uint8_t b = UDR0;
  uint8_t next = (rx_head + 1u) & (RX_SIZE - 1u);
  if (next == rx_tail) {
    if (rx_dropped < 255u) rx_dropped++;
    return;
  }
  rx_buf[rx_head] = b;
  rx_head = next;
}

int16_t uart_read(void) {
  if (rx_head == rx_tail) return -1;
  uint8_t b = rx_buf[rx_tail];
  rx_tail = (rx_tail + 1u) & (RX_SIZE - 1u);
  return b;
}

uint8_t uart_rx_pending(void) { return rx_head != rx_tail; }

uint8_t uart_take_dropped(void) {
  uint8_t n;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    n = rx_dropped;
    rx_dropped = 0;
  }
  return n;
}

ISR(USART_UDRE_vect) {
  if (tx_head == tx_tail) {
    UCSR0B &= (uint8_t)~_BV(UDRIE0);
    return;
  }
  UDR0 = tx_buf[tx_tail];
  tx_tail = (tx_tail + 1u) & (TX_SIZE - 1u);
}

uint8_t uart_tx_free(void) {
  uint8_t used;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { used = (uint8_t)((tx_head - tx_tail) & (TX_SIZE - 1u)); }
  return (uint8_t)(TX_SIZE - 1u - used);
}

void uart_write(uint8_t b) {
  uint8_t next = (tx_head + 1u) & (TX_SIZE - 1u);
  while (next == tx_tail) {
    /* Full: the UDRE interrupt drains it (interrupts are on in the main loop). */
  }
  tx_buf[tx_head] = b;
  tx_head = next;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { UCSR0B |= _BV(UDRIE0); }
}
