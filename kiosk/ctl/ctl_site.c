/* What the verbs that touch meters share: the site and recovery. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ctl/ctl.h"

/* Payment devices that are configured but absent are reported, not fatal:
 * verbs that need them say so. */
static void report(void *ctx, const char *device, const char *why)
{
    (void)ctx;
    fprintf(stderr, "kioskctl: %s unavailable: %s\n", device, why);
}

/* An exit status for how the site opened, having said why not. */
static int opened(kerr_t rc, const kmsg_t *msg)
{
    if (rc == K_OK)
        return CTL_EXIT_OK;
    return ctl_fail(rc == K_EINVAL || rc == K_ENOTFOUND ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg->text);
}

int ctl_site_open(ctl_t *c, ctl_site_t *s)
{
    kmsg_t msg;
    kerr_t rc = site_open(&c->cfg, s, report, NULL, &msg);
    return opened(rc, &msg);
}

int ctl_site_open_link(ctl_t *c, ctl_site_t *s)
{
    kmsg_t msg;
    kerr_t rc = site_open_link(&c->cfg, s, report, NULL, &msg);
    return opened(rc, &msg);
}

int ctl_site_open_collector(ctl_t *c, ctl_site_t *s)
{
    kmsg_t msg;
    kerr_t rc = site_open_link(&c->cfg, s, report, NULL, &msg); /* the link's site holds the gateway */
    return opened(rc, &msg);
}

void ctl_site_close(ctl_site_t *s)
{
    site_close(s);
}

int ctl_recovery(ctl_site_t *s, bool report)
{
    engine_recovery_t rep;
    kmsg_t msg;
    if (engine_recover(&s->engine, &rep, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "recovery failed: %s", msg.text);
    if (report || rep.examined)
        fprintf(report ? stdout : stderr,
                "recovery: %d unfinished: %d delivered, %d cancelled, %d pending, %d need reconciliation\n",
                rep.examined, rep.delivered, rep.cancelled, rep.pending, rep.parked);
    return CTL_EXIT_OK;
}
