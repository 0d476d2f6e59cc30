/* Storing each topic's row: txn, reading, frozen, alert (card: bo_ingest_card.c,
 * audit: bo_ingest_audit.c, bill_payment: bo_ingest_bill.c). A row already held under another outbox seq
 * is a duplicate; a malformed one is rejected; a row naming a meter passes
 * the gate first (bo_ingest_gate.c): the kiosk's scope, then the rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"

#include "backoffice/domain/bo_account.h"
#include "backoffice/domain/bo_alerts.h"
#include "backoffice/domain/bo_command.h"
#include "backoffice/domain/bo_counts.h"
#include "backoffice/domain/bo_ingest_int.h"
#include "backoffice/domain/bo_notice.h"
#include "backoffice/domain/bo_qr_refund.h"

kerr_t bo__ingest_once(const bo_in_t *in, kerr_t rc, const char *dup)
{
    if (rc == K_ECONFLICT) {
        *in->status = BO_DUPLICATE;
        kmsg_set(in->reason, K_OK, "%s", dup);
        return K_OK;
    }
    return rc;
}

/* Ends the rules' check: a storage failure is the request's failure. */
static kerr_t rules_failed(const bo_in_t *in, kerr_t rc, const kmsg_t *why)
{
    return kmsg_set(in->msg, rc, "%s", why->text);
}

/* The row does not decode: rejected with what is wrong in the reason. */
static kerr_t malformed(const bo_in_t *in)
{
    *in->status = BO_REJECTED;
    return K_OK;
}

/* The transaction is the kiosk's own, its meter in the kiosk's scope, and
 * it breaks no rule. */
static kerr_t admit_txn(const bo_in_t *in, const bo_txn_t *t, bool *go)
{
    char owner[65];
    kerr_t rc = in->st->ops->upload->sale_owner(in->st->ctx, t->id, owner, in->msg);
    *go = false;
    if (rc)
        return rc;
    if (owner[0] && strcmp(owner, in->kiosk) != 0) {
        *in->status = BO_REJECTED;
        kmsg_set(in->reason, K_OK, "transaction %s belongs to kiosk %s; a kiosk uploads only its own", t->id, owner);
        return K_OK;
    }
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t c = bo__ingest_rule_ctx(in);
    if (in->rules && (rc = bo_rules_txn(&c, t, &rule, &why)))
        return rules_failed(in, rc, &why);
    return bo__ingest_admit(in, t->meter, rule, &why, go);
}

static kerr_t ingest_txn(const bo_in_t *in)
{
    const bo_st_upload_t *up = in->st->ops->upload;
    bo_txn_t t;
    bool go;
    char dup[160];
    if (bo_decode_txn(in->row->payload, &t, in->reason) != K_OK)
        return malformed(in);
    kerr_t rc = admit_txn(in, &t, &go);
    if (rc || !go)
        return rc;
    snprintf(dup, sizeof dup, "event %lld of transaction %s was received before under another outbox seq",
             (long long)t.event_seq, t.id);
    rc = bo__ingest_once(in, up->event_seen(in->st->ctx, in->kiosk, &t, in->row->seq, in->now, in->msg), dup);
    if (rc || *in->status == BO_DUPLICATE)
        return rc;
    rc = up->sale_put(in->st->ctx, in->kiosk, &t, in->msg);
    if (rc == K_OK)
        rc = bo_account_on_sale(in->st, t.meter, t.state, t.created_at, in->msg);
    if (rc == K_OK)
        rc = bo_notice_sale(in->st, in->notices, &t, in->now, in->msg);
    if (rc == K_OK)
        rc = bo_qr_refund_on_sale(in->st, in->kiosk, &t, bo_json_str_ref(in->row->payload, "reason"), in->now,
                                  in->msg);
    return rc ? rc : bo_counts_on_txn(in->st, in->kiosk, &t, in->now, in->msg);
}

static kerr_t ingest_reading(const bo_in_t *in)
{
    bo_reading_t r;
    bool go;
    if (bo_decode_reading(in->row->payload, &r, in->reason) != K_OK)
        return malformed(in);
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t c = bo__ingest_rule_ctx(in);
    kerr_t rc = in->rules ? bo_rules_reading(&c, &r, &rule, &why) : K_OK;
    if (rc)
        return rules_failed(in, rc, &why);
    if ((rc = bo__ingest_admit(in, r.meter, rule, &why, &go)) || !go)
        return rc;
    rc = bo__ingest_once(in, in->st->ops->upload->reading_put(in->st->ctx, in->kiosk, &r, in->msg),
                         "this reading (meter and time) was received before");
    if (rc || *in->status == BO_DUPLICATE)
        return rc;
    rc = bo_notice_reading(in->st, in->notices, &r, in->now, in->msg);
    return rc ? rc : bo_counts_seen(in->st, r.meter, r.purchase_count, in->now, in->msg);
}

