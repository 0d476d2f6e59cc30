/* One writer at a time (docs/ledger.md, "One writer"). Every engine call
 * that writes the ledger holds its lock while it runs; a sale holds it from
 * the moment it is opened until it comes to rest (final, pending delivery,
 * parked or refunding), so no other process's recovery can take it over
 * while this one is still taking money or delivering. A remote sale also
 * announces itself on the meters' bus as long (engine_bus.h: sales first). */
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* How long to wait for another process: the configuration's, or 3 minutes
 * (a resident's sale) without one. */
static int64_t wait_ms(const engine_t *e)
{
    return e->cfg ? e->cfg->ledger_lock_wait_ms : 180000;
}

kerr_t engine__enter(engine_t *e, const char *what, kmsg_t *msg)
{
    return ledger_lock(e->ledger, what, wait_ms(e), msg);
}

void engine__leave(engine_t *e)
{
    ledger_unlock(e->ledger);
}

kerr_t engine_lock(engine_t *e, const char *what, int64_t wait, kmsg_t *msg)
{
    return ledger_lock(e->ledger, what, wait < 0 ? wait_ms(e) : wait, msg);
}

void engine_unlock(engine_t *e)
{
    ledger_unlock(e->ledger);
}

/* Whether a sale in state s may be left alone: nothing of it is under way. */
static bool at_rest(txn_state_t s)
{
    return txn_state_is_final(s) || s == TXN_DELIVERY_PENDING || s == TXN_NEEDS_RECONCILIATION ||
           s == TXN_REFUNDING;
}

kerr_t engine__hold_sale(engine_t *e, const char *id, bool on_bus, kmsg_t *msg)
{
    kerr_t rc = engine__enter(e, "a sale", msg);
    if (rc != K_OK)
        return rc;
    snprintf(e->held, sizeof e->held, "%s", id);
    e->held_on_bus = on_bus;
    if (on_bus) /* after the ledger's lock: the lock order (engine_bus.h) */
        engine_bus_announce(e->bus);
    return K_OK;
}

/* Lets go of the held sale: its announcement, then the lock. */
static void let_go(engine_t *e)
{
    if (e->held_on_bus)
        engine_bus_withdraw(e->bus);
    e->held_on_bus = false;
    e->held[0] = '\0';
    engine__leave(e);
}

void engine__sale_moved(engine_t *e, const char *id, txn_state_t now)
{
    if (e->held[0] && strcmp(e->held, id) == 0 && at_rest(now))
        let_go(e);
}

const char *engine_held_sale(const engine_t *e)
{
    return e->held[0] ? e->held : NULL;
}

kerr_t engine_settle_held(engine_t *e, kmsg_t *msg)
{
    if (!e->held[0])
        return K_OK;
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, e->held, &t, msg);
    if (rc == K_ENOTFOUND || (rc == K_OK && at_rest(t.state))) {
        let_go(e);
        return K_OK;
    }
    LOG_W("engine", "txn %.8s: left %s by the front end; recovering it", e->held, txn_state_name(t.state));
    engine_recovery_t rep;
    return rc ? rc : engine_recover(e, &rep, msg); /* it lets go of the sale as it comes to rest */
}
