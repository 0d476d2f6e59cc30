/* kioskctl sync now | notices | status: the back-office link by hand
 * (docs/sync.md). */
#include <stdio.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "kiosk/ctl/ctl.h"
#include "kiosk/site/site_health.h"
#include "provisioning/identity_signer.h"
#include "sync/sync_client.h"
#include "sync/sync_docs.h"
#include "sync/sync_heartbeat.h"
#include "sync/sync_notice.h"

static void print_notices(const sync_notice_report_t *rep)
{
    if (rep->seen)
        printf("notices: %d seen: %d late QR payments booked, %d booked before, %d acknowledged, %d left\n",
               rep->seen, rep->booked, rep->already, rep->acked, rep->skipped);
    if (rep->refunded || rep->refunded_before)
        printf("notices: %d QR refunds booked, %d booked before\n", rep->refunded, rep->refunded_before);
}

/* Fetches the open notices, books the late QR payments, acknowledges them. */
static kerr_t notices(ctl_site_t *s, sync_client_t *sc, kmsg_t *msg)
{
    static sync_notice_t list[SYNC_MAX_NOTICES];
    size_t n = 0;
    sync_notice_report_t rep = {0};
    kerr_t rc = sync_notices_fetch(sc, s->ledger, list, SYNC_MAX_NOTICES, &n, msg);
    if (rc == K_OK)
        rc = sync_notices_handle(sc, &s->engine, list, n, &rep, msg);
    print_notices(&rep);
    return rc;
}

int ctl_sync_notices(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl sync notices");
    sync_client_t *sc;
    kmsg_t msg = {""};
    if (sync_client_open(&c->cfg, &sc, &msg))
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status == CTL_EXIT_OK) {
        if (notices(&s, sc, &msg) != K_OK)
            status = ctl_fail(CTL_EXIT_FAIL, "notices: %s", msg.text);
        ctl_site_close(&s);
    }
    sync_client_close(sc);
    return status;
}

int ctl_sync_apply(ctl_t *c)
{
    if (c->argc != 3)
        return ctl_fail(CTL_EXIT_USAGE,
                        "usage: kioskctl sync apply KIND FILE (KIND: tariffs, registry, blocked-cards, settings, staff)");
    FILE *f = fopen(c->argv[2], "rb");
    if (!f)
        return ctl_fail(CTL_EXIT_USAGE, "%s: cannot read it", c->argv[2]);
    static char env[1 << 20];
    size_t n = fread(env, 1, sizeof env - 1, f);
    fclose(f);
    env[n] = '\0';
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    if (!l)
        return CTL_EXIT_FAIL;
    bool applied = false;
    kmsg_t msg = {""};
    kerr_t rc = sync_docs_apply(&c->cfg, l, c->argv[1], env, n, &applied, &msg);
    ledger_close(l);
    if (rc)
        return ctl_fail(rc == K_EINVAL && !c->cfg.sync_pubkey[0] ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg.text);
    printf("document %s %s\n", c->argv[1], applied ? "applied" : "already held");
    return CTL_EXIT_OK;
}

/* Uploads until the outbox is empty, adding to *total. */
static kerr_t upload_all(sync_client_t *sc, ledger_t *l, sync_upload_result_t *total, int *batches, kmsg_t *msg)
{
    sync_upload_result_t r;
    kerr_t rc;
    do {
        rc = sync_upload(sc, l, &r, msg);
        total->sent += r.sent, total->accepted += r.accepted, total->duplicate += r.duplicate;
        total->rejected += r.rejected, total->parked += r.parked, total->unanswered += r.unanswered;
        *batches += r.sent > 0;
    } while (rc == K_OK && r.sent > 0);
    return rc;
}

/* What the kiosk tells the back office about itself: the link's last
 * failure while it stands (failures in a row), and each configured device
 * as the site's look finds it without asking it (ok while open, else
 * missing); no paper state (kioskctl does not ask the printer, which the
 * touchscreen may be using). */
static void health_of(const ctl_t *c, ctl_site_t *s, const ledger_sync_state_t *st, sync_health_t *h)
{
    static const struct {
        const char *name;
        site_dev_t dev;
    } devices[] = {{"cash", SITE_DEV_CASH}, {"terminal", SITE_DEV_TERMINAL}, {"card_reader", SITE_DEV_READER}};
    site_devices_t d;
    site_health_t look = {0};
    *h = (sync_health_t){.outbox_depth = st->depth, .last_error = st->failures > 0 ? st->last_error : "",
                         .paper = NULL};
    site_devices_of(s, &d);
    site_health_check(&c->cfg, &d, 0, &look);
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        site_state_t state = look.dev[devices[i].dev].state;
        if (state != SITE_OFF)
            h->devices[h->n_devices++] = (sync_device_t){devices[i].name, site_state_name(state), NULL};
    }
}

