/* libFuzzer target: the back office's request decoding (backoffice/
 * bo_decode.c, bo_decode_req.c). The first byte picks the request (outbox
 * batch, heartbeat, count reserve, count release, QR order); the rest is
 * the body (batch topics: txn, reading, alert, card, audit, frozen, command,
 * bill_payment). A decoded batch must keep its promises: 0..500 rows (none: a kiosk asking
 * whether its uploads are taken), seqs
 * positive and distinct, known topics, object payloads; each payload then
 * goes through its topic's decoder. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_decode.h"

static void check_batch(const bo_batch_t *b)
{
    if (b->n < 0 || b->n > BO_MAX_BATCH)
        abort();
    for (int i = 0; i < b->n; i++) {
        const bo_row_t *r = &b->rows[i];
        if (r->seq < 1 || !cJSON_IsObject(r->payload))
            abort();
        for (int j = 0; j < i; j++)
            if (b->rows[j].seq == r->seq)
                abort();
        kmsg_t msg;
        union {
            bo_txn_t t;
            bo_reading_t rd;
            bo_alert_t a;
            bo_card_t c;
            bo_audit_t au;
            bo_frozen_t fr;
        } u;
        if (strcmp(r->topic, "txn") == 0) {
            if (bo_decode_txn(r->payload, &u.t, &msg) == K_OK && (u.t.amount < 0 || u.t.event_seq < 1))
                abort();
        } else if (strcmp(r->topic, "reading") == 0) {
            (void)bo_decode_reading(r->payload, &u.rd, &msg);
        } else if (strcmp(r->topic, "alert") == 0) {
            (void)bo_decode_alert(r->payload, &u.a, &msg);
        } else if (strcmp(r->topic, "card") == 0) {
            if (bo_decode_card(r->payload, &u.c, &msg) == K_OK && strlen(u.c.serial) != 16)
                abort();
        } else if (strcmp(r->topic, "audit") == 0) {
            if (bo_decode_audit(r->payload, &u.au, &msg) == K_OK && (u.au.id < 1 || !u.au.actor[0] || !u.au.action[0]))
                abort();
        } else if (strcmp(r->topic, "frozen") == 0) {
            (void)bo_decode_frozen(r->payload, &u.fr, &msg);
        } else if (strcmp(r->topic, "command") != 0 && strcmp(r->topic, "bill_payment") != 0) {
            abort(); /* command and bill_payment: their payloads are read by the domain's ingest (bo_fuzz.request) */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    kmsg_t msg;
    switch (data[0] % 5) {
    case 0: {
        bo_batch_t b;
        if (bo_decode_batch(body, len, &b, &msg) == K_OK) {
            check_batch(&b);
            bo_batch_free(&b);
        }
        break;
    }
    case 1: {
        bo_heartbeat_t h;
        if (bo_decode_heartbeat(body, len, &h, &msg) == K_OK && h.outbox_depth < 0)
            abort();
        break;
    }
    case 2: {
        bo_reserve_t r;
        if (bo_decode_reserve(body, len, &r, &msg) == K_OK && (r.seen < 0 || !r.meter[0]))
            abort();
        break;
    }
    case 3: {
        bo_release_t r;
        (void)bo_decode_release(body, len, &r, &msg);
        break;
    }
    default: {
        bo_qr_new_t q;
        if (bo_decode_qr_new(body, len, &q, &msg) == K_OK && (q.amount < 1 || strlen(q.currency) != 3))
            abort();
        break;
    }
    }
    return 0;
}
