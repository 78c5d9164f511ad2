/* What the board does with each complete message from the host (PROTOCOL.md). */
#ifndef DESK_COMMANDS_H
#define DESK_COMMANDS_H
#include <stdint.h>

/* A complete non-sysex message: the command byte and its data bytes. */
void commands_message(uint8_t command, const uint8_t *data);
/* A complete sysex: its body between F0 and F7 (data[0] is the sysex id). */
void commands_sysex(const uint8_t *data, uint8_t len);
/* Called by the main loop every tick: watchdog and patterns. */
void commands_tick(uint32_t now);
#endif
