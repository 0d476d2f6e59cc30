/* The fake gateway: a bank of meters kept as plain files in a folder, for
 * the spine's tests and the demo until a real gateway simulator is used.
 * It applies the meters' purchase-count rule exactly like a prepaid meter:
 *
 *   meters   one line per meter: "METER CUSTOMER COUNT BALANCE [ANSWERS]" (initial
 *            state); ANSWERS, if given, is the meter number the device at
 *            this address reports (another meter: a wrong registry line)
 *   journal  one line per applied credit: "credit METER COUNT AMOUNT",
 *            appended with a single write(2) so it is never half written
 *   relays   one line per relay command the meters took: "relay METER trip|close"
 *   faults   optional, one line per fault: "KIND N" = the next N operations
 *            fail that way; KIND is offline (nothing sent), drop (credit
 *            lost on the way, not applied), lose_reply (credit applied,
 *            answer lost) or refuse (the meter refuses)
 *
 * A meter's state is its line in `meters` plus every journal line for it,
 * so the journal is also the device's own record of what it credited. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/log.h"
#include "drivers/gateway/gw_backends.h"

enum { DIR_LEN = 512 }; /* the folder's path, as gateway.fake_dir holds it */

typedef struct fake {
    char dir[DIR_LEN];
    int lock_fd;
} fake_t;

typedef struct fake_meter {
    char answers[GW_METER_LEN]; /* the meter number it reports */
    char customer[GW_METER_LEN];
    uint32_t count;
    int64_t balance;
} fake_meter_t;

static void path_of(const fake_t *f, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", f->dir, name);
}

/* Finds meter in `meters` and replays the journal over it. */
static gw_err_t load_meter(const fake_t *f, const char *meter, fake_meter_t *m, kmsg_t *msg)
{
    char path[DIR_LEN + 16], line[256], id[32], cust[32], answers[32];
    path_of(f, "meters", path, sizeof path);
    FILE *in = fopen(path, "r");
    if (!in) {
        kmsg_set(msg, K_EIO, "fake gateway: cannot read %s: %s", path, strerror(errno));
        return GW_UNREACHABLE;
    }
    bool found = false;
    while (!found && fgets(line, sizeof line, in)) {
        unsigned long count;
        long long balance;
        int n = line[0] == '#' ? 0 : sscanf(line, "%31s %31s %lu %lld %31s", id, cust, &count, &balance, answers);
        if (n >= 4 && strcmp(id, meter) == 0) {
            snprintf(m->answers, sizeof m->answers, "%s", n == 5 ? answers : id);
            snprintf(m->customer, sizeof m->customer, "%s", cust);
            m->count = (uint32_t)count;
            m->balance = balance;
            found = true;
        }
    }
    fclose(in);
    if (!found) {
        kmsg_set(msg, K_ENOTFOUND, "fake gateway: no meter %s", meter);
        return GW_NOT_FOUND;
    }
    path_of(f, "journal", path, sizeof path);
    if (!(in = fopen(path, "r")))
        return GW_OK;
    while (fgets(line, sizeof line, in)) {
        unsigned long count;
        long long amount;
        if (sscanf(line, "credit %31s %lu %lld", id, &count, &amount) == 3 && strcmp(id, meter) == 0) {
            m->count = (uint32_t)count;
            m->balance += amount;
        }
    }
    fclose(in);
    return GW_OK;
}

/* If the faults file has a fault of `kind` (or offline, for any
 * operation), consumes one and returns its kind; otherwise "". */
static const char *take_fault(const fake_t *f, bool credit)
{
    static const char *const kinds[] = {"offline", "drop", "lose_reply", "refuse"};
    char path[DIR_LEN + 16], tmp[DIR_LEN + 16], line[128], kind[32];
    path_of(f, "faults", path, sizeof path);
    path_of(f, "faults.tmp", tmp, sizeof tmp);
    FILE *in = fopen(path, "r");
    if (!in)
        return "";
    FILE *out = fopen(tmp, "w");
    const char *taken = "";
    while (fgets(line, sizeof line, in)) {
        unsigned n;
        if (sscanf(line, "%31s %u", kind, &n) != 2)
            continue;
        for (size_t i = 0; i < 4 && !taken[0] && n > 0; i++)
            if (strcmp(kind, kinds[i]) == 0 && (credit || i == 0)) {
                taken = kinds[i];
                n--;
            }
        if (out && n > 0)
            fprintf(out, "%s %u\n", kind, n);
    }
    fclose(in);
    if (out) {
        fclose(out);
        rename(tmp, path);
    }
    return taken;
}

