/* The bus lock (engine_bus.h). Two bytes of `<ledger>.bus` carry Linux
 * open-file-description locks (as flock, held per open file, not per
 * process): byte 0 is the gate a sale takes first, byte 1 the wire. A
 * sale takes the gate, then the wire; an exchange of the scan looks at
 * the gate first (waiting behind it while a sale has it), then takes the
 * wire alone. So once a sale has the gate no new exchange starts, and it
 * waits only for the one on the wire. */
#include "engine/engine_bus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

enum { GATE = 0, WIRE = 1 };

/* Sets (type F_RDLCK, F_WRLCK, F_UNLCK) the lock on byte `at`, waiting
 * unless try; false if it could not (busy when trying). */
static bool lock_byte(int fd, int at, short type, bool try)
{
    struct flock f = {.l_type = type, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
    int rc;
    do
        rc = fcntl(fd, try ? F_OFD_SETLK : F_OFD_SETLKW, &f);
    while (rc != 0 && errno == EINTR);
    if (rc != 0 && !try)
        LOG_W("bus", "bus lock: %s", strerror(errno));
    return rc == 0;
}

kerr_t engine_bus_open(engine_bus_t *b, const char *ledger_path, kmsg_t *msg)
{
    *b = (engine_bus_t){.fd = -1};
    if (!ledger_path[0] || strcmp(ledger_path, ":memory:") == 0)
        return K_OK;
    char path[4096];
    if (snprintf(path, sizeof path, "%s.bus", ledger_path) >= (int)sizeof path)
        return kmsg_set(msg, K_EINVAL, "the ledger's path is too long for its bus lock");
    b->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (b->fd < 0)
        return kmsg_set(msg, K_EIO, "cannot open the bus lock %s: %s", path, strerror(errno));
    return K_OK;
}

void engine_bus_close(engine_bus_t *b)
{
    if (b->fd >= 0)
        close(b->fd);
    b->fd = -1;
    b->depth = 0;
}

void engine_bus_hold(engine_bus_t *b)
{
    if (!b || b->depth++ > 0 || b->fd < 0)
        return;
    lock_byte(b->fd, GATE, F_WRLCK, false);
    lock_byte(b->fd, WIRE, F_WRLCK, false);
}

void engine_bus_release(engine_bus_t *b)
{
    if (!b || b->depth <= 0 || --b->depth > 0 || b->fd < 0)
        return;
    lock_byte(b->fd, WIRE, F_UNLCK, false);
    lock_byte(b->fd, GATE, F_UNLCK, false);
}

/* Before one exchange: behind any sale that has the gate, then the wire. */
static void frame_before(void *ctx)
{
    engine_bus_t *b = ctx;
    if (b->depth++ > 0 || b->fd < 0)
        return;
    if (!lock_byte(b->fd, GATE, F_RDLCK, true))
        lock_byte(b->fd, GATE, F_RDLCK, false); /* a sale has it: wait for its end */
    lock_byte(b->fd, GATE, F_UNLCK, false);
    lock_byte(b->fd, WIRE, F_WRLCK, false);
}

static void frame_after(void *ctx)
{
    engine_bus_t *b = ctx;
    if (b->depth <= 0 || --b->depth > 0 || b->fd < 0)
        return;
    lock_byte(b->fd, WIRE, F_UNLCK, false);
}

link_hook_t engine_bus_frame_hook(engine_bus_t *b)
{
    return (link_hook_t){.before = frame_before, .after = frame_after, .ctx = b};
}
