/* What the verbs that touch meters share: the site and recovery. */
#include <string.h>

#include "kiosk/ctl/ctl.h"

int ctl_site_open(ctl_t *c, ctl_site_t *s)
{
    kmsg_t msg;
    memset(s, 0, sizeof *s);
    if (c->cfg.registry_path[0] && registry_load(c->cfg.registry_path, &s->registry, &msg) != K_OK)
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    if (gw_open(&c->cfg, &s->registry, &s->gw, &msg) != K_OK) {
        registry_free(&s->registry);
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    }
    if (!(s->ledger = ctl_open_ledger(c, LEDGER_CREATE))) {
        gw_close(&s->gw);
        registry_free(&s->registry);
        return CTL_FAIL;
    }
    s->engine = (engine_t){.ledger = s->ledger, .gw = &s->gw, .cfg = &c->cfg};
    return CTL_OK;
}

void ctl_site_close(ctl_site_t *s)
{
    ledger_close(s->ledger);
    gw_close(&s->gw);
    registry_free(&s->registry);
}

int ctl_recovery(ctl_site_t *s, bool report)
{
    engine_recovery_t rep;
    kmsg_t msg;
    if (engine_recover(&s->engine, &rep, &msg) != K_OK)
        return ctl_fail(CTL_FAIL, "recovery failed: %s", msg.text);
    if (report || rep.examined)
        fprintf(report ? stdout : stderr,
                "recovery: %d unfinished: %d delivered, %d cancelled, %d pending, %d need reconciliation\n",
                rep.examined, rep.delivered, rep.cancelled, rep.pending, rep.parked);
    return CTL_OK;
}
