#include "firmata-in.h"
#include "commands.h"
#include "firmata-out.h"

#define START_SYSEX 0xF0u
#define END_SYSEX 0xF7u
#define NO_COMMAND 0u

static uint8_t command = NO_COMMAND;
static uint8_t need;
static uint8_t have;
static uint8_t data[SYSEX_MAX];
static uint8_t sysex_overflow;
static uint8_t stray;

/* Data bytes each command takes; 0xFF = not a command the board knows. */
static uint8_t data_length(uint8_t cmd) {
  switch (cmd & 0xF0u) {
    case 0x90: return 2; /* digital message */
    case 0xC0: return 1; /* report analog */
    case 0xD0: return 1; /* report digital */
    case 0xE0: return 2; /* analog write: accepted and ignored */
    default: break;
  }
  switch (cmd) {
    case 0xF4: return 2; /* set pin mode */
    case 0xF5: return 2; /* set digital pin value */
    case 0xF9: return 0; /* report version */
    case 0xFF: return 0; /* system reset */
    default: return 0xFF;
  }
}

static void report_stray(void) {
  if (stray == 0) return;
  problem_begin();
  problem_text(PSTR("skipped stray data bytes: "));
  problem_dec(stray);
  problem_end();
  stray = 0;
}

static void finish_sysex(void) {
  command = NO_COMMAND;
  if (sysex_overflow) {
    problem_begin();
    problem_text(PSTR("sysex too long, dropped: "));
    problem_hex(data[0]);
    problem_end();
    return;
  }
  commands_sysex(data, have);
}

void firmata_in_byte(uint8_t b) {
  if (b & 0x80u) {
    if (command == START_SYSEX && b == END_SYSEX) {
      finish_sysex();
      return;
    }
    if (command != NO_COMMAND) {
      problem_begin();
      problem_text(PSTR("unfinished message dropped: "));
      problem_hex(command);
      problem_end();
      command = NO_COMMAND;
    }
    report_stray();
    if (b == START_SYSEX) {
      command = b;
      have = 0;
      sysex_overflow = 0;
      return;
    }
    uint8_t len = data_length(b);
    if (len == 0xFF) {
      problem_begin();
      problem_text(PSTR("unknown command byte: "));
      problem_hex(b);
      problem_end();
      return;
    }
    if (len == 0) {
      commands_message(b, data);
      return;
    }
    command = b;
    need = len;
    have = 0;
    return;
  }
  if (command == NO_COMMAND) {
    if (stray < 255u) stray++;
    return;
  }
  if (command == START_SYSEX) {
    if (have < SYSEX_MAX)
      data[have++] = b;
    else
      sysex_overflow = 1;
    return;
  }
  data[have++] = b;
  if (have == need) {
    uint8_t cmd = command;
    command = NO_COMMAND;
    commands_message(cmd, data);
  }
}
