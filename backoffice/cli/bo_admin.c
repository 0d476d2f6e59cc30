/* Admin verbs: the dispatch to each noun's file, and sites, kiosks and
 * customers here (meters, cards, tariffs, settings and counts in
 * bo_admin_meter.c). */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_account.h"
#include "backoffice/domain/bo_kiosk.h"
#include "backoffice/domain/bo_scope.h"

static int site(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    if (bo_cli_is(a, "site", "add", 4) && bo_id_valid(a->pos[2], 64))
        return bo_cli_outcome(bo_site_add(st, a->pos[2], a->pos[3], &msg), &msg, "site added");
    if (bo_cli_is(a, "site", "list", 2))
        return bo_cli_list(st, BO_LIST_SITES, a, out);
    if (a->npos >= 2 && (strcmp(a->pos[1], "grant") == 0 || strcmp(a->pos[1], "revoke") == 0 ||
                         strcmp(a->pos[1], "grants") == 0))
        return bo_admin_site(st, a, out); /* which meters the site's kiosks serve (bo_admin_site.c) */
    return bo_cli_usage("site add ID NAME | site list | site grant|revoke SITE --meter M|--from-site S --reason "
                        "TEXT | site grants [--all]");
}

static int kiosk(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    if (bo_cli_is(a, "kiosk", "add", 3) || bo_cli_is(a, "kiosk", "enrol-code", 3) ||
        bo_cli_is(a, "kiosk", "revoke-code", 3) || (a->npos >= 2 && strcmp(a->pos[1], "upload-key") == 0))
        return bo_admin_enrol(st, a, out); /* with a one-time enrolment code (bo_enrol_cli.c) */
    if (bo_cli_is(a, "kiosk", "block", 3) || bo_cli_is(a, "kiosk", "activate", 3)) {
        const char *state = strcmp(a->pos[1], "block") == 0 ? "blocked" : "active";
        return bo_cli_outcome(bo_kiosk_set_state(st, a->pos[2], state, &msg), &msg, "kiosk updated");
    }
    if (bo_cli_is(a, "kiosk", "list", 2))
        return bo_cli_list(st, BO_LIST_KIOSKS, a, out);
    return bo_cli_usage("kiosk add ID --site SITE [--days N] [--by-hand [--upload-key KEY]] | kiosk enrol-code ID "
                        "[--days N] | kiosk revoke-code ID | kiosk upload-key ID KEY | kiosk block ID | kiosk activate "
                        "ID | kiosk list");
}

static int customer(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    kmsg_t msg = {{0}};
    if (bo_cli_is(a, "customer", "add", 4) && bo_id_valid(a->pos[2], 64))
        return bo_cli_outcome(bo_customer_add(st, a->pos[2], a->pos[3], &msg), &msg, "customer added");
    if (bo_cli_is(a, "customer", "list", 2))
        return bo_cli_list(st, BO_LIST_CUSTOMERS, a, out);
    return bo_cli_usage("customer add ID NAME | customer list");
}

int bo_admin(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *noun = a->pos[0];
    if (strcmp(noun, "alerts") == 0 || strcmp(noun, "alert") == 0)
        return bo_admin_alerts(st, a, out);
    if (a->npos < 2)
        return bo_cli_usage("site|kiosk|customer|account|meter|card|tariff|settings|count|quarantine|operator|group "
                            "VERB ... (see --help)");
    if (strcmp(noun, "site") == 0)
        return site(st, a, out);
    if (strcmp(noun, "org") == 0 || strcmp(noun, "building") == 0 || strcmp(noun, "room") == 0)
        return bo_admin_org(st, a, out);
    if (strcmp(noun, "kiosk") == 0)
        return kiosk(st, a, out);
    if (strcmp(noun, "customer") == 0)
        return customer(st, a, out);
    if (strcmp(noun, "operator") == 0 || strcmp(noun, "group") == 0)
        return bo_admin_staff(st, a, out);
    if (strcmp(noun, "account") == 0)
        return bo_admin_account(st, a, out);
    if (strcmp(noun, "quarantine") == 0)
        return bo_admin_quarantine(st, a, out);
    return bo_admin_meter(st, a, out);
}
