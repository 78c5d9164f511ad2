#include "firmata-out.h"
#include "io-pins.h"
#include "uart.h"

#define START_SYSEX 0xF0
#define END_SYSEX 0xF7
#define REPORT_VERSION 0xF9
#define REPORT_FIRMWARE 0x79
#define CAPABILITY_RESPONSE 0x6C
#define ANALOG_MAPPING_RESPONSE 0x6A
#define PIN_STATE_RESPONSE 0x6E
#define STRING_DATA 0x71
#define DESK_HEARTBEAT 0x02
#define MODE_END 0x7F
#define DIGITAL_RESOLUTION 1
#define ANALOG_RESOLUTION 10

/* Firmata sends text as 7-bit pairs: LSB then MSB. */
static void text_char(char c) {
  uart_write((uint8_t)c & 0x7Fu);
  uart_write(((uint8_t)c >> 7) & 0x7Fu);
}

void out_version(void) {
  uart_write(REPORT_VERSION);
  uart_write(FIRMATA_MAJOR);
  uart_write(FIRMATA_MINOR);
}

void out_firmware_name(void) {
  static const char name[] PROGMEM = FIRMWARE_NAME;
  uart_write(START_SYSEX);
  uart_write(REPORT_FIRMWARE);
  uart_write(FIRMATA_MAJOR);
  uart_write(FIRMATA_MINOR);
  for (PGM_P p = name; pgm_read_byte(p) != 0; p++) text_char((char)pgm_read_byte(p));
  uart_write(END_SYSEX);
}

void out_capabilities(void) {
  static const uint8_t modes[] = {MODE_INPUT, MODE_OUTPUT, MODE_PULLUP, MODE_ANALOG};
  uart_write(START_SYSEX);
  uart_write(CAPABILITY_RESPONSE);
  for (uint8_t pin = 0; pin < DESK_PIN_COUNT; pin++) {
    for (uint8_t i = 0; i < sizeof modes; i++) {
      if (!pin_supports(pin, modes[i])) continue;
      uart_write(modes[i]);
      uart_write(modes[i] == MODE_ANALOG ? ANALOG_RESOLUTION : DIGITAL_RESOLUTION);
    }
    uart_write(MODE_END);
  }
  uart_write(END_SYSEX);
}

void out_analog_mapping(void) {
  uart_write(START_SYSEX);
  uart_write(ANALOG_MAPPING_RESPONSE);
  for (uint8_t pin = 0; pin < DESK_PIN_COUNT; pin++) {
    uart_write(pin >= FIRST_ANALOG_PIN ? (uint8_t)(pin - FIRST_ANALOG_PIN) : MODE_END);
  }
  uart_write(END_SYSEX);
}

void out_pin_state(uint8_t pin) {
  uart_write(START_SYSEX);
  uart_write(PIN_STATE_RESPONSE);
  uart_write(pin);
  uart_write(pin_mode(pin));
  /* The PORT bit: an output's level, or 1 when an input has its pull-up on. */
  uart_write(pin_port_bit(pin));
  uart_write(END_SYSEX);
}

void out_heartbeat(void) {
  uart_write(START_SYSEX);
  uart_write(DESK_HEARTBEAT);
  uart_write(END_SYSEX);
}

void out_digital_port(uint8_t port, uint8_t value) {
  uart_write((uint8_t)(0x90u | port));
  uart_write(value & 0x7Fu);
  uart_write(value >> 7);
}

/*
 * Problem reports are best effort: one is sent only when the transmit buffer has room for a whole report,
 * so a flood of bad input never makes the main loop wait on the UART while the receive buffer overflows.
 */
#define PROBLEM_ROOM 80u
static uint8_t problem_skipped;

void problem_begin(void) {
  problem_skipped = uart_tx_free() < PROBLEM_ROOM;
  if (problem_skipped) return;
  uart_write(START_SYSEX);
  uart_write(STRING_DATA);
}

void problem_text(PGM_P text) {
  if (problem_skipped) return;
  for (; pgm_read_byte(text) != 0; text++) text_char((char)pgm_read_byte(text));
}

void problem_dec(uint8_t value) {
  if (problem_skipped) return;
  if (value >= 100) text_char((char)('0' + value / 100));
  if (value >= 10) text_char((char)('0' + (value / 10) % 10));
  text_char((char)('0' + value % 10));
}

void problem_hex(uint8_t value) {
  static const char digits[] PROGMEM = "0123456789ABCDEF";
  if (problem_skipped) return;
  text_char('0');
  text_char('x');
  text_char((char)pgm_read_byte(&digits[value >> 4]));
  text_char((char)pgm_read_byte(&digits[value & 0x0Fu]));
}

void problem_end(void) {
  if (!problem_skipped) uart_write(END_SYSEX);
}
