/* kioskctl sync now | notices | status: the back-office link by hand
 * (docs/sync.md). */
#include <stdio.h>

#include "kiosk/app/kjson.h"
#include "kiosk/ctl/ctl.h"
#include "sync/sync_client.h"
#include "sync/sync_docs.h"
#include "sync/sync_notice.h"

/* Fetches the open notices, books the late QR payments, acknowledges them. */
static kerr_t notices(ctl_site_t *s, sync_client_t *sc, kmsg_t *msg)
{
    static sync_notice_t list[SYNC_MAX_NOTICES];
    size_t n = 0;
    sync_notice_report_t rep = {0};
    kerr_t rc = sync_notices_fetch(sc, s->ledger, list, SYNC_MAX_NOTICES, &n, msg);
    if (rc == K_OK)
        rc = sync_notices_handle(sc, &s->engine, list, n, &rep, msg);
    if (rep.seen)
        printf("notices: %d seen: %d late QR payments booked, %d booked before, %d acknowledged, %d left\n",
               rep.seen, rep.booked, rep.already, rep.acked, rep.skipped);
    return rc;
}

int ctl_sync_notices(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl sync notices");
    sync_client_t *sc;
    kmsg_t msg = {""};
    if (sync_client_open(&c->cfg, &sc, &msg))
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status == CTL_OK) {
        if (notices(&s, sc, &msg) != K_OK)
            status = ctl_fail(CTL_FAIL, "notices: %s", msg.text);
        ctl_site_close(&s);
    }
    sync_client_close(sc);
    return status;
}

/* Downloads the signed documents when a key is pinned to verify them. */
static kerr_t documents(ctl_t *c, sync_client_t *sc, ledger_t *l, kmsg_t *msg)
{
    if (!c->cfg.sync_pubkey[0])
        return K_OK;
    sync_docs_report_t rep;
    kerr_t rc = sync_docs_refresh(sc, l, NULL, &rep, msg);
    if (rc == K_OK)
        printf("documents: %d applied, %d unchanged, %d refused, %d not issued yet\n", rep.applied, rep.unchanged,
               rep.refused, rep.missing);
    return rc;
}

int ctl_sync_apply(ctl_t *c)
{
    if (c->argc != 3)
        return ctl_fail(CTL_USAGE, "usage: kioskctl sync apply KIND FILE (KIND: tariffs, registry, blocked-cards, settings)");
    FILE *f = fopen(c->argv[2], "rb");
    if (!f)
        return ctl_fail(CTL_USAGE, "%s: cannot read it", c->argv[2]);
    static char env[1 << 20];
    size_t n = fread(env, 1, sizeof env - 1, f);
    fclose(f);
    env[n] = '\0';
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    if (!l)
        return CTL_FAIL;
    bool applied = false;
    kmsg_t msg = {""};
    kerr_t rc = sync_docs_apply(&c->cfg, l, c->argv[1], env, n, &applied, &msg);
    ledger_close(l);
    if (rc)
        return ctl_fail(rc == K_EINVAL && !c->cfg.sync_pubkey[0] ? CTL_USAGE : CTL_FAIL, "%s", msg.text);
    printf("document %s %s\n", c->argv[1], applied ? "applied" : "already held");
    return CTL_OK;
}

/* Uploads until the outbox is empty, adding to *total. */
static kerr_t upload_all(sync_client_t *sc, ledger_t *l, sync_upload_result_t *total, int *batches, kmsg_t *msg)
{
    sync_upload_result_t r;
    kerr_t rc;
    do {
        rc = sync_upload(sc, l, &r, msg);
        total->sent += r.sent, total->accepted += r.accepted, total->duplicate += r.duplicate;
        total->rejected += r.rejected;
        *batches += r.sent > 0;
    } while (rc == K_OK && r.sent > 0);
    return rc;
}

int ctl_sync_now(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl sync now");
    sync_client_t *sc;
    kmsg_t msg = {""};
    kerr_t rc = sync_client_open(&c->cfg, &sc, &msg);
    if (rc)
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    ctl_site_t s;
    if (ctl_site_open(c, &s) != CTL_OK) {
        sync_client_close(sc);
        return CTL_FAIL;
    }
    sync_upload_result_t total = {0};
    int batches = 0;
    rc = upload_all(sc, s.ledger, &total, &batches, &msg);
    if (rc == K_OK && (rc = notices(&s, sc, &msg)) == K_OK) /* late payments booked go up at once */
        rc = upload_all(sc, s.ledger, &total, &batches, &msg);
    if (rc == K_OK)
        rc = documents(c, sc, s.ledger, &msg);
    if (rc == K_OK)
        printf("uploaded %d rows in %d batches: %d accepted, %d duplicate, %d rejected\n", total.sent, batches,
               total.accepted, total.duplicate, total.rejected);
    int status = rc == K_OK ? CTL_OK : ctl_fail(CTL_FAIL, "%s", msg.text);
    ctl_site_close(&s);
    sync_client_close(sc);
    return status;
}

int ctl_sync_status(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl sync status");
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    if (!l)
        return CTL_FAIL;
    ledger_sync_state_t s;
    kmsg_t msg = {""};
    kerr_t rc = ledger_sync_state(l, &s, &msg);
    ledger_close(l);
    if (rc)
        return ctl_fail(CTL_FAIL, "%s", msg.text);
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
    return CTL_OK;
}
