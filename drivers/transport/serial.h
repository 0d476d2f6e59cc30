/* A serial port in raw mode with read deadlines (termios); a pty works the
 * same, which is how the simulator is attached. */
#ifndef DRIVERS_TRANSPORT_SERIAL_H
#define DRIVERS_TRANSPORT_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Opens path raw at baud 8N1, no flow control, reads that never block, and
 * puts the descriptor in *fd. K_EINVAL if baud is not one of 1200, 2400,
 * 4800, 9600, 19200, 38400, 57600, 115200; K_EIO if path cannot be opened,
 * is not a serial device or refuses the settings. msg names path and, for
 * the first two, the setting to check (e.g. "cash.device"). */
kerr_t serial_open(const char *path, unsigned baud, const char *setting, int *fd, kmsg_t *msg);

/* Writes all of buf; false on failure. */
bool serial_write(int fd, const uint8_t *buf, size_t n);

/* Reads what arrives within timeout_ms (at least one byte); returns the
 * count, 0 on timeout, -1 on failure. */
long serial_read(int fd, uint8_t *buf, size_t cap, int timeout_ms);

/* Throws away whatever is waiting to be read. */
void serial_drain(int fd);

#endif
