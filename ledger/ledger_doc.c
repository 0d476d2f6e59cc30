/* Signed documents from the back office as applied (ledger.h): one row
 * per kind whose version only goes forward, stored with an audit row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_int.h"

kerr_t ledger_doc_get(ledger_t *l, const char *kind, ledger_doc_t *out, bool *found, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT kind, version, etag, body, applied_at FROM document WHERE kind = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found) {
        ledger__col_text(st, 0, out->kind, sizeof out->kind);
        out->version = sqlite3_column_int64(st, 1);
        ledger__col_text(st, 2, out->etag, sizeof out->etag);
        const char *body = (const char *)sqlite3_column_text(st, 3);
        out->body = strdup(body ? body : "{}");
        out->applied_at = sqlite3_column_int64(st, 4);
    }
    ledger__release(l, st);
    if (*found && !out->body)
        return kmsg_set(msg, K_EIO, "out of memory reading document %s", kind);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading a document", msg);
}

static kerr_t held_version(ledger_t *l, const char *kind, int64_t *v, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT version FROM document WHERE kind = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *v = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading a document's version", msg);
}

static kerr_t upsert(ledger_t *l, const char *kind, int64_t version, const char *etag, const char *body,
                     const char *envelope, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO document(kind, version, etag, body, envelope, applied_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(kind) DO UPDATE SET "
                               "version = ?2, etag = ?3, body = ?4, envelope = ?5, applied_at = ?6",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, version);
    sqlite3_bind_text(st, 3, etag ? etag : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, envelope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, ledger__now(l));
    return ledger__run(l, st, "storing a document", msg);
}

kerr_t ledger_doc_put(ledger_t *l, const char *kind, int64_t version, const char *etag, const char *body,
                      const char *envelope, kmsg_t *msg)
{
    int64_t held = 0;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK && (rc = held_version(l, kind, &held, msg)) == K_OK && version < held)
        rc = kmsg_set(msg, K_ESTATE, "document %s version %lld is older than the one applied (%lld)", kind,
                      (long long)version, (long long)held);
    if (rc == K_OK)
        rc = upsert(l, kind, version, etag, body, envelope, msg);
    if (rc == K_OK && version != held && strcmp(kind, "staff") == 0)
        rc = ledger__staff_apply(l, body, msg);
    char detail[64];
    snprintf(detail, sizeof detail, "version %lld (was %lld)", (long long)version, (long long)held);
    if (rc == K_OK && version != held)
        rc = ledger_audit(l, "system:sync", "document_applied", kind, "signed by the back office", detail, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}
