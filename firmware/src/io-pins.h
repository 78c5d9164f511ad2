/* Pin modes and levels by Arduino pin number. Pins 0 and 1 are the USB serial line: never touched. */
#ifndef DESK_IO_PINS_H
#define DESK_IO_PINS_H
#include <stdint.h>
#include "pin-map.h"

#define MODE_INPUT 0x00
#define MODE_OUTPUT 0x01
#define MODE_ANALOG 0x02
#define MODE_PULLUP 0x0B
#define FIRST_PIN 2u
#define FIRST_ANALOG_PIN 14u

/* True for the pins the host may use (2-19). */
uint8_t pin_usable(uint8_t pin);
/* True when `mode` is one the pin supports (see PROTOCOL.md, capability query). */
uint8_t pin_supports(uint8_t pin, uint8_t mode);
/* Sets DDR and pull-up for the mode; an output starts at the level the caller gives. */
void pin_set_mode(uint8_t pin, uint8_t mode, uint8_t level);
uint8_t pin_mode(uint8_t pin);
void pin_write(uint8_t pin, uint8_t level);
/* The PORT bit: the driven level of an output, the pull-up of an input. */
uint8_t pin_port_bit(uint8_t pin);
/* The level read on the pin. */
uint8_t pin_read(uint8_t pin);
#endif
