/* The staff verbs of enrolment (docs/enrolment.md): `kiosk add`, `kiosk
 * enrol-code` (print a one-time code) and `kiosk upload-key`; the domain
 * (bo_kiosk.h) adds, issues and registers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/domain/bo_kiosk.h"
#include "base/timefmt.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: backoffice kiosk add ID --site SITE [--days N] [--by-hand [--upload-key KEY]] | kiosk enrol-code "
            "ID [--days N] | kiosk revoke-code ID\n");
    return BO_EXIT_USAGE;
}

static bool parse(const bo_args_t *a, bo_kiosk_new_t *k)
{
    const char *days = bo_arg(a, "days");
    char *end = NULL;
    *k = (bo_kiosk_new_t){.add = strcmp(a->pos[1], "add") == 0, .kiosk = a->pos[2], .site = bo_arg(a, "site"),
                          .by_hand = bo_arg(a, "by-hand") != NULL, .upload_key = bo_arg(a, "upload-key"),
                          .days = BO_ENROL_CODE_DAYS};
    if (days)
        k->days = strtoll(days, &end, 10);
    bool days_ok = !days || (*end == '\0' && k->days >= 1 && k->days <= 90);
    return a->npos == 3 && bo_id_valid(k->kiosk, 64) && (!k->add || k->site) && days_ok && (k->add || !k->by_hand) &&
           (!k->upload_key || k->by_hand);
}

static void print_code(FILE *out, const bo_kiosk_new_t *k, const char *code, int64_t expires_at)
{
    char until[40];
    ktime_format_iso(expires_at, until, sizeof until);
    fprintf(out, "enrolment code for kiosk %s: %s (one use, valid until %s)\n", k->kiosk, code, until);
    fprintf(stderr, "backoffice: on the kiosk, run kioskctl enrol --code %s; then check that the code the kiosk "
                    "shows is the one `backoffice kiosk list` shows for %s\n", code, k->kiosk);
}

/* `kiosk add` and `kiosk enrol-code`. */
static int add(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_kiosk_new_t k;
    if (a->npos < 3 || !parse(a, &k))
        return usage();
    if (k.add && strncmp(k.kiosk, "admin.", 6) == 0) {
        fprintf(stderr, "backoffice: kiosk ids may not start with 'admin.': certificates with such a CN are staff's\n");
        return BO_EXIT_USAGE;
    }
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    char code[SYNC_CODE_LEN] = "";
    if (bo_cli_outcome(bo_kiosk_add(st, &who, &k, code, &msg), &msg, NULL) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    if (k.by_hand)
        fprintf(out, "kiosk added, active; give it a certificate whose CN is its id%s\n",
                k.upload_key ? "" : ", and register its upload key (backoffice kiosk upload-key ID KEY)");
    else
        print_code(out, &k, code, who.now + k.days * 86400000);
    return BO_EXIT_OK;
}

/* `kiosk upload-key ID KEY`: registers the key a kiosk added by hand signs
 * its uploads with. */
static int upload_key(bo_store_t *st, const bo_args_t *a)
{
    if (a->npos != 4) {
        fprintf(stderr,
                "usage: backoffice kiosk upload-key ID KEY (KEY: the upload_key of `kioskctl identity --json`)\n");
        return BO_EXIT_USAGE;
    }
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    char done[160];
    kerr_t rc = bo_kiosk_upload_key(st, &who, a->pos[2], a->pos[3], &msg);
    if (rc == K_EINVAL) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_USAGE;
    }
    snprintf(done, sizeof done, "kiosk %s: upload key registered; its uploads are checked against it from now on",
             a->pos[2]);
    return bo_cli_outcome(rc, &msg, done);
}

/* `kiosk revoke-code ID`: the kiosk's open codes no longer enrol it. */
static int revoke(bo_store_t *st, const bo_args_t *a)
{
    if (a->npos != 3)
        return usage();
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    return bo_cli_outcome(bo_kiosk_code_revoke(st, &who, a->pos[2], &msg), &msg, "the kiosk's open codes revoked");
}

int bo_admin_enrol(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (strcmp(a->pos[1], "revoke-code") == 0)
        return revoke(st, a);
    if (strcmp(a->pos[1], "upload-key") == 0)
        return upload_key(st, a);
    return add(st, a, out);
}
