/* The ledger the kiosk expects (site_ledger.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "kiosk/site/site_ledger.h"

#define WHAT_TO_DO "restore the file, or start a new one on purpose: kioskctl ledger init --new --reason TEXT"

/* What the identity folder says about the kiosk's ledger. */
typedef struct expected {
    char dir[CFG_PATH_LEN];
    char id[UUID_STR_LEN]; /* the ledger recorded as the kiosk's; "" if none */
    bool enrolled;
} expected_t;

static bool path_in(const char *dir, const char *name, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    return n > 0 && (size_t)n < len;
}

static kerr_t read_expected(const kiosk_config_t *cfg, expected_t *x, kmsg_t *msg)
{
    char p[CFG_PATH_LEN + 32];
    memset(x, 0, sizeof *x);
    if (!config_identity_dir(cfg, x->dir, sizeof x->dir) || !path_in(x->dir, CONFIG_IDENTITY_LEDGER, p, sizeof p))
        return kmsg_set(msg, K_EINVAL, "the identity folder's path is too long: shorten site.identity_dir");
    FILE *f = fopen(p, "r");
    if (f) {
        if (!fgets(x->id, sizeof x->id, f))
            x->id[0] = '\0';
        x->id[strcspn(x->id, "\r\n")] = '\0';
        fclose(f);
    }
    x->enrolled = path_in(x->dir, CONFIG_IDENTITY_CERT, p, sizeof p) && access(p, F_OK) == 0;
    return K_OK;
}

/* Writes dir/ledger.id (folder 0700, file 0600), replaced whole; each
 * process through its own temporary file, so two programs opening a new
 * ledger at once do not take each other's. */
static kerr_t record(const char *dir, const char *id, kmsg_t *msg)
{
    char p[CFG_PATH_LEN + 32], tmp[CFG_PATH_LEN + 48];
    path_in(dir, CONFIG_IDENTITY_LEDGER, p, sizeof p);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", p, (long)getpid());
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return kmsg_set(msg, K_EIO, "cannot make the identity folder %s: %s", dir, strerror(errno));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    char line[UUID_STR_LEN + 1];
    int n = snprintf(line, sizeof line, "%s\n", id);
    bool ok = fd >= 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    if (!ok || rename(tmp, p) != 0) {
        kmsg_set(msg, K_EIO, "cannot record the ledger's identity in %s: %s", p, strerror(errno));
        unlink(tmp);
        return K_EIO;
    }
    return K_OK;
}

/* K_OK if the file at path may be opened (or made); else why not. */
static kerr_t check_file(const char *path, const expected_t *x, kmsg_t *msg)
{
    struct stat sb;
    bool missing = stat(path, &sb) != 0, empty = !missing && sb.st_size == 0;
    if ((!missing && !empty) || (!x->id[0] && !x->enrolled))
        return K_OK; /* a file to look into, or a fresh appliance */
    char why[CFG_PATH_LEN + 32];
    if (x->id[0])
        snprintf(why, sizeof why, "%s/%s", x->dir, CONFIG_IDENTITY_LEDGER);
    else
        snprintf(why, sizeof why, "it is enrolled: %s", x->dir);
    return kmsg_set(msg, K_ESTATE, "%s is %s, but this kiosk has had a ledger (%s): %s", path,
                    missing ? "missing" : "empty", why, WHAT_TO_DO);
}

/* Holds the opened ledger against what the identity folder expects. */
static kerr_t check_identity(const char *path, ledger_t *l, const expected_t *x, kmsg_t *msg)
{
    ledger_identity_t id;
    kerr_t rc = ledger_identity(l, &id, msg);
    if (rc)
        return kmsg_set(msg, K_ESTATE, "%s has no ledger identity: %s", path, WHAT_TO_DO);
    if (!x->id[0])
        return record(x->dir, id.id, msg);
    if (strcmp(x->id, id.id) == 0)
        return K_OK;
    return kmsg_set(msg, K_ESTATE, "%s holds ledger %s, not this kiosk's %s: %s", path, id.id, x->id, WHAT_TO_DO);
}