/* The heartbeat, late payments (and their rows up), then the documents. */
static kerr_t beat_and_fetch(ctl_t *c, ctl_site_t *s, sync_client_t *sc, ctl_sync_tally_t *t, bool upload_ok,
                             kmsg_t *msg)
{
    ledger_sync_state_t st;
    sync_health_t h;
    static sync_beat_t beat;
    sync_notice_report_t rep = {0};
    kerr_t rc = ledger_sync_state(s->ledger, &st, msg);
    if (rc == K_OK) {
        health_of(c, s, &st, &h);
        rc = sync_heartbeat(sc, s->ledger, &h, &beat, msg);
    }
    if (rc == K_OK && (rc = sync_notices_handle(sc, &s->engine, beat.notices, beat.n_notices, &rep, msg)) == K_OK &&
        upload_ok && rep.booked)
        rc = upload_all(sc, s->ledger, &t->up, &t->batches, msg); /* late payments booked go up at once */
    t->booked += rep.booked;
    print_notices(&rep);
    if (rc == K_OK && c->cfg.sync_pubkey[0])
        rc = sync_docs_refresh(sc, s->ledger, &beat.versions, &t->docs, msg);
    return rc;
}

kerr_t ctl_sync_round(ctl_t *c, ctl_site_t *s, sync_client_t *sc, ctl_sync_tally_t *t, kmsg_t *msg)
{
    kerr_t rc = upload_all(sc, s->ledger, &t->up, &t->batches, msg);
    if (rc == K_ETIMEOUT)
        return rc; /* no answer at all: the rest would wait as long */
    kmsg_t later = {""};
    kerr_t rest = beat_and_fetch(c, s, sc, t, rc == K_OK, rc == K_OK ? msg : &later);
    if (rc != K_OK && rest != K_OK)
        LOG_W("sync", "after the failed upload: %s", later.text);
    return rc != K_OK ? rc : rest; /* the upload's failure, said after the rest was done */
}

int ctl_sync_now(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl sync now");
    sync_client_t *sc;
    kmsg_t msg = {""};
    kerr_t rc = sync_client_open(&c->cfg, &sc, &msg);
    if (rc)
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    identity_signer_t key;
    sync_client_set_signer(sc, identity_signer(&key, &c->cfg));
    ctl_site_t s;
    if (ctl_site_open(c, &s) != CTL_EXIT_OK) {
        sync_client_close(sc);
        return CTL_EXIT_FAIL;
    }
    ctl_sync_tally_t t = {0};
    rc = ctl_sync_round(c, &s, sc, &t, &msg);
    if (c->cfg.sync_pubkey[0] && rc != K_ETIMEOUT)
        printf("documents: %d applied, %d unchanged, %d refused, %d not issued yet\n", t.docs.applied,
               t.docs.unchanged, t.docs.refused, t.docs.missing);
    printf("uploaded %d rows in %d batches: %d accepted, %d duplicate, %d rejected, %d parked, %d without an "
           "answer\n",
           t.up.sent, t.batches, t.up.accepted, t.up.duplicate, t.up.rejected, t.up.parked, t.up.unanswered);
    int status = rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    ctl_site_close(&s);
    sync_client_close(sc);
    return status;
}

int ctl_sync_status(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl sync status");
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    if (!l)
        return CTL_EXIT_FAIL;
    ledger_sync_state_t s;
    kmsg_t msg = {""};
    kerr_t rc = ledger_sync_state(l, &s, &msg);
    ledger_close(l);
    if (rc)
        return ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "back_office", c->cfg.sync_url[0] ? c->cfg.sync_url : "none");
    kjson_add_int(o, "outbox_depth", s.depth);
    if (s.oldest_unsent_at)
        kjson_add_time(o, "oldest_unsent", s.oldest_unsent_at);
    if (s.last_ok_at)
        kjson_add_time(o, "last_contact", s.last_ok_at);
    if (s.last_error_at) {
        kjson_add_time(o, "last_error_at", s.last_error_at);
        kjson_add_str(o, "last_error", s.last_error);
    }
    kjson_add_int(o, "failures_in_a_row", s.failures);
    char *text = kjson_print(o, true);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
    return CTL_EXIT_OK;
}
