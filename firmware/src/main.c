/*
 * deskphone panel board firmware: a Firmata subset plus the unit's own sysex (firmware/PROTOCOL.md).
 * Reads the pin map generated from hardware/<rev>.json (build/pin-map.h).
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>
#include "commands.h"
#include "firmata-in.h"
#include "firmata-out.h"
#include "patterns.h"
#include "tick.h"
#include "uart.h"

/*
 * The hardware watchdog restarts the board if the firmware itself hangs. After such a reset the WDT stays
 * enabled, so it is switched off first thing, before the C runtime's init (avr-libc FAQ, "watchdog reset").
 */
void early_wdt_off(void) __attribute__((naked, used, section(".init3")));
void early_wdt_off(void) {
  MCUSR = 0;
  wdt_disable();
}

static void report_dropped_bytes(void) {
  uint8_t dropped = uart_take_dropped();
  if (dropped == 0) return;
  problem_begin();
  problem_text(PSTR("receive buffer full, bytes lost: "));
  problem_dec(dropped);
  problem_end();
}

int main(void) {
  patterns_init();
  uart_init();
  tick_init();
  set_sleep_mode(SLEEP_MODE_IDLE);
  sei();
  out_version();
  out_firmware_name();
  /* 2 s, not shorter: old Nano bootloaders do not stop the WDT and must get to the app before it fires. */
  wdt_enable(WDTO_2S);

  uint32_t last_tick = 0;
  commands_tick(0);
  for (;;) {
    wdt_reset();
    int16_t b;
    while ((b = uart_read()) >= 0) firmata_in_byte((uint8_t)b);
    report_dropped_bytes();
    uint32_t now = tick_now();
    if (now != last_tick) {
      last_tick = now;
      commands_tick(now);
    }
    /* Sleep until the next interrupt (tick or byte) unless one arrived since the checks above. */
    cli();
    if (!uart_rx_pending() && tick_now() == last_tick) {
      sleep_enable();
      sei();
      sleep_cpu();
      sleep_disable();
    }
    sei();
  }
}
