/* Staff's changes to what the documents carry (bo_docs.h): blocked cards,
 * tariffs and kiosks' settings. Each is one transaction that also moves
 * the document forward. */
#include <stdio.h>

#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_op.h"
#include "core/money.h"
#include "core/tariff.h"
#include "base/timefmt.h"

/* Ends a change of one row: refused if nothing changed, else the document
 * moves forward and it commits. */
static kerr_t end(bo_op_t *op, kerr_t rc, bool changed, const char *what, const char *bump, const char *kiosk)
{
    if (rc == K_OK && !changed)
        rc = bo_op_nothing(op->msg, what);
    return bo_op_end(op, rc, NULL, NULL, NULL, NULL, bump, kiosk);
}

kerr_t bo_card_block(bo_store_t *st, int64_t now, const char *serial, const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, NULL, msg);
    if (rc == K_OK)
        rc = st->ops->docs->card_block(st->ctx, serial, reason ? reason : "blocked by staff", now, true, &changed,
                                       msg);
    return end(&op, rc, changed, serial, "blocked-cards", NULL);
}

kerr_t bo_card_unblock(bo_store_t *st, const char *serial, kmsg_t *msg)
{
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, NULL, msg);
    if (rc == K_OK)
        rc = st->ops->docs->card_unblock(st->ctx, serial, &changed, msg);
    return end(&op, rc, changed, serial, "blocked-cards", NULL);
}

kerr_t bo_tariff_check(const char *currency, const char *text, kmsg_t *msg)
{
    const currency_t *cur = currency_find(currency);
    tariff_t t;
    kmsg_t why = {{0}};
    if (!cur)
        return kmsg_set(msg, K_EINVAL, "currency %s is not known (use an ISO 4217 code such as CNY)", currency);
    if (tariff_parse(text, cur->exponent, &t, &why) != K_OK)
        return kmsg_set(msg, K_EINVAL, "tariff '%s': %s", text, why.text);
    return K_OK;
}

kerr_t bo_tariff_set(bo_store_t *st, const char *id, const char *currency, const char *text, kmsg_t *msg)
{
    bo_op_t op;
    bo_tariff_rec_t t = {id, currency, text};
    kerr_t rc = bo_op_begin(&op, st, NULL, msg);
    if (rc == K_OK)
        rc = st->ops->docs->tariff_put(st->ctx, &t, msg);
    return end(&op, rc, true, id, "tariffs", NULL);
}

kerr_t bo_tariff_version_set(bo_store_t *st, const bo_who_t *who, const bo_tariff_ver_t *v, kmsg_t *msg)
{
    bo_op_t op;
    char from[32], detail[300];
    ktime_format_iso(v->from, from, sizeof from);
    snprintf(detail, sizeof detail, "from %s %s %s", from, v->currency, v->text);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->tariffv->put(st->ctx, v, who->now, msg);
    return bo_op_end(&op, rc, "tariff.version", v->id, NULL, detail, "tariffs", NULL);
}

kerr_t bo_setting_set(bo_store_t *st, const char *kiosk, const char *key, int64_t value, kmsg_t *msg)
{
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, NULL, msg);
    if (rc == K_OK)
        rc = st->ops->fleet->setting_put(st->ctx, kiosk, key, value, &changed, msg);
    return end(&op, rc, changed, kiosk, "settings", kiosk);
}
