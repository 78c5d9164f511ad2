/*
 * deskphone-sim: runs the panel board firmware in simavr, in real time, for tests.
 *
 *   deskphone-sim [--mcu atmega328p] [--freq 16000000] firmware.elf
 *
 * UART0 is bridged to a pseudo-terminal. The line protocol on stdin/stdout:
 *   out  "pty <path>"                        once, when the serial port can be opened
 *   out  "pin <arduinoPin> <0|1> <sim_us>"   an output pin's level changed (or the pin became an output)
 *   in   "set <arduinoPin> <0|1>"            drive an input pin from outside: 0 = pulled to GND by a switch,
 *                                            1 = released (reads high through the pull-up)
 *   out  "ok set <pin> <level>" or "error <text>"   the answer to each input line
 *   in   "quit"                              stop (EOF on stdin stops too)
 * Simulated time is held to wall-clock time, so the 57600-baud line, the host watchdog and blink periods
 * happen at their real pace; pin times are simulated time, exact to the cycle batch.
 * Anything simavr itself prints goes to stderr: stdout carries only the protocol.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <avr_ioport.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>

/* ATmega328P, Arduino numbering: PD0-7 = 0-7, PB0-5 = 8-13, PC0-5 = 14-19 (PB6/7 crystal, PC6 reset). */
struct port_map {
  char name;
  int first_pin;
  int bits;
};
static const struct port_map ports[] = {{'B', 8, 6}, {'C', 14, 6}, {'D', 0, 8}};
#define PORT_COUNT 3
#define PIN_COUNT 20

struct port_state {
  uint8_t port, ddr;
  uint8_t external_mask, external_value;
};
static struct port_state state[PORT_COUNT];
static int reported_output[PIN_COUNT]; /* -1: not an output (or never reported) */

static avr_t *avr;
static FILE *proto;
static int pty_master = -1;
static volatile sig_atomic_t stop_requested;
static int uart_xoff;

static uint64_t sim_us(void) { return avr->cycle * 1000000ull / avr->frequency; }

static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(proto, fmt, ap);
  va_end(ap);
  fputc('\n', proto);
  fflush(proto);
}

static void report_port(int idx) {
  const struct port_map *m = &ports[idx];
  for (int bit = 0; bit < m->bits; bit++) {
    int pin = m->first_pin + bit;
    int out = (state[idx].ddr >> bit) & 1;
    int level = out ? (state[idx].port >> bit) & 1 : -1;
    if (level == reported_output[pin]) continue;
    reported_output[pin] = level;
    if (level >= 0) say("pin %d %d %llu", pin, level, (unsigned long long)sim_us());
  }
}

/* REG_PORT and DIRECTION_ALL carry the new register value (the data byte may not be written yet). */
static void on_port_write(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  int idx = (int)(intptr_t)param;
  state[idx].port = (uint8_t)value;
  report_port(idx);
}

static void on_ddr_write(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  int idx = (int)(intptr_t)param;
  state[idx].ddr = (uint8_t)value;
  report_port(idx);
}

static void on_uart_out(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  uint8_t b = (uint8_t)value;
  if (write(pty_master, &b, 1) != 1 && errno != EIO) {
    /* EAGAIN: nobody reads the pty and its buffer is full; a real board's bytes would be lost too. */
    fprintf(stderr, "deskphone-sim: serial output byte dropped (%s)\n", strerror(errno));
  }
}

static void on_uart_xon(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  uart_xoff = 0;
}

static void on_uart_xoff(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  uart_xoff = 1;
}

/* simavr's own sleep callback usleeps; time is held to the wall clock in the main loop instead. */
static void no_sleep(avr_t *a, avr_cycle_count_t how_long) {
  (void)a;
  (void)how_long;
}

static int set_input(int pin, int level) {
  for (int idx = 0; idx < PORT_COUNT; idx++) {
    const struct port_map *m = &ports[idx];
    if (pin < m->first_pin || pin >= m->first_pin + m->bits) continue;
    int bit = pin - m->first_pin;
    uint8_t mask = (uint8_t)(1u << bit);
    /* The "external" value survives later PORT writes (which would otherwise re-assert the pull-up). */
    state[idx].external_mask |= mask;
    if (level)
      state[idx].external_value |= mask;
    else
      state[idx].external_value &= (uint8_t)~mask;
    avr_ioport_external_t ext = {.name = (unsigned long)m->name,
                                 .mask = state[idx].external_mask,
                                 .value = state[idx].external_value};
    avr_ioctl(avr, AVR_IOCTL_IOPORT_SET_EXTERNAL(m->name), &ext);
    avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(m->name), bit), (uint32_t)level);
    return 0;
  }
  return -1;
}

static void handle_line(char *line) {
  line[strcspn(line, "\r\n")] = 0;
  int pin, level;
  char extra;
  if (strcmp(line, "quit") == 0) {
    stop_requested = 1;
    return;
  }
  if (sscanf(line, "set %d %d %c", &pin, &level, &extra) == 2) {
    if (pin < 2 || pin >= PIN_COUNT) {
      say("error set: pin %d is not an input pin (2-19)", pin);
    } else if (level != 0 && level != 1) {
      say("error set: level must be 0 or 1, got %d", level);
    } else if (set_input(pin, level) != 0) {
      say("error set: pin %d not mapped", pin);
    } else {
      say("ok set %d %d", pin, level);
    }
    return;
  }
  say("error unknown command: %.60s", line);
}

static char in_line[256];
static size_t in_len;

/* Returns 0 on EOF. */
static int read_stdin(void) {
  char buf[256];
  ssize_t n = read(0, buf, sizeof buf);
  if (n == 0) return 0;
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] == '\n') {
      in_line[in_len] = 0;
      handle_line(in_line);
      in_len = 0;
    } else if (in_len < sizeof in_line - 1) {
      in_line[in_len++] = buf[i];
    }
  }
  return 1;
}

