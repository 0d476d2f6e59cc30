/* Signed documents: fetched, verified, stored (sync_docs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "sync/sync_doc.h"
#include "sync/sync_docs.h"
#include "sync/sync_int.h"

const char *const sync_doc_kinds[SYNC_DOC_KINDS] = {"tariffs", "registry", "blocked-cards", "settings",
                                                     "staff"};

kerr_t sync__pinned_key(const kiosk_config_t *cfg, uint8_t pk[SYNC_PUBKEY_BYTES], kmsg_t *msg)
{
    if (!cfg->sync_pubkey[0])
        return kmsg_set(msg, K_EINVAL, "no signing key pinned (sync.pubkey): signed documents cannot be applied");
    return sync_pubkey_parse(cfg->sync_pubkey, pk, msg);
}

static int64_t held_version(ledger_t *l, const char *kind, char *etag, size_t len)
{
    ledger_doc_t d;
    bool found = false;
    kmsg_t ignore;
    if (ledger_doc_get(l, kind, &d, &found, &ignore) != K_OK || !found)
        return 0;
    if (etag)
        snprintf(etag, len, "%s", d.etag);
    free(d.body);
    return d.version;
}

/* Raises the alert that tells staff a document was refused (msg: why). */
static void refused(ledger_t *l, const char *kind, int64_t held, const kmsg_t *msg)
{
    char evidence[256];
    kmsg_t ignore;
    snprintf(evidence, sizeof evidence, "document %s refused, version %lld kept: %s", kind, (long long)held,
             msg->text);
    LOG_W("sync", "%s", evidence);
    ledger_raise_alert(l, "sync_document_refused", evidence, &ignore);
}

/* Verifies and stores; a refusal (a bad signature, an older version, a
 * body the ledger cannot apply) raises an alert and keeps the old one. */
static kerr_t apply(const kiosk_config_t *cfg, const uint8_t pk[SYNC_PUBKEY_BYTES], ledger_t *l, const char *kind,
                    const char *env, size_t len, const char *etag, bool *applied, kmsg_t *msg)
{
    *applied = false;
    int64_t held = held_version(l, kind, NULL, 0);
    sync_doc_t d = {0};
    kerr_t rc = sync_doc_verify(pk, env, len, kind, cfg->kiosk_id, held, &d, msg);
    if (rc != K_OK) {
        refused(l, kind, held, msg);
        sync_doc_free(&d);
        return rc;
    }
    char *body = d.same ? NULL : kjson_print(d.body, false);
    char *copy = d.same ? NULL : strndup(env, len);
    if (!d.same && (!body || !copy))
        rc = kmsg_set(msg, K_EIO, "out of memory storing document %s", kind);
    else if (!d.same && (rc = ledger_doc_put(l, kind, d.version, etag, body, copy, msg)) == K_OK) {
        *applied = true;
        LOG_I("sync", "document %s version %lld applied (was %lld)", kind, (long long)d.version, (long long)held);
    } else if (rc == K_EINVAL) {
        refused(l, kind, held, msg); /* signed, but not a document of its kind (staff: ledger_staff_doc.c) */
    }
    free(body);
    free(copy);
    sync_doc_free(&d);
    return rc;
}

kerr_t sync_docs_apply(const kiosk_config_t *cfg, ledger_t *l, const char *kind, const char *envelope, size_t len,
                       bool *applied, kmsg_t *msg)
{
    uint8_t pk[SYNC_PUBKEY_BYTES];
    kerr_t rc = sync__pinned_key(cfg, pk, msg);
    return rc ? rc : apply(cfg, pk, l, kind, envelope, len, "", applied, msg);
}

/* One kind: GET with If-None-Match, then verify and store. */
static kerr_t fetch(sync_client_t *c, const uint8_t pk[SYNC_PUBKEY_BYTES], ledger_t *l, const char *kind,
                    sync_docs_report_t *rep, kmsg_t *msg)
{
    char etag[128] = "", path[200];
    held_version(l, kind, etag, sizeof etag);
    snprintf(path, sizeof path, "/v1/kiosks/%s/documents/%s", c->cfg->kiosk_id, kind);
    sync_answer_t a;
    kerr_t rc = sync__request(c, "GET", path, NULL, 0, NULL, NULL, etag, &a, msg);
    bool applied = false;
    if (rc == K_OK && a.status == 304)
        rep->unchanged++;
    else if (rc == K_OK && a.status == 404)
        rep->missing++;
    else if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, msg);
    else if (rc == K_OK) {
        kmsg_t why = {""};
        kerr_t v = apply(c->cfg, pk, l, kind, a.text ? a.text : "", a.len, a.etag, &applied, &why);
        if (v == K_ECORRUPT || v == K_ESTATE || v == K_EINVAL)
            rep->refused++;
        else if (v != K_OK)
            rc = kmsg_set(msg, v, "%s", why.text);
        else
            rep->applied += applied, rep->unchanged += !applied;
    }
    sync__answer_free(&a);
    return rc;
}

kerr_t sync_docs_refresh(sync_client_t *c, ledger_t *l, const sync_doc_versions_t *current, sync_docs_report_t *rep,
                         kmsg_t *msg)
{
    *rep = (sync_docs_report_t){0};
    uint8_t pk[SYNC_PUBKEY_BYTES];
    kerr_t rc = sync__pinned_key(c->cfg, pk, msg);
    for (int i = 0; rc == K_OK && i < SYNC_DOC_KINDS; i++) {
        if (current && current->v[i] <= held_version(l, sync_doc_kinds[i], NULL, 0)) {
            rep->unchanged++;
            continue;
        }
        rc = fetch(c, pk, l, sync_doc_kinds[i], rep, msg);
    }
    if (rc == K_OK || rc == K_ETIMEOUT || rc == K_EDEVICE)
        sync__note(c, l, rc == K_OK, rc == K_OK ? NULL : msg->text);
    return rc;
}
