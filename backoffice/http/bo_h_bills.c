/* The admin API's post-paid bills (read-only; docs/billing.md, "Post-paid
 * bills"): the bills listed, one bill's lines, the arrears. Changes are
 * the command line's (they need an operator's PIN). */
#include <stdlib.h>
#include <string.h>

#include "backoffice/http/bo_server.h"

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

void bo_h_admin_bills(bo_req_t *q, bo_resp_t *r)
{
    const char *acc = bo_req_arg(q, "account"), *site = bo_req_arg(q, "site"), *state = bo_req_arg(q, "state");
    if ((acc != NULL) + (site != NULL) + (state != NULL) > 1) {
        bo_resp_error(r, 400, "bad_request", "at most one of account, site and state");
        return;
    }
    bo_bill_list_t which = acc ? BO_BILLS_ACCOUNT : site ? BO_BILLS_SITE : state ? BO_BILLS_STATE : BO_BILLS_ALL;
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->post->bills(q->s->store.ctx, which, acc ? acc : site ? site : state, &rows, &msg);
    bo_unlock(q->s);
    answer(q, r, rc, &rows, &msg);
}

void bo_h_admin_bill(bo_req_t *q, bo_resp_t *r)
{
    char *end;
    long long id = strtoll(q->arg[0], &end, 10);
    if (id <= 0 || *end) {
        bo_resp_error(r, 400, "bad_request", "a bill id is a whole number, not '%s'", q->arg[0]);
        return;
    }
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->post->bill_lines(q->s->store.ctx, id, &rows, &msg);
    bo_unlock(q->s);
    if (rc == K_OK && rows.nrows == 0) {
        bo_rows_free(&rows);
        rc = kmsg_set(&msg, K_ENOTFOUND, "bill %lld is not known", id);
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
