/* The bus lock (engine_bus.h). Two bytes of `<ledger>.bus` carry Linux
 * open-file-description locks (as flock, held per open file, not per
 * process, and dropped by the kernel when the last descriptor of the open
 * file closes: when the process ends, however it ends; the file is opened
 * close-on-exec, so a program it starts does not keep it): byte 0 is the
 * gate a sale takes when it is opened (its announcement), byte 1 the wire.
 * An exchange of the scan looks at the gate first (waiting behind it while
 * a sale has it), then takes the wire alone. So once a sale has the gate no
 * new exchange starts, and the one on the wire ends while the sale is
 * paid; the delivery then takes the wire.
 *
 * This process's own exchanges never look at a gate it holds: a lock of
 * the same open file does not conflict with itself, and taking a read
 * lock on it would turn the sale's write lock into a read lock. */
#include "engine/engine_bus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

enum { GATE = 0, WIRE = 1, GATE_POLL_MS = 5 };

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
    b->gate = 0;
    b->depth = 0;
}

void engine_bus_announce(engine_bus_t *b)
{
    if (b && b->gate++ == 0 && b->fd >= 0)
        lock_byte(b->fd, GATE, F_WRLCK, false);
}

void engine_bus_withdraw(engine_bus_t *b)
{
    if (b && b->gate > 0 && --b->gate == 0 && b->fd >= 0)
        lock_byte(b->fd, GATE, F_UNLCK, false);
}

bool engine_bus_sale_announced(const engine_bus_t *b)
{
    if (!b || b->fd < 0)
        return false;
    struct flock f = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = GATE, .l_len = 1};
    return fcntl(b->fd, F_OFD_GETLK, &f) == 0 && f.l_type != F_UNLCK;
}

/* Waits while another program's sale has the gate, at most
 * ENGINE_BUS_GATE_WAIT_MS (then the exchange goes on: the wire still keeps
 * it off a delivery). Holds nothing while it waits. */
static void behind_sales(engine_bus_t *b)
{
    int waited = 0;
    while (!lock_byte(b->fd, GATE, F_RDLCK, true) && waited < ENGINE_BUS_GATE_WAIT_MS) {
        usleep(GATE_POLL_MS * 1000);
        waited += GATE_POLL_MS;
    }
    lock_byte(b->fd, GATE, F_UNLCK, false);
    if (waited >= ENGINE_BUS_GATE_WAIT_MS)
        LOG_I("bus", "a sale has announced itself for %d ms: one exchange goes on", waited);
}

/* Before one exchange: behind any other program's sale, then the wire. */
static void frame_before(void *ctx)
{
    engine_bus_t *b = ctx;
    if (b->depth++ > 0 || b->fd < 0)
        return;
    if (b->gate == 0) /* a sale of this process's own never waits for itself */
        behind_sales(b);
    lock_byte(b->fd, WIRE, F_WRLCK, false);
}

static void frame_after(void *ctx)
{
    engine_bus_t *b = ctx;
    if (b->depth <= 0 || --b->depth > 0 || b->fd < 0)
        return;
    lock_byte(b->fd, WIRE, F_UNLCK, false);
}

void engine_bus_hold(engine_bus_t *b)
{
    if (!b)
        return;
    engine_bus_announce(b);
    frame_before(b);
}

void engine_bus_release(engine_bus_t *b)
{
    if (!b || b->depth <= 0)
        return;
    frame_after(b);
    engine_bus_withdraw(b);
}

link_hook_t engine_bus_frame_hook(engine_bus_t *b)
{
    return (link_hook_t){.before = frame_before, .after = frame_after, .ctx = b};
}
