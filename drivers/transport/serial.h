/* A serial port in raw mode with read deadlines (termios); a pty works the
 * same, which is how the simulator is attached. */
#ifndef DRIVERS_TRANSPORT_SERIAL_H
#define DRIVERS_TRANSPORT_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kiosk/core/err.h"

/* Opens path raw at 9600 8N1; returns the descriptor or -1 with msg. */
int serial_open(const char *path, kmsg_t *msg);

/* Writes all of buf; false on failure. */
bool serial_write(int fd, const uint8_t *buf, size_t n);

/* Reads what arrives within timeout_ms (at least one byte); returns the
 * count, 0 on timeout, -1 on failure. */
long serial_read(int fd, uint8_t *buf, size_t cap, int timeout_ms);

/* Throws away whatever is waiting to be read. */
void serial_drain(int fd);

#endif