/* A meter's daily freeze (topic frozen): its meter in the kiosk's scope,
 * once per meter and freeze time. */
static kerr_t ingest_frozen(const bo_in_t *in)
{
    bo_frozen_t f;
    bool go;
    if (bo_decode_frozen(in->row->payload, &f, in->reason) != K_OK)
        return malformed(in);
    kmsg_t why = {{0}};
    kerr_t rc = bo__ingest_admit(in, f.meter, BO_RULE_NONE, &why, &go);
    if (rc || !go)
        return rc;
    return bo__ingest_once(in, in->st->ops->upload->frozen_put(in->st->ctx, in->kiosk, &f, in->msg),
                           "this freeze (meter and freeze time) was received before");
}

static kerr_t ingest_alert(const bo_in_t *in)
{
    bo_alert_t a;
    bool go;
    if (bo_decode_alert(in->row->payload, &a, in->reason) != K_OK)
        return malformed(in);
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t c = bo__ingest_rule_ctx(in);
    if (in->rules)
        bo_rules_time(&c, "time", a.at, &rule, &why);
    kerr_t rc = bo__ingest_admit(in, a.meter, rule, &why, &go);
    if (rc || !go)
        return rc;
    rc = bo__ingest_once(in, in->st->ops->upload->alert_put(in->st->ctx, in->kiosk, in->row->ledger, &a, in->msg),
                         "this alert (kiosk's alert id) was received before");
    if (rc || *in->status == BO_DUPLICATE)
        return rc;
    return bo_alert_on_upload(in->st, &a, in->now, in->msg);
}

/* The notices a command's stored outcome calls for (bo_notice.h). */
static kerr_t notice_command(const bo_in_t *in)
{
    char id[40];
    bo_cmd_rec_t *c = calloc(1, sizeof *c); /* the envelope makes it large */
    bool found = false;
    kmsg_t why = {{0}};
    kerr_t rc = c ? K_OK : kmsg_set(in->msg, K_EIO, "out of memory");
    if (rc == K_OK && bo_json_str(in->row->payload, "id", id, sizeof id, &why) == K_OK)
        rc = in->st->ops->cmd->get(in->st->ctx, id, c, &found, in->msg);
    if (rc == K_OK && found)
        rc = bo_notice_command(in->st, in->notices, c, in->now, in->msg);
    free(c);
    return rc;
}

/* A central command's outcome (topic command): its meter in the kiosk's
 * scope, the command the kiosk's own; an outcome the command has taken
 * already is a duplicate. */
static kerr_t ingest_command(const bo_in_t *in)
{
    char meter[33];
    bool go, taken;
    if (bo_json_str(in->row->payload, "meter", meter, sizeof meter, in->reason) != K_OK)
        return malformed(in);
    kmsg_t why = {{0}};
    kerr_t rc = bo__ingest_admit(in, meter, BO_RULE_NONE, &why, &go);
    if (rc || !go)
        return rc;
    rc = bo_command_outcome(in->st, in->kiosk, in->row->payload, in->now, &taken, in->reason, in->msg);
    if (rc == K_EINVAL)
        return malformed(in);
    if (rc == K_OK && !taken)
        *in->status = BO_DUPLICATE;
    return rc || !taken ? rc : notice_command(in);
}

kerr_t bo__ingest_row(const bo_in_t *in)
{
    const char *topic = in->row->topic;
    if (strcmp(topic, "txn") == 0)
        return ingest_txn(in);
    if (strcmp(topic, "reading") == 0)
        return ingest_reading(in);
    if (strcmp(topic, "alert") == 0)
        return ingest_alert(in);
    if (strcmp(topic, "audit") == 0)
        return bo__ingest_audit(in);
    if (strcmp(topic, "command") == 0)
        return ingest_command(in);
    if (strcmp(topic, "frozen") == 0)
        return ingest_frozen(in);
    if (strcmp(topic, "bill_payment") == 0)
        return bo__ingest_bill_payment(in);
    return bo__ingest_card(in);
}

kerr_t bo_ingest_row(bo_store_t *st, const bo_rules_t *rules, const char *kiosk, const bo_row_t *row, int64_t now,
                     bo_row_status_t *status, kmsg_t *reason, kmsg_t *msg)
{
    *status = BO_ACCEPTED;
    reason->text[0] = '\0';
    const bo_in_t in = {st, rules, NULL, kiosk, row, now, status, reason, msg};
    return bo__ingest_row(&in);
}
