/* The staff verbs of enrolment: `kiosk add` and `kiosk enrol-code`
 * (bo_enrol.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/base/bo_json.h"
#include "kiosk/app/timefmt.h"

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The verb's arguments. */
typedef struct enrol_args {
    bool add;          /* kiosk add; else kiosk enrol-code */
    const char *kiosk, *site;
    bool by_hand;
    const char *upload_key; /* --upload-key, with --by-hand; NULL if none */
    int64_t days;
} enrol_args_t;

static int usage(void)
{
    fprintf(stderr,
            "usage: backoffice kiosk add ID --site SITE [--days N] [--by-hand [--upload-key KEY]] | kiosk enrol-code "
            "ID [--days N]\n");
    return BO_EXIT_USAGE;
}

static bool parse(const bo_args_t *a, enrol_args_t *e)
{
    const char *days = bo_arg(a, "days");
    char *end = NULL;
    *e = (enrol_args_t){.add = strcmp(a->pos[1], "add") == 0, .kiosk = a->pos[2], .site = bo_arg(a, "site"),
                        .by_hand = bo_arg(a, "by-hand") != NULL, .upload_key = bo_arg(a, "upload-key"),
                        .days = BO_ENROL_CODE_DAYS};
    if (days)
        e->days = strtoll(days, &end, 10);
    bool days_ok = !days || (*end == '\0' && e->days >= 1 && e->days <= 90);
    return a->npos == 3 && bo_id_valid(e->kiosk, 64) && (!e->add || e->site) && days_ok && (e->add || !e->by_hand) &&
           (!e->upload_key || e->by_hand);
}

/* Adds the kiosk (kiosk add), inside the transaction. */
static kerr_t add(sqlite3 *db, const enrol_args_t *e, int64_t now, kmsg_t *msg)
{
    kerr_t rc = bo__enrol_run(db,
                    "INSERT INTO kiosk(id, site, state, created_at) SELECT ?1, ?2, 'active', ?3 "
                    "WHERE EXISTS (SELECT 1 FROM site WHERE id = ?2)",
                    e->kiosk, e->site, now, 0, msg);
    if (rc == K_ECONFLICT)
        return kmsg_set(msg, K_ECONFLICT, "kiosk '%s' exists already; for a fresh enrolment code: backoffice kiosk "
                                          "enrol-code %s", e->kiosk, e->kiosk);
    if (rc == K_OK && sqlite3_changes(db) == 0)
        return kmsg_set(msg, K_ENOTFOUND, "site '%s' is not known: add it with backoffice site add %s NAME", e->site,
                        e->site);
    if (rc == K_OK)
        rc = bo_audit_record(db, bo_audit_staff_actor(), "kiosk.add", e->kiosk, "", e->site, msg);
    return rc;
}

static void print_code(FILE *out, const enrol_args_t *e, const char *code, int64_t expires_at)
{
    char until[40];
    ktime_format_iso(expires_at, until, sizeof until);
    fprintf(out, "enrolment code for kiosk %s: %s (one use, valid until %s)\n", e->kiosk, code, until);
    fprintf(stderr, "backoffice: on the kiosk, run kioskctl enrol --code %s; then check that the code the kiosk "
                    "shows is the one `backoffice kiosk list` shows for %s\n", code, e->kiosk);
}

int bo_enrol_cli(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    enrol_args_t e;
    if (a->npos < 3 || !parse(a, &e))
        return usage();
    if (e.add && strncmp(e.kiosk, "admin.", 6) == 0) {
        fprintf(stderr, "backoffice: kiosk ids may not start with 'admin.': certificates with such a CN are staff's\n");
        return BO_EXIT_USAGE;
    }
    kmsg_t msg = {{0}};
    char code[SYNC_CODE_LEN] = "";
    int64_t now = wall_ms();
    kerr_t rc = bo_db_exec(db, "BEGIN IMMEDIATE", "starting", &msg);
    if (rc == K_OK && e.add)
        rc = add(db, &e, now, &msg);
    if (rc == K_OK && e.upload_key)
        rc = bo_kiosk_set_upload_key(db, e.kiosk, e.upload_key, &msg);
    if (rc == K_OK && !e.by_hand)
        rc = bo_enrol_code_issue(db, e.kiosk, now, e.days, code, &msg);
    if (rc == K_OK && !e.by_hand)
        rc = bo_audit_record(db, bo_audit_staff_actor(), "kiosk.enrol_code", e.kiosk, "", "", &msg);
    if (bo_admin_commit(db, rc, &msg) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    if (e.by_hand)
        fprintf(out, "kiosk added, active; give it a certificate whose CN is its id%s\n",
                e.upload_key ? "" : ", and register its upload key (backoffice kiosk upload-key ID KEY)");
    else
        print_code(out, &e, code, now + e.days * 86400000);
    return BO_EXIT_OK;
}
