/* kioskctl enrol | identity | factory-reset: the kiosk's own identity and
 * its enrolment with the back office (docs/enrolment.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/kjson.h"
#include "base/timefmt.h"
#include "kiosk/ctl/ctl.h"
#include "provisioning/identity.h"
#include "sync/sync_enrol.h"

/* The identity folder, or an exit status after saying why not. */
static int folder(const ctl_t *c, char dir[CFG_PATH_LEN])
{
    if (!config_identity_dir(&c->cfg, dir, CFG_PATH_LEN))
        return ctl_fail(CTL_EXIT_USAGE, "the identity folder's path is too long: shorten site.identity_dir");
    return CTL_EXIT_OK;
}

/* Loads the identity, making the keys if they are missing. */
static int keys(const ctl_t *c, identity_t *id)
{
    char dir[CFG_PATH_LEN];
    kmsg_t msg = {""};
    int status = folder(c, dir);
    if (status == CTL_EXIT_OK && identity_ensure_keys(dir, id, &msg) != K_OK)
        status = ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    return status;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Records the enrolment in the ledger's audit log (best effort: the
 * identity is stored already). */
static void audit_enrolment(const ctl_t *c, const identity_t *id)
{
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    kmsg_t msg = {""};
    if (l && ledger_audit(l, ctl_actor(), "kiosk.enrol", id->kiosk, "", id->fingerprint, &msg) != K_OK)
        ctl_fail(CTL_EXIT_OK, "warning: the enrolment is stored, but not in the audit log: %s", msg.text);
    ledger_close(l);
}

/* Posts the request and stores what came back. */
static int enrol(const ctl_t *c, identity_t *id, const char *code, const char *url)
{
    char *csr = NULL;
    kmsg_t msg = {""};
    if (identity_csr(id, c->cfg.kiosk_id, &csr, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    sync_enrol_req_t req = {code, csr, id->upload_key, identity_code_text(id)};
    sync_enrol_answer_t a;
    kerr_t rc = sync_enrol(&c->cfg, url, &req, &a, &msg);
    free(csr);
    if (rc)
        return ctl_fail(rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "enrolment failed, nothing was stored: %s", msg.text);
    identity_enrolment_t e = {a.kiosk, a.site, url, a.certificate, a.ca_certificate, a.document_key, a.settings,
                              wall_ms()};
    rc = identity_store(id, &e, &msg);
    sync_enrol_answer_free(&a);
    if (rc)
        return ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    return CTL_EXIT_OK;
}

static void print_enrolled(const ctl_t *c, const identity_t *id, const char *url)
{
    char until[40];
    ktime_format_iso(id->not_after, until, sizeof until);
    printf("enrolled as kiosk %s of site %s with %s\ncertificate %s, valid until %s\n", id->kiosk, id->site, url,
           id->fingerprint, until);
    printf("this kiosk shows %s: check that `backoffice kiosk list` shows the same for %s\n", id->code, id->kiosk);
    if (strcmp(c->cfg.sync_url, url) != 0)
        printf("to sync with it, set sync.url = %s\n", url);
    char mine[CFG_PATH_LEN + 16];
    snprintf(mine, sizeof mine, "%s/cert.pem", id->dir);
    if (c->cfg.sync_cert_file[0] && strcmp(c->cfg.sync_cert_file, mine) != 0)
        printf("sync.cert_file is set, so the link keeps using %s: empty sync.cert_file and sync.key_file to use "
               "the enrolled certificate\n", c->cfg.sync_cert_file);
    if (strcmp(c->cfg.site_id, id->site) != 0)
        printf("the back office places this kiosk at site %s; set site.id = %s\n", id->site, id->site);
}

int ctl_enrol(ctl_t *c)
{
    static const struct option opts[] = {{"code", required_argument, NULL, 'c'},
                                         {"url", required_argument, NULL, 'u'},
                                         {0, 0, 0, 0}};
    const char *code = NULL, *url = c->cfg.sync_url;
    char norm[17];
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == '?')
            return CTL_EXIT_USAGE;
        *(ch == 'c' ? &code : &url) = optarg;
    }
    if (optind != c->argc || !code)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl enrol --code CODE [--url https://host:port]");
    if (!sync_code_normalise(code, norm))
        return ctl_fail(CTL_EXIT_USAGE, "'%s' is not an enrolment code: 16 letters A-Z and digits 2-7, as `backoffice "
                                   "kiosk add` printed it (dashes may be left out)", code);
    identity_t id;
    int status = keys(c, &id);
    if (status == CTL_EXIT_OK)
        status = enrol(c, &id, code, url);
    if (status == CTL_EXIT_OK) {
        audit_enrolment(c, &id);
        print_enrolled(c, &id, url);
    }
    return status;
}

static void identity_json(const ctl_t *c, const identity_t *id)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "kiosk", id->enrolled ? id->kiosk : c->cfg.kiosk_id);
    cJSON_AddBoolToObject(o, "enrolled", id->enrolled);
    kjson_add_str(o, "enrolment_code", identity_code_text(id));
    kjson_add_str(o, "upload_key", id->upload_key);
    kjson_add_str(o, "identity_dir", id->dir);
    if (id->enrolled) {
        kjson_add_str(o, "site", id->site);
        kjson_add_str(o, "back_office", id->url);
        kjson_add_str(o, "certificate_fingerprint", id->fingerprint);
        kjson_add_time(o, "certificate_expires", id->not_after);
        kjson_add_time(o, "enrolled_at", id->enrolled_at);
    }
    char *text = kjson_print(o, true);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
}

