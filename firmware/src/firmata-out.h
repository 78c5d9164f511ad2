/* Messages the board sends: Firmata replies, the unit's own sysex answers, and problem reports. */
#ifndef DESK_FIRMATA_OUT_H
#define DESK_FIRMATA_OUT_H
#include <avr/pgmspace.h>
#include <stdint.h>

#define FIRMATA_MAJOR 2
#define FIRMATA_MINOR 5
#define FIRMWARE_NAME "deskphone"

void out_version(void);
void out_firmware_name(void);
void out_capabilities(void);
void out_analog_mapping(void);
void out_pin_state(uint8_t pin);
void out_heartbeat(void);
void out_digital_port(uint8_t port, uint8_t value);

/*
 * A problem report is a Firmata STRING_DATA sysex (F0 71 text F7) built in pieces, e.g.
 * problem_begin(); problem_text(PSTR("no such pin ")); problem_dec(pin); problem_end();
 */
void problem_begin(void);
void problem_text(PGM_P text);
void problem_dec(uint8_t value);
void problem_hex(uint8_t value);
void problem_end(void);
#endif
