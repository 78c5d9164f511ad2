/* Firmata "report digital": per port, the input levels at once when enabled, then on every change. */
#ifndef DESK_REPORTING_H
#define DESK_REPORTING_H
#include <stdint.h>

#define REPORT_PORTS 3u

/* Returns 0 when the port does not exist. */
uint8_t reporting_enable(uint8_t port, uint8_t on);
void reporting_reset(void);
/* Sends the ports whose inputs changed since they were last sent. */
void reporting_scan(void);
#endif
