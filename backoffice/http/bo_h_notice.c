/* Staff's endpoints for residents' contacts and the notice outbox
 * (docs/notices.md): a contact read (masked), set and cleared by an
 * operator holding the contacts permission; the outbox listed (masked). */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_contact.h"
#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"

void bo_h_admin_contact_get(bo_req_t *q, bo_resp_t *r)
{
    cJSON *o = NULL;
    bool found = false;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_h_scope(q, BO_ORG_ACCOUNT, q->arg[0], &msg);
    if (rc == K_OK)
        rc = bo_contact_show(&q->s->store, q->arg[0], &o, &found, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else if (!found)
        bo_resp_error(r, 404, "not_found", "account '%s' has no contact", q->arg[0]);
    else
        bo_resp_json(r, 200, o);
}

/* Runs a contact change as the staff certificate, naming the body's
 * operator; answers the contact as it is after. */
static void change(bo_req_t *q, bo_resp_t *r, const bo_contact_change_t *ch, const char *operator_name)
{
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    cJSON *o = NULL;
    bool found = false;
    bo_lock(q->s);
    kerr_t rc = bo_h_scope(q, BO_ORG_ACCOUNT, q->arg[0], &msg);
    if (rc == K_OK)
        rc = ch ? bo_contact_set(&q->s->store, &who, operator_name, q->arg[0], ch, &q->s->cfg.notices, &msg)
                   : bo_contact_clear(&q->s->store, &who, operator_name, q->arg[0], &msg);
    if (rc == K_OK && ch)
        rc = bo_contact_show(&q->s->store, q->arg[0], &o, &found, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, o ? o : cJSON_CreateObject());
}

/* POST /v1/admin/accounts/ID/contact {"operator", "mobile", "email",
 * "lang", "wants", "quiet_hours"}: the fields given change. */
void bo_h_admin_contact_set(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    bo_contact_change_t ch = {bo_json_str_ref(b, "mobile"), bo_json_str_ref(b, "email"), bo_json_str_ref(b, "lang"),
                              bo_json_str_ref(b, "wants"), bo_json_str_ref(b, "quiet_hours")};
    change(q, r, &ch, bo_json_str_ref(b, "operator"));
    cJSON_Delete(b);
}

/* POST /v1/admin/accounts/ID/contact/clear {"operator"}. */
void bo_h_admin_contact_clear(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    change(q, r, NULL, bo_json_str_ref(b, "operator"));
    cJSON_Delete(b);
}

/* GET /v1/admin/notices[?account=A][&state=S]: the outbox, newest first. */
void bo_h_admin_notices(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {.id = bo_req_arg(q, "account"), .action = bo_req_arg(q, "state")};
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_h_rows(q, BO_LIST_NOTICES, &args, &rows, &msg);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    bo_h_answer_rows(q, r, &rows);
}
