/* The admin API's post-paid bills (docs/billing.md, "Post-paid bills"):
 * the bills listed, one bill's lines, the arrears; a bill confirmed (an
 * operator allowed `accounts`, with the PIN, as `bill confirm`) and issued
 * (its notice queued, as `bill issue`), audited as the command line's. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_postpaid.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

/* Answers with what fill put in rows, or the failure. */
static void answer(bo_req_t *q, bo_resp_t *r, kerr_t rc, bo_rows_t *rows, const kmsg_t *msg)
{
    if (rc == K_ENOTFOUND)
        bo_resp_error(r, 404, "not_found", "%s", msg->text);
    else if (rc)
        bo_resp_error(r, 500, "internal", "listing bills failed: %s", msg->text);
    else
        bo_h_answer_rows(q, r, rows);
}

/* GET /v1/admin/bills[?account=|site=][&state=][&period=YYYY-MM]. */
void bo_h_admin_bills(bo_req_t *q, bo_resp_t *r)
{
    bo_bill_filter_t f = {bo_req_arg(q, "account"), bo_req_arg(q, "site"), bo_req_arg(q, "state"),
                          bo_req_arg(q, "period")};
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_bills_list(&q->s->store, &f, &rows, &msg);
    bo_unlock(q->s);
    if (rc == K_EINVAL)
        bo_resp_error(r, 400, "bad_request", "%s", msg.text);
    else
        answer(q, r, rc, &rows, &msg);
}

/* The bill id of the path, or false with the refusal in r. */
static bool path_id(bo_req_t *q, bo_resp_t *r, int64_t *id)
{
    char *end;
    long long v = strtoll(q->arg[0], &end, 10);
    if (v <= 0 || *end) {
        bo_resp_error(r, 400, "bad_request", "a bill id is a whole number, not '%s'", q->arg[0]);
        return false;
    }
    *id = v;
    return true;
}

void bo_h_admin_bill(bo_req_t *q, bo_resp_t *r)
{
    int64_t id;
    if (!path_id(q, r, &id))
        return;
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->post->bill_lines(q->s->store.ctx, id, &rows, &msg);
    bo_unlock(q->s);
    if (rc == K_OK && rows.nrows == 0) {
        bo_rows_free(&rows);
        rc = kmsg_set(&msg, K_ENOTFOUND, "bill %lld is not known", (long long)id);
    }
    answer(q, r, rc, &rows, &msg);
}

void bo_h_admin_arrears(bo_req_t *q, bo_resp_t *r)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->post->arrears(q->s->store.ctx, bo_req_arg(q, "site"), &rows, &msg);
    bo_unlock(q->s);
    answer(q, r, rc, &rows, &msg);
}

/* Moves the path's bill to `to` (confirmed: signed by the body's
 * operator and PIN; issued: its notice queued under the server's
 * [notices]) as the staff API's caller; answers its id and new state. */
static void move(bo_req_t *q, bo_resp_t *r, bo_bill_state_t to)
{
    int64_t id;
    if (!path_id(q, r, &id))
        return;
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    bo_signer_t sig = {bo_json_str_ref(b, "operator"), bo_json_str_ref(b, "pin")};
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = to == BO_BILL_CONFIRMED ? bo_bill_confirm(&q->s->store, &who, &sig, id, &msg)
                                        : bo_bill_issue(&q->s->store, &who, &q->s->cfg.notices, id, &msg);
    bo_unlock(q->s);
    cJSON_Delete(b);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    kjson_add_int(o, "bill", id);
    kjson_add_str(o, "state", bo_bill_state_name(to));
    bo_resp_json(r, 200, o);
}

/* POST /v1/admin/bills/{id}/confirm {"operator", "pin"}. */
void bo_h_admin_bill_confirm(bo_req_t *q, bo_resp_t *r)
{
    move(q, r, BO_BILL_CONFIRMED);
}

/* POST /v1/admin/bills/{id}/issue {}. */
void bo_h_admin_bill_issue(bo_req_t *q, bo_resp_t *r)
{
    move(q, r, BO_BILL_ISSUED);
}