static uint8_t rx_buf[512];
static size_t rx_len, rx_pos;

static void feed_uart(avr_irq_t *uart_in) {
  while (rx_pos < rx_len && !uart_xoff) avr_raise_irq(uart_in, rx_buf[rx_pos++]);
  if (rx_pos == rx_len) rx_pos = rx_len = 0;
}

static int64_t wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_pty(char *path, size_t path_len) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -1;
  if (ptsname_r(master, path, path_len) != 0) return -1;
  /* Keep the slave open ourselves: reads on the master then never fail with EIO between clients. */
  int slave = open(path, O_RDWR | O_NOCTTY);
  if (slave < 0) return -1;
  struct termios tio;
  if (tcgetattr(slave, &tio) != 0) return -1;
  cfmakeraw(&tio);
  cfsetispeed(&tio, B57600);
  cfsetospeed(&tio, B57600);
  if (tcsetattr(slave, TCSANOW, &tio) != 0) return -1;
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  return master;
}

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

int main(int argc, char **argv) {
  const char *mcu = "atmega328p";
  uint32_t freq = 16000000;
  const char *elf = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--mcu") == 0 && i + 1 < argc)
      mcu = argv[++i];
    else if (strcmp(argv[i], "--freq") == 0 && i + 1 < argc)
      freq = (uint32_t)strtoul(argv[++i], NULL, 10);
    else
      elf = argv[i];
  }
  if (!elf) {
    fprintf(stderr, "usage: deskphone-sim [--mcu NAME] [--freq HZ] firmware.elf\n");
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);

  /* The protocol keeps the real stdout; fd 1 becomes stderr so simavr's own messages stay out of it. */
  proto = fdopen(dup(1), "w");
  dup2(2, 1);

  elf_firmware_t fw;
  memset(&fw, 0, sizeof fw);
  if (elf_read_firmware(elf, &fw) != 0) {
    fprintf(stderr, "deskphone-sim: cannot read firmware %s\n", elf);
    return 1;
  }
  if (fw.mmcu[0] == 0) snprintf(fw.mmcu, sizeof fw.mmcu, "%s", mcu);
  if (fw.frequency == 0) fw.frequency = freq;
  avr = avr_make_mcu_by_name(fw.mmcu);
  if (!avr) {
    fprintf(stderr, "deskphone-sim: simavr does not know the MCU %s\n", fw.mmcu);
    return 1;
  }
  avr_init(avr);
  avr_load_firmware(avr, &fw);
  avr->sleep = no_sleep;

  for (int i = 0; i < PIN_COUNT; i++) reported_output[i] = -1;
  for (int idx = 0; idx < PORT_COUNT; idx++) {
    uint32_t ioctl = AVR_IOCTL_IOPORT_GETIRQ(ports[idx].name);
    avr_irq_register_notify(avr_io_getirq(avr, ioctl, IOPORT_IRQ_REG_PORT), on_port_write, (void *)(intptr_t)idx);
    avr_irq_register_notify(avr_io_getirq(avr, ioctl, IOPORT_IRQ_DIRECTION_ALL), on_ddr_write,
                            (void *)(intptr_t)idx);
  }

  uint32_t flags = 0;
  avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
  flags &= ~AVR_UART_FLAG_STDIO;
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  uint32_t uart = AVR_IOCTL_UART_GETIRQ('0');
  avr_irq_t *uart_in = avr_io_getirq(avr, uart, UART_IRQ_INPUT);
  avr_irq_register_notify(avr_io_getirq(avr, uart, UART_IRQ_OUTPUT), on_uart_out, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, uart, UART_IRQ_OUT_XON), on_uart_xon, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, uart, UART_IRQ_OUT_XOFF), on_uart_xoff, NULL);

  char path[128];
  pty_master = open_pty(path, sizeof path);
  if (pty_master < 0) {
    fprintf(stderr, "deskphone-sim: cannot open a pseudo-terminal: %s\n", strerror(errno));
    return 1;
  }
  say("pty %s", path);

  /* Run in slices of 0.5 ms of simulated time, then let the wall clock catch up while serving I/O. */
  const avr_cycle_count_t slice = avr->frequency / 2000;
  const int64_t start = wall_ns();
  while (!stop_requested) {
    avr_cycle_count_t until = avr->cycle + slice;
    while (avr->cycle < until) {
      int s = avr_run(avr);
      if (s == cpu_Done || s == cpu_Crashed) {
        fprintf(stderr, "deskphone-sim: the firmware stopped (state %d) at %llu us\n", s,
                (unsigned long long)sim_us());
        say("error firmware stopped");
        return 1;
      }
    }
    int64_t ahead = (int64_t)(avr->cycle * 1000000000ull / avr->frequency) - (wall_ns() - start);
    struct timespec wait = {0, 0};
    if (ahead > 0) wait = (struct timespec){ahead / 1000000000, ahead % 1000000000};
    struct pollfd fds[2] = {{.fd = 0, .events = POLLIN},
                            {.fd = rx_len == 0 ? pty_master : -1, .events = POLLIN}};
    if (ppoll(fds, 2, &wait, NULL) < 0 && errno != EINTR) break;
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      if (!read_stdin()) break;
    }
    if (rx_len == 0 && (fds[1].revents & POLLIN)) {
      ssize_t n = read(pty_master, rx_buf, sizeof rx_buf);
      if (n > 0) rx_len = (size_t)n;
    }
    feed_uart(uart_in);
  }
  avr_terminate(avr);
  return 0;
}