kerr_t site_ledger_open(const kiosk_config_t *cfg, ledger_open_mode_t mode, ledger_t **out, kmsg_t *msg)
{
    expected_t x;
    ledger_t *l = NULL;
    const char *path = cfg->ledger_path;
    kerr_t rc = read_expected(cfg, &x, msg);
    if (rc == K_OK)
        rc = check_file(path, &x, msg);
    if (rc == K_OK && (rc = ledger_open(path, mode, NULL, &l, msg)) == K_ECORRUPT)
        rc = kmsg_set(msg, K_ESTATE, "%s is not a kiosk ledger (unreadable): %s", path, WHAT_TO_DO);
    if (rc == K_OK && (rc = check_identity(path, l, &x, msg)) != K_OK) {
        ledger_close(l);
        l = NULL;
    }
    *out = l;
    return rc;
}

/* Moves path (and its -wal and -shm files) to path.replaced-<time>. */
static kerr_t move_aside(const char *path, char *to, size_t len, kmsg_t *msg)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
    snprintf(to, len, "%s.replaced-%s", path, stamp);
    if (access(path, F_OK) != 0) {
        to[0] = '\0';
        return K_OK;
    }
    if (rename(path, to) != 0)
        return kmsg_set(msg, K_EIO, "cannot move %s aside: %s", path, strerror(errno));
    static const char *const sides[] = {"-wal", "-shm"};
    for (size_t i = 0; i < 2; i++) {
        char a[CFG_PATH_LEN + 8], b[CFG_PATH_LEN + 56];
        snprintf(a, sizeof a, "%s%s", path, sides[i]);
        snprintf(b, sizeof b, "%s%s", to, sides[i]);
        if (rename(a, b) != 0 && errno != ENOENT)
            return kmsg_set(msg, K_EIO, "cannot move %s aside: %s", a, strerror(errno));
    }
    return K_OK;
}

/* Whether the kiosk's own ledger opens fine: then there is nothing to replace. */
static bool healthy(const kiosk_config_t *cfg)
{
    ledger_t *l;
    kmsg_t ignore;
    struct stat sb;
    if (stat(cfg->ledger_path, &sb) != 0 || sb.st_size == 0 ||
        site_ledger_open(cfg, LEDGER_EXISTING, &l, &ignore) != K_OK)
        return false;
    ledger_close(l);
    return true;
}

/* Makes the new ledger, records it as the kiosk's and audits it. */
static kerr_t start_new(const kiosk_config_t *cfg, const expected_t *x, const char *actor, const char *reason,
                        site_ledger_init_t *out, kmsg_t *msg)
{
    ledger_t *l;
    ledger_identity_t id;
    kerr_t rc = ledger_open(cfg->ledger_path, LEDGER_CREATE, NULL, &l, msg);
    if (rc)
        return rc;
    char detail[CFG_PATH_LEN + 128];
    snprintf(detail, sizeof detail, "replaces ledger %s; the file that was there: %s",
             x->id[0] ? x->id : "(none recorded)", out->moved_to[0] ? out->moved_to : "none");
    if ((rc = ledger_identity(l, &id, msg)) == K_OK && (rc = record(x->dir, id.id, msg)) == K_OK)
        rc = ledger_audit(l, actor, "ledger.init_new", id.id, reason, detail, msg);
    if (rc == K_OK)
        snprintf(out->new_id, sizeof out->new_id, "%s", id.id);
    ledger_close(l);
    return rc;
}

kerr_t site_ledger_init_new(const kiosk_config_t *cfg, const char *actor, const char *reason,
                            site_ledger_init_t *out, kmsg_t *msg)
{
    expected_t x;
    memset(out, 0, sizeof *out);
    kerr_t rc = read_expected(cfg, &x, msg);
    if (rc)
        return rc;
    int lock = -1;
    if ((rc = ledger_lock_path(cfg->ledger_path, "ledger init --new", &lock, msg)) != K_OK)
        return rc;
    if (healthy(cfg))
        rc = kmsg_set(msg, K_ESTATE, "%s is this kiosk's ledger and opens fine: nothing to replace", cfg->ledger_path);
    else
        rc = move_aside(cfg->ledger_path, out->moved_to, sizeof out->moved_to, msg);
    if (rc == K_OK) {
        snprintf(out->old_id, sizeof out->old_id, "%s", x.id);
        rc = start_new(cfg, &x, actor, reason, out, msg);
    }
    if (rc == K_OK)
        LOG_W("site", "ledger %s started in place of %s", out->new_id, x.id[0] ? x.id : "(none recorded)");
    ledger_unlock_path(lock);
    return rc;
}