static void identity_text(const ctl_t *c, const identity_t *id)
{
    char *qr = NULL, when[40];
    kmsg_t msg = {""};
    printf("kiosk: %s\n", id->enrolled ? id->kiosk : c->cfg.kiosk_id);
    if (id->enrolled) {
        ktime_format_iso(id->not_after, when, sizeof when);
        printf("enrolled: yes, at site %s with %s\ncertificate: %s, valid until %s\n", id->site, id->url,
               id->fingerprint, when);
    } else {
        printf("enrolled: no (kioskctl enrol --code CODE, the code from `backoffice kiosk add`)\n");
    }
    if (id->enrolled && strcmp(id->kiosk, c->cfg.kiosk_id) != 0)
        printf("warning: site.kiosk_id is %s, but the certificate is kiosk %s's: the back office will refuse the "
               "link until they agree\n", c->cfg.kiosk_id, id->kiosk);
    printf("enrolment code: %s\n", identity_code_text(id));
    if (identity_code_qr(id, &qr, &msg) == K_OK)
        fputs(qr, stdout);
    free(qr);
    printf("identity folder: %s\n", id->dir);
}

int ctl_identity(ctl_t *c)
{
    bool json = c->argc == 2 && strcmp(c->argv[1], "--json") == 0;
    if (c->argc > 2 || (c->argc == 2 && !json))
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl identity [--json]");
    identity_t id;
    int status = keys(c, &id);
    if (status == CTL_EXIT_OK && json)
        identity_json(c, &id);
    else if (status == CTL_EXIT_OK)
        identity_text(c, &id);
    return status;
}

/* Deletes the ledger's file and its companions (WAL, shared memory). */
static int delete_ledger(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal", ".lock"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char p[CFG_PATH_LEN + 16];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            return ctl_fail(CTL_EXIT_FAIL, "cannot delete %s: %s", p, strerror(errno));
    }
    return CTL_EXIT_OK;
}

/* How many outbox rows the back office has not had yet (-1: no ledger). */
static int unsynced(const ctl_t *c, int64_t *depth)
{
    *depth = -1;
    if (access(c->cfg.ledger_path, F_OK) != 0)
        return CTL_EXIT_OK;
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    kmsg_t msg = {""};
    if (!l)
        return CTL_EXIT_FAIL;
    kerr_t rc = ledger_outbox_depth(l, depth, &msg);
    ledger_close(l);
    return rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
}

/* Whether the kiosk's services run now (under systemd): a reset then would
 * pull the ledger from under a program that is writing it. */
static bool services_running(void)
{
    if (access("/run/systemd/system", F_OK) != 0)
        return false;
    return system("systemctl is-active --quiet prepaid-kiosk.service prepaid-kiosk-sync.service "
                  ">/dev/null 2>&1") == 0;
}

static void explain(const ctl_t *c, const char *dir, int64_t depth)
{
    printf("kioskctl factory-reset --confirm would:\n  delete the kiosk's identity in %s (its keys and "
           "certificate: it must enrol again, with a fresh code from the back office)\n", dir);
    if (depth < 0)
        printf("  find no ledger at %s\n", c->cfg.ledger_path);
    else if (depth == 0)
        printf("  delete the ledger %s: everything in it reached the back office\n", c->cfg.ledger_path);
    else
        printf("  keep the ledger %s, and its record in the identity folder: %lld outbox rows have not reached the "
               "back office yet (sync first to have it deleted)\n", c->cfg.ledger_path, (long long)depth);
    printf("Stop the kiosk's programs first.\n");
}

/* Says why the ledger stays, and records the reset in its audit log. */
static void keep_ledger(const ctl_t *c, const char *dir, int64_t depth)
{
    printf("ledger kept: %s holds %lld outbox rows the back office has not had yet\n", c->cfg.ledger_path,
           (long long)depth);
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    kmsg_t msg = {""};
    if (l && ledger_audit(l, ctl_actor(), "kiosk.factory_reset", dir, "", "identity deleted, ledger kept", &msg))
        ctl_fail(CTL_EXIT_OK, "warning: the reset is not in the audit log: %s", msg.text);
    ledger_close(l);
}

int ctl_factory_reset(ctl_t *c)
{
    bool confirm = c->argc == 2 && strcmp(c->argv[1], "--confirm") == 0;
    if (c->argc > 2 || (c->argc == 2 && !confirm))
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl factory-reset [--confirm]");
    char dir[CFG_PATH_LEN];
    int64_t depth;
    int status = folder(c, dir);
    if (status == CTL_EXIT_OK)
        status = unsynced(c, &depth);
    if (status != CTL_EXIT_OK)
        return status;
    if (!confirm) {
        explain(c, dir, depth);
        return CTL_EXIT_USAGE;
    }
    if (services_running())
        return ctl_fail(CTL_EXIT_FAIL, "the kiosk's services are running: stop them first (systemctl stop "
                                  "prepaid-kiosk.service prepaid-kiosk-sync.service), then reset");
    int removed = 0, lock = -1;
    kmsg_t msg = {""};
    if (ledger_lock_path(c->cfg.ledger_path, "factory-reset", &lock, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "%s: stop it first, then reset", msg.text); /* a program started by hand */
    if (identity_erase(dir, &removed, &msg) != K_OK)
        status = ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    else
        printf("identity deleted: %d files in %s\n", removed, dir);
    if (status == CTL_EXIT_OK && depth == 0 && (status = delete_ledger(c->cfg.ledger_path)) == CTL_EXIT_OK)
        printf("ledger deleted: %s (everything in it had reached the back office)\n", c->cfg.ledger_path);
    else if (status == CTL_EXIT_OK && depth > 0)
        keep_ledger(c, dir, depth); /* its record in the identity folder comes back with it */
    ledger_unlock_path(lock);
    return status;
}
