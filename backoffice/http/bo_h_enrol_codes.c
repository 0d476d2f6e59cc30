/* Enrolment codes over HTTP (sync/openapi.yaml; docs/enrolment.md): the
 * codes open now, a fresh one issued (a new kiosk added with it, or one
 * already known), the open ones revoked; as `backoffice kiosk add` and
 * `kiosk enrol-code` make them (bo_kiosk.h), audited with the caller. An
 * organisation's session only for kiosks and sites it sees. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/domain/bo_kiosk.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

/* GET /v1/admin/enrol-codes: the codes neither used nor expired (kiosk,
 * site, state, issued, expires); never the codes themselves, which are
 * kept only as their hashes. */
void bo_h_admin_enrol_codes(bo_req_t *q, bo_resp_t *r)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_kiosk_codes_open(&q->s->store, q->org, bo_now(q->s), &rows, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_error(r, 500, "internal", "the listing failed: %s; retry later", msg.text);
    else
        bo_h_answer_rows(q, r, &rows);
}

/* Reads {"kiosk", "site", "days"} into k; K_EINVAL saying what is wrong. */
static kerr_t parse(const cJSON *b, bo_kiosk_new_t *k, kmsg_t *msg)
{
    *k = (bo_kiosk_new_t){.kiosk = bo_json_str_ref(b, "kiosk"), .site = bo_json_str_ref(b, "site"),
                          .days = bo_json_int_or(b, "days", BO_ENROL_CODE_DAYS)};
    if (k->site && !k->site[0])
        k->site = NULL;
    k->add = k->site != NULL;
    if (!k->kiosk || !bo_id_valid(k->kiosk, 64))
        return kmsg_set(msg, K_EINVAL, "give 'kiosk': letters, digits, '.', '_', '-'");
    if (k->add && strncmp(k->kiosk, "admin.", 6) == 0)
        return kmsg_set(msg, K_EINVAL, "kiosk ids may not start with 'admin.': certificates with such a CN are staff's");
    if (k->days < 1 || k->days > 90)
        return kmsg_set(msg, K_EINVAL, "'days' is 1 to 90");
    return K_OK;
}

/* POST /v1/admin/enrol-codes {"kiosk", "site", "days"}: a fresh one-time
 * code for the kiosk (added on the site first when a site is given):
 * {"kiosk", "code", "expires"}; the code is in this answer only. */
void bo_h_admin_enrol_code_issue(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    bo_kiosk_new_t k;
    char actor[96], code[SYNC_CODE_LEN] = "";
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = parse(b, &k, &msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_h_scope(q, k.add ? BO_ORG_SITE : BO_ORG_KIOSK, k.add ? k.site : k.kiosk, &msg);
        if (rc == K_OK)
            rc = bo_kiosk_add(&q->s->store, &who, &k, code, &msg);
        bo_unlock(q->s);
    }
    if (rc == K_OK) {
        cJSON *o = cJSON_CreateObject();
        kjson_add_str(o, "kiosk", k.kiosk);
        kjson_add_str(o, "code", code);
        kjson_add_time(o, "expires", who.now + k.days * 86400000);
        bo_resp_json(r, 200, o);
    } else
        bo_resp_kerr(r, rc, &msg);
    cJSON_Delete(b);
}

/* POST /v1/admin/enrol-codes/{kiosk}/revoke: the kiosk's open codes no
 * longer enrol it. */
void bo_h_admin_enrol_code_revoke(bo_req_t *q, bo_resp_t *r)
{
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_h_scope(q, BO_ORG_KIOSK, q->arg[0], &msg);
    if (rc == K_OK)
        rc = bo_kiosk_code_revoke(&q->s->store, &who, q->arg[0], &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "state", "revoked");
    bo_resp_json(r, 200, o);
}
