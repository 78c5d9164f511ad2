/* USART0 at DESK_BAUD, 8N1, with interrupt-driven receive and transmit ring buffers. */
#ifndef DESK_UART_H
#define DESK_UART_H
#include <stdint.h>

void uart_init(void);
/* Next received byte, or -1 when none is waiting. */
int16_t uart_read(void);
/* True when received bytes are waiting (call with interrupts off before sleeping). */
uint8_t uart_rx_pending(void);
/* Bytes dropped because the receive buffer was full since the last call; resets the count. */
uint8_t uart_take_dropped(void);
/* Free room in the transmit buffer, in bytes. */
uint8_t uart_tx_free(void);
/* Queues one byte; waits while the transmit buffer is full. */
void uart_write(uint8_t b);
#endif
