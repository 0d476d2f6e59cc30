/* What a post-paid account owes, for a kiosk in scope (sync/openapi.yaml,
 * "accounts/{id}/due"; docs/billing.md, "At the kiosk"): the domain
 * (bo_bill_due) decides and reads; a refusal is answered with its code. */
#include "backoffice/domain/bo_postpaid.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

static cJSON *due_json(const bo_due_t *d)
{
    cJSON *j = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    kjson_add_str(j, "account", d->account);
    kjson_add_str(j, "payment", d->payment);
    kjson_add_str(j, "currency", d->currency);
    kjson_add_int(j, "owed", d->owed);
    kjson_add_int(j, "more", d->more);
    for (int i = 0; i < d->n; i++) {
        cJSON *b = cJSON_CreateObject();
        kjson_add_int(b, "bill", d->bill[i].id);
        kjson_add_str(b, "from", d->bill[i].from);
        kjson_add_str(b, "to", d->bill[i].to);
        kjson_add_int(b, "total", d->bill[i].total);
        kjson_add_int(b, "paid", d->bill[i].paid);
        kjson_add_int(b, "due", d->bill[i].due);
        cJSON_AddItemToArray(arr, b);
    }
    cJSON_AddItemToObject(j, "bills", arr);
    return j;
}

void bo_h_account_due(bo_req_t *q, bo_resp_t *r)
{
    bo_due_t d;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_bill_due(&q->s->store, q->kiosk, q->arg[1], &d, &msg);
    if (rc == K_OK)
        bo_resp_json(r, 200, due_json(&d));
    bo_unlock(q->s);
    if (rc == K_ENOTFOUND)
        bo_resp_error(r, 404, "account_unknown", "%s", msg.text);
    else if (rc == K_EDENIED)
        bo_resp_error(r, 403, "account_out_of_scope", "%s", msg.text);
    else if (rc)
        bo_resp_kerr(r, rc, &msg);
}