static gw_err_t fake_read(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg)
{
    const char *meter = to->meter;
    fake_t *f = ctx;
    fake_meter_t m;
    flock(f->lock_fd, LOCK_EX);
    bool offline = strcmp(take_fault(f, false), "offline") == 0;
    gw_err_t e = offline ? GW_UNREACHABLE : load_meter(f, meter, &m, msg);
    flock(f->lock_fd, LOCK_UN);
    if (offline)
        kmsg_set(msg, K_ETIMEOUT, "fake gateway: meter %s is offline", meter);
    if (e != GW_OK)
        return e;
    gw_reading_init(out, meter);
    out->have = what & (GW_READ_COUNT | GW_READ_BALANCE | GW_READ_STATUS);
    out->balance = m.balance;
    out->purchase_count = m.count;
    out->relay_open = m.balance <= 0;
    if (what & GW_READ_IDENTITY) {
        snprintf(out->id_meter, sizeof out->id_meter, "%s", m.answers);
        snprintf(out->id_customer, sizeof out->id_customer, "%s", m.customer);
        out->id_customer_told = true;
        out->have |= GW_READ_IDENTITY;
    }
    return GW_OK;
}

/* Appends one line to the file `name` with a single write. */
static gw_err_t append_line(const fake_t *f, const char *name, const char *line, kmsg_t *msg)
{
    char path[DIR_LEN + 16];
    path_of(f, name, path, sizeof path);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    ssize_t n = (ssize_t)strlen(line);
    bool ok = fd >= 0 && write(fd, line, (size_t)n) == n;
    if (fd >= 0)
        close(fd);
    if (!ok)
        kmsg_set(msg, K_EIO, "fake gateway: cannot append to %s", path);
    return ok ? GW_OK : GW_UNREACHABLE;
}

static gw_err_t append_journal(const fake_t *f, const gw_credit_req_t *req, kmsg_t *msg)
{
    char line[128];
    snprintf(line, sizeof line, "credit %s %u %lld\n", req->to.meter, req->count, (long long)req->amount);
    return append_line(f, "journal", line, msg);
}

/* The meter's rule: apply only count = current + 1. */
static gw_err_t apply_credit(const fake_t *f, const gw_credit_req_t *req, const char *fault, gw_credit_reply_t *out,
                             kmsg_t *msg)
{
    fake_meter_t m;
    gw_err_t e = load_meter(f, req->to.meter, &m, msg);
    if (e != GW_OK)
        return e;
    memset(out, 0, sizeof *out);
    if (strcmp(fault, "refuse") == 0) {
        out->result = GW_CREDIT_REFUSED;
        snprintf(out->reason, sizeof out->reason, "meter suspended");
    } else if (req->customer[0] && strcmp(req->customer, m.customer) != 0) {
        out->result = GW_CREDIT_REFUSED;
        snprintf(out->reason, sizeof out->reason, "customer number mismatch");
    } else if (req->count == m.count) {
        out->result = GW_CREDIT_REPEATED;
    } else if (req->count != m.count + 1) {
        out->result = GW_CREDIT_COUNT_MISMATCH;
    } else if ((e = append_journal(f, req, msg)) != GW_OK) {
        return e;
    } else {
        out->result = GW_CREDIT_APPLIED;
        m.count = req->count;
        m.balance += req->amount;
    }
    out->count_after = m.count;
    out->balance_after = m.balance;
    out->count_known = out->balance_known = true;
    return GW_OK;
}

static gw_err_t fake_credit(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    fake_t *f = ctx;
    flock(f->lock_fd, LOCK_EX);
    const char *fault = take_fault(f, true);
    gw_err_t e;
    if (strcmp(fault, "offline") == 0)
        e = GW_UNREACHABLE;
    else if (strcmp(fault, "drop") == 0)
        e = GW_TIMEOUT;
    else
        e = apply_credit(f, req, fault, out, msg);
    if (e == GW_OK && strcmp(fault, "lose_reply") == 0)
        e = GW_TIMEOUT;
    flock(f->lock_fd, LOCK_UN);
    if (fault[0])
        LOG_I("gw-fake", "fault %s on credit of %s count %u", fault, req->to.meter, req->count);
    if (e == GW_TIMEOUT)
        kmsg_set(msg, K_ETIMEOUT, "fake gateway: no answer from meter %s", req->to.meter);
    else if (e == GW_UNREACHABLE && fault[0])
        kmsg_set(msg, K_ETIMEOUT, "fake gateway: meter %s is offline", req->to.meter);
    return e;
}

