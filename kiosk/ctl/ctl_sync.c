/* kioskctl sync now | status: the back-office link by hand (docs/sync.md). */
#include <stdio.h>

#include "kiosk/app/kjson.h"
#include "kiosk/ctl/ctl.h"
#include "sync/sync_client.h"

int ctl_sync_now(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl sync now");
    sync_client_t *sc;
    kmsg_t msg = {""};
    kerr_t rc = sync_client_open(&c->cfg, &sc, &msg);
    if (rc)
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    sync_upload_result_t r, total = {0};
    int batches = 0;
    do {
        rc = l ? sync_upload(sc, l, &r, &msg) : K_EIO;
        total.sent += r.sent, total.accepted += r.accepted, total.duplicate += r.duplicate;
        total.rejected += r.rejected;
        batches += r.sent > 0;
    } while (rc == K_OK && r.sent > 0);
    if (rc == K_OK)
        printf("uploaded %d rows in %d batches: %d accepted, %d duplicate, %d rejected\n", total.sent, batches,
               total.accepted, total.duplicate, total.rejected);
    int status = rc == K_OK ? CTL_OK : l ? ctl_fail(CTL_FAIL, "%s", msg.text) : CTL_FAIL;
    ledger_close(l);
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
