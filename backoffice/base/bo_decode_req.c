/* Decoding the small requests: heartbeat, count reservation and release,
 * QR order creation; and the ledger an upload names. */
#include <string.h>

#include "backoffice/base/bo_decode.h"
#include "backoffice/base/bo_json.h"
#include "base/uuid.h"

/* Parses text as a JSON object into *root. */
static kerr_t parse_object(const char *text, size_t len, cJSON **root, kmsg_t *msg)
{
    *root = cJSON_ParseWithLength(text, len);
    if (cJSON_IsObject(*root))
        return K_OK;
    cJSON_Delete(*root);
    *root = NULL;
    return kmsg_set(msg, K_EINVAL, "the body must be a JSON object");
}

static kerr_t txn_id(const cJSON *o, char out[37], kmsg_t *msg)
{
    kerr_t rc = bo_json_str(o, "txn", out, 37, msg);
    if (rc == K_OK && !uuid_v4_valid(out))
        rc = kmsg_set(msg, K_EINVAL, "'txn' must be the transaction's lower-case UUIDv4");
    return rc;
}

static kerr_t meter(const cJSON *o, char out[BO_METER_LEN], kmsg_t *msg)
{
    kerr_t rc = bo_json_str(o, "meter", out, BO_METER_LEN, msg);
    if (rc == K_OK && !out[0])
        rc = kmsg_set(msg, K_EINVAL, "'meter' must not be empty");
    return rc;
}

kerr_t bo_decode_heartbeat(const char *text, size_t len, bo_heartbeat_t *h, kmsg_t *msg)
{
    memset(h, 0, sizeof *h);
    h->cashbox_fill = -1;
    cJSON *o;
    kerr_t rc = parse_object(text, len, &o, msg);
    if (rc == K_OK)
        rc = bo_json_str(o, "software", h->software, sizeof h->software, msg);
    if (rc == K_OK)
        rc = bo_json_int(o, "outbox_depth", 0, INT64_MAX, &h->outbox_depth, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(o, "paper", h->paper, sizeof h->paper, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(o, "last_error", h->last_error, sizeof h->last_error, msg);
    const cJSON *box = cJSON_GetObjectItemCaseSensitive(o, "cashbox");
    if (rc == K_OK && box && !cJSON_IsNull(box))
        rc = cJSON_IsObject(box) ? bo_json_int(box, "fill_percent", 0, 100, &h->cashbox_fill, msg)
                                 : kmsg_set(msg, K_EINVAL, "'cashbox' must be an object");
    const cJSON *dev = cJSON_GetObjectItemCaseSensitive(o, "devices");
    if (rc == K_OK && dev && !cJSON_IsArray(dev))
        rc = kmsg_set(msg, K_EINVAL, "'devices' must be an array of {name, status, detail}");
    for (const cJSON *d = dev ? dev->child : NULL; rc == K_OK && d; d = d->next) {
        char name[32], status[16];
        rc = bo_json_str(d, "name", name, sizeof name, msg);
        if (rc == K_OK)
            rc = bo_json_str(d, "status", status, sizeof status, msg);
    }
    cJSON_Delete(o);
    return rc;
}

/* The object of a count request and the meter and sale it names. */
static kerr_t count_request(const char *text, size_t len, cJSON **o, char m[BO_METER_LEN], char txn[37], kmsg_t *msg)
{
    kerr_t rc = parse_object(text, len, o, msg);
    if (rc == K_OK)
        rc = meter(*o, m, msg);
    if (rc == K_OK)
        rc = txn_id(*o, txn, msg);
    return rc;
}

kerr_t bo_decode_reserve(const char *text, size_t len, bo_reserve_t *r, kmsg_t *msg)
{
    memset(r, 0, sizeof *r);
    cJSON *o;
    kerr_t rc = count_request(text, len, &o, r->meter, r->txn, msg);
    if (rc == K_OK)
        rc = bo_json_int(o, "seen", 0, INT64_MAX - 1, &r->seen, msg);
    if (rc == K_OK)
        rc = bo_json_int_opt(o, "count", 1, INT64_MAX - 1, &r->count, msg);
    cJSON_Delete(o);
    return rc;
}

kerr_t bo_decode_release(const char *text, size_t len, bo_release_t *r, kmsg_t *msg)
{
    memset(r, 0, sizeof *r);
    cJSON *o;
    kerr_t rc = count_request(text, len, &o, r->meter, r->txn, msg);
    const cJSON *a = o ? cJSON_GetObjectItemCaseSensitive(o, "applied") : NULL;
    if (rc == K_OK && !cJSON_IsBool(a))
        rc = kmsg_set(msg, K_EINVAL, "'applied' must be true (the count is on the meter) or false");
    if (rc == K_OK)
        r->applied = cJSON_IsTrue(a);
    cJSON_Delete(o);
    return rc;
}

kerr_t bo_decode_qr_new(const char *text, size_t len, bo_qr_new_t *q, kmsg_t *msg)
{
    memset(q, 0, sizeof *q);
    cJSON *o;
    kerr_t rc = parse_object(text, len, &o, msg);
    if (rc == K_OK)
        rc = txn_id(o, q->txn, msg);
    if (rc == K_OK)
        rc = meter(o, q->meter, msg);
    if (rc == K_OK)
        rc = bo_json_int(o, "amount", 1, 1000000000000LL, &q->amount, msg);
    if (rc == K_OK)
        rc = bo_json_str(o, "currency", q->currency, sizeof q->currency, msg);
    if (rc == K_OK && strlen(q->currency) != 3)
        rc = kmsg_set(msg, K_EINVAL, "'currency' must be an ISO 4217 code such as CNY");
    q->ttl_s = 0;
    if (rc == K_OK)
        rc = bo_json_int_opt(o, "ttl_seconds", 10, 3600, &q->ttl_s, msg);
    cJSON_Delete(o);
    return rc;
}

kerr_t bo_decode_ledger(const cJSON *root, bo_ledger_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, "ledger");
    if (!l)
        return kmsg_set(msg, K_EINVAL, "the upload names no 'ledger' ({\"id\", \"created_at\"}): the kiosk's software "
                                       "is older than this back office; update the kiosk (docs/sync.md)");
    if (!cJSON_IsObject(l))
        return kmsg_set(msg, K_EINVAL, "'ledger' must be an object {\"id\", \"created_at\"}");
    kerr_t rc = bo_json_str(l, "id", out->id, sizeof out->id, msg);
    if (rc == K_OK && !uuid_v4_valid(out->id))
        rc = kmsg_set(msg, K_EINVAL, "'id' must be the ledger's lower-case UUIDv4");
    if (rc == K_OK)
        rc = bo_json_time(l, "created_at", &out->created_at, msg);
    if (rc)
        kmsg_prefix(msg, "ledger: ");
    return rc;
}