static void fake_close(void *ctx)
{
    fake_t *f = ctx;
    if (f->lock_fd >= 0)
        close(f->lock_fd);
    free(f);
}

/* The fake meters have no relay of their own: their relay follows the
 * balance, so a command is acknowledged, written to `relays` (the device's
 * record of what it was told) and changes nothing else. */
static gw_err_t fake_relay(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg)
{
    gw_reading_t r;
    gw_err_t e = fake_read(ctx, &(gw_target_t){.meter = meter}, GW_READ_STATUS, &r, msg);
    if (e != GW_OK)
        return e;
    char line[64];
    snprintf(line, sizeof line, "relay %s %s\n", meter, gw_relay_str(cmd));
    fake_t *f = ctx;
    flock(f->lock_fd, LOCK_EX);
    e = append_line(f, "relays", line, msg);
    flock(f->lock_fd, LOCK_UN);
    return e;
}

/* A write is acknowledged and written to `settings`, one line a write
 * with the parts it held (the fake meters charge nothing by them). */
static gw_err_t fake_write(void *ctx, const char *meter, const gw_settings_t *s, kmsg_t *msg)
{
    gw_reading_t r;
    gw_err_t e = fake_read(ctx, &(gw_target_t){.meter = meter}, GW_READ_STATUS, &r, msg);
    if (e != GW_OK)
        return e;
    char line[512];
    int n = snprintf(line, sizeof line, "settings %s", meter);
    if (s->have & GW_SET_ALARMS)
        n += snprintf(line + n, sizeof line - (size_t)n, " alarms=%lld,%lld", (long long)s->alarm[0],
                      (long long)s->alarm[1]);
    if (s->have & GW_SET_PRICES)
        n += snprintf(line + n, sizeof line - (size_t)n, " prices=%lld,%lld,%lld,%lld", (long long)s->price[0],
                      (long long)s->price[1], (long long)s->price[2], (long long)s->price[3]);
    for (size_t i = 0; s->have & GW_SET_TOU && i < s->n_periods && i < GW_MAX_PERIODS; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s%u/%s", i ? "," : " periods=", s->period[i].minute,
                      tariff_band_name(s->period[i].band));
    snprintf(line + n, sizeof line - (size_t)n, "\n");
    fake_t *f = ctx;
    flock(f->lock_fd, LOCK_EX);
    e = append_line(f, "settings", line, msg);
    flock(f->lock_fd, LOCK_UN);
    return e;
}

static gw_err_t fake_refund(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    kmsg_set(msg, K_EINVAL, "the fake meters take no refunds; nothing was sent to meter %s", req->to.meter);
    return GW_UNSUPPORTED;
}

static gw_err_t fake_read_frozen(void *ctx, const char *meter, gw_frozen_t *out, kmsg_t *msg)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    kmsg_set(msg, K_EINVAL, "the fake meters keep no daily freeze (meter %s)", meter);
    return GW_UNSUPPORTED;
}

static const gw_ops_t fake_ops = {.name = "fake",
                                  .read = fake_read,
                                  .credit = fake_credit,
                                  .relay = fake_relay,
                                  .write = fake_write,
                                  .refund = fake_refund,
                                  .read_frozen = fake_read_frozen,
                                  .close = fake_close,
                                  .probe = gw_probe_none};

kerr_t gw_fake_open(const char *dir, gw_t *out, kmsg_t *msg)
{
    fake_t *f = calloc(1, sizeof *f);
    if (!f)
        return kmsg_set(msg, K_EIO, "out of memory");
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    char path[DIR_LEN + 16];
    path_of(f, "lock", path, sizeof path);
    f->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f->lock_fd < 0) {
        free(f);
        return kmsg_set(msg, K_EIO, "fake gateway: cannot use folder %s (gateway.fake_dir): %s", dir, strerror(errno));
    }
    out->ops = &fake_ops;
    out->ctx = f;
    return K_OK;
}
