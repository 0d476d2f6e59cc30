/* Which of a kiosk's ledgers an upload may be stored from (bo_ingest_int.h;
 * docs/sync.md, "A kiosk's ledgers"). A ledger started afresh (a factory
 * reset) has a new id and restarts its outbox seqs at 1; it replaces the
 * kiosk's current ledger when it began later. A ledger that began earlier
 * or was replaced already is retired: a copy restored from an old disk,
 * whose rows are refused so they cannot stand beside the current ones. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_ingest_int.h"
#include "base/timefmt.h"

/* Rows received before ledgers were named (ledger '') become the first
 * ledger's when it began before the last of them arrived: it is the ledger
 * that sent them, upgraded. A ledger that began after them is a new one. */
static kerr_t adopt_unnamed(bo_store_t *st, const char *kiosk, const bo_ledger_t *l, kmsg_t *msg)
{
    int64_t last = -1;
    kerr_t rc = st->ops->upload->unnamed_last(st->ctx, kiosk, &last, msg);
    if (rc || last < 0 || l->created_at > last)
        return rc;
    return st->ops->upload->unnamed_adopt(st->ctx, kiosk, l->id, msg);
}

/* The new ledger replaces the current one: recorded, and audited. */
static kerr_t replace(bo_store_t *st, const char *kiosk, const bo_ledger_rec_t *old, const bo_ledger_t *l,
                      int64_t now, kmsg_t *msg)
{
    kerr_t rc = st->ops->upload->ledger_retire(st->ctx, kiosk, old->id, now, l->id, msg);
    if (rc == K_OK)
        rc = st->ops->upload->ledger_add(st->ctx, kiosk, l, now, msg);
    char was[40], began[40], detail[256];
    ktime_format_iso(old->created_at, was, sizeof was);
    ktime_format_iso(l->created_at, began, sizeof began);
    snprintf(detail, sizeof detail, "ledger %s (began %s) -> %s (began %s)", old->id, was, l->id, began);
    bo_audit_rec_t a = {"backoffice:ingest", "kiosk.ledger_new", kiosk,
                        "the kiosk uploads from a ledger that began later (a factory reset or a new ledger)", detail,
                        bo_clock_wall_ms()};
    return rc ? rc : bo_audit_record(st, &a, msg);
}

/* The reason every row of a retired ledger gets (short enough for the
 * kiosk's alert: about 200 bytes). */
static void retired_reason(const char *kiosk, const bo_ledger_rec_t *cur, kmsg_t *why)
{
    char began[40];
    ktime_format_iso(cur->created_at, began, sizeof began);
    kmsg_set(why, K_OK,
             "ledger_retired: kiosk %s uploads from ledger %s (began %s), which replaced this one; not stored. "
             "A restored old disk? Put the last one back, or ask support",
             kiosk, cur->id, began);
}

kerr_t bo__ledger_admit(bo_store_t *st, const char *kiosk, const bo_ledger_t *l, int64_t now, bool *retired,
                        kmsg_t *why, kmsg_t *msg)
{
    bo_ledger_rec_t cur, same;
    *retired = false;
    kerr_t rc = st->ops->upload->ledger_current(st->ctx, kiosk, &cur, msg);
    if (rc == K_OK && cur.found && strcmp(cur.id, l->id) == 0)
        return K_OK;
    if (rc == K_OK)
        rc = st->ops->upload->ledger_get(st->ctx, kiosk, l->id, &same, msg);
    if (rc)
        return rc;
    if (!cur.found && !same.found) {
        rc = st->ops->upload->ledger_add(st->ctx, kiosk, l, now, msg);
        return rc ? rc : adopt_unnamed(st, kiosk, l, msg);
    }
    if (!same.found && l->created_at > cur.created_at)
        return replace(st, kiosk, &cur, l, now, msg);
    *retired = true;
    retired_reason(kiosk, &cur, why);
    return K_OK;
}
