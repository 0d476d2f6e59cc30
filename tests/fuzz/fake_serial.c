/* drivers/transport/serial.h on the scripted line (fuzz_line.h): the
 * driver fuzz targets link this instead of serial.c. */
#include <fcntl.h>
#include <unistd.h>

#include "drivers/transport/serial.h"
#include "fuzz_line.h"

kerr_t serial_open(const char *path, unsigned baud, const char *setting, int *fd, kmsg_t *msg)
{
    (void)baud;
    *fd = -1;
    if (fline_refuse())
        return kmsg_set(msg, K_EIO, "%s: the device is gone (check %s)", path, setting);
    *fd = open("/dev/null", O_RDWR | O_CLOEXEC); /* something the driver may close */
    return *fd >= 0 ? K_OK : kmsg_set(msg, K_EIO, "%s: cannot open /dev/null", path);
}

bool serial_write(int fd, const uint8_t *buf, size_t n)
{
    bool some_sent;
    (void)fd;
    return fline_write(buf, n, &some_sent);
}

long serial_read(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
    (void)fd;
    return fline_read(buf, cap, timeout_ms);
}

void serial_drain(int fd)
{
    (void)fd;
    fline_discard();
}
