/* A kiosk's ledgers (docs/sync.md, "A kiosk's ledgers"): a ledger started
 * afresh restarts its outbox seqs at 1 and is stored beside the one before
 * (recorded in the audit as kiosk.ledger_new); a ledger that began earlier,
 * or at the same time, or was replaced already, is refused row by row with
 * a reason staff read; rows received before ledgers were named go to the
 * first ledger that sent them. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "bo_harness.h"
#include "ktest.h"

#define LEDGER_A "1a2b3c4d-0000-4000-8000-00000000000a"
#define LEDGER_B "1a2b3c4d-0000-4000-8000-00000000000b"
#define LEDGER_C "1a2b3c4d-0000-4000-8000-00000000000c"
#define LEDGER_D "1a2b3c4d-0000-4000-8000-00000000000d"
#define JAN "2026-01-01T00:00:00.000Z"
#define MAR "2026-03-01T00:00:00.000Z"

/* An upload from ledger `id` (begun at `began`) of one sale numbered n
 * under seq, and one alert with the kiosk's alert id 1 under seq + 1. */
static char *upload(const char *id, const char *began, int seq, unsigned n)
{
    char txn[37], count[16], row[2048], *body = NULL;
    boh_uuid(txn, n);
    snprintf(count, sizeof count, "%u", n);
    boh_txn_t t = {seq, 5, 1000 + n, txn, "delivered", "000012345678", "cash", "2026-11-21", count};
    boh_txn_row(row, sizeof row, &t);
    if (asprintf(&body,
                 "{\"ledger\":{\"id\":\"%s\",\"created_at\":\"%s\"},\"rows\":[%s,{\"seq\":%d,\"topic\":\"alert\","
                 "\"payload\":{\"id\":1,\"meter\":\"000012345678\",\"at\":\"2026-11-21T09:32:00.000Z\","
                 "\"kind\":\"tamper\",\"severity\":\"warning\",\"evidence\":\"sale %u\"}}]}",
                 id, began, row, seq + 1, n) < 0)
        abort();
    return body;
}

/* Posts body as K1 and checks every row's status is want; returns the
 * first row's reason (malloc'd). */
static char *post(boh_t *h, const char *body, const char *want)
{
    boh_resp_t r = boh_call(h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *res = cJSON_GetObjectItem(o, "results");
    assert_int_equal(cJSON_GetArraySize(res), 2);
    for (const cJSON *it = res->child; it; it = it->next)
        assert_string_equal(cJSON_GetObjectItem(it, "status")->valuestring, want);
    const char *why = cJSON_GetStringValue(cJSON_GetObjectItem(res->child, "reason"));
    char *reason = strdup(why ? why : "");
    cJSON_Delete(o);
    boh_free(&r);
    return reason;
}

static long count(boh_t *h, const char *sql)
{
    return boh_count(h, sql);
}

/* The repro of a factory reset: ledger A's seqs 1 and 2, then ledger B
 * (begun later) sends seqs 1 and 2 again with other content. */
static void new_ledger_stored_and_audited(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    char *a = upload(LEDGER_A, JAN, 1, 1), *b = upload(LEDGER_B, MAR, 1, 2);
    free(post(&h, a, "accepted"));
    assert_int_equal(count(&h, "SELECT count(*) FROM kiosk_ledger WHERE kiosk = 'K1' AND id = '" LEDGER_A
                               "' AND retired_at IS NULL"),
                     1);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE action = 'kiosk.ledger_new'"), 0);
    free(post(&h, b, "accepted")); /* not seq_conflict, and its alert 1 is not A's alert 1 */
    assert_int_equal(count(&h, "SELECT count(*) FROM sale"), 2);
    assert_int_equal(count(&h, "SELECT count(*) FROM alert WHERE kiosk = 'K1'"), 2);
    assert_int_equal(count(&h, "SELECT count(*) FROM kiosk_ledger WHERE id = '" LEDGER_B "' AND retired_at IS NULL"),
                     1);
    assert_int_equal(count(&h, "SELECT count(*) FROM kiosk_ledger WHERE id = '" LEDGER_A "' AND replaced_by = '"
                               LEDGER_B "' AND retired_at > 0"),
                     1);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE kiosk = 'backoffice' AND action = "
                               "'kiosk.ledger_new' AND target = 'K1' AND detail LIKE '%" LEDGER_A "%-> " LEDGER_B
                               "%'"),
                     1);
    free(post(&h, b, "accepted")); /* the replay: its first answers */
    assert_int_equal(count(&h, "SELECT count(*) FROM sale"), 2);
    char out[4096];
    assert_int_equal(boh_cli(&h, out, sizeof out, "kiosk list --csv"), 0);
    assert_non_null(strstr(out, LEDGER_B));
    free(a);
    free(b);
    boh_teardown(&h);
}

/* After B replaced A: A's new rows, a ledger begun before B and one begun
 * at the same time as B (a restored copy) are refused, each row with a
 * reason that says which ledger replaced it and what to do; nothing of
 * theirs is stored. A's rows answered before keep their first answers. */
static void retired_ledger_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    char *a1 = upload(LEDGER_A, JAN, 1, 1), *b = upload(LEDGER_B, MAR, 1, 2);
    free(post(&h, a1, "accepted"));
    free(post(&h, b, "accepted"));
    char *refused[] = {upload(LEDGER_A, JAN, 3, 3), upload(LEDGER_C, "2026-02-01T00:00:00.000Z", 1, 4),
                       upload(LEDGER_D, MAR, 1, 5)};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char *why = post(&h, refused[i], "rejected");
        assert_true(strncmp(why, "ledger_retired: ", 16) == 0);
        assert_non_null(strstr(why, "uploads from ledger " LEDGER_B));
        assert_non_null(strstr(why, "restored old disk? Put the last one back"));
        free(why);
        free(refused[i]);
    }
    assert_int_equal(count(&h, "SELECT count(*) FROM sale"), 2);
    assert_int_equal(count(&h, "SELECT count(*) FROM alert"), 2);
    assert_int_equal(count(&h, "SELECT count(*) FROM kiosk_ledger WHERE retired_at IS NULL AND id = '" LEDGER_B "'"),
                     1);
    assert_int_equal(count(&h, "SELECT count(*) FROM kiosk_ledger WHERE id IN ('" LEDGER_C "', '" LEDGER_D "')"), 0);
    char out[4096];
    assert_int_equal(boh_cli(&h, out, sizeof out, "report rejected --csv"), 0);
    assert_non_null(strstr(out, "ledger_retired: "));
    free(post(&h, a1, "accepted")); /* A's old batch again: the answers it had */
    free(a1);
    free(b);
    boh_teardown(&h);
}

/* Rows received before ledgers were named (ledger '') belong to the first
 * ledger that names itself if it began before they arrived (the same
 * ledger, its software upgraded): a replay gets its first answers. A
 * ledger begun after them is a new one, and its seq 1 is its own. */
static void unnamed_rows_taken_over(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    char *a = upload(LEDGER_A, JAN, 1, 1);
    free(post(&h, a, "accepted"));
    boh_stop(&h);
    const char *sql = "UPDATE ingest_row SET ledger = ''; UPDATE alert SET ledger = ''; DELETE FROM kiosk_ledger;";
    assert_true(boh_sql(&h, sql));
    assert_true(boh_start(&h));
    free(post(&h, a, "accepted")); /* the same ledger upgraded: a replay, nothing twice */
    assert_int_equal(count(&h, "SELECT count(*) FROM ingest_row WHERE ledger = '" LEDGER_A "'"), 2);
    assert_int_equal(count(&h, "SELECT count(*) FROM alert WHERE ledger = '" LEDGER_A "'"), 1);
    assert_int_equal(count(&h, "SELECT count(*) FROM sale"), 1);
    /* again, but the first ledger to name itself began after those rows */
    boh_stop(&h);
    assert_true(boh_sql(&h, sql));
    assert_true(boh_start(&h));
    char *later = upload(LEDGER_B, "2099-01-01T00:00:00.000Z", 1, 2);
    free(post(&h, later, "accepted"));
    assert_int_equal(count(&h, "SELECT count(*) FROM ingest_row WHERE ledger = ''"), 2);
    assert_int_equal(count(&h, "SELECT count(*) FROM sale"), 2);
    free(a);
    free(later);
    boh_teardown(&h);
}

/* An upload that names no ledger comes from older kiosk software: 400,
 * saying so, and nothing stored. */
static void no_ledger_refused(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    assert_true(boh_meter(&h, "000012345678", "S1"));
    const char *body = "{\"rows\":[{\"seq\":1,\"topic\":\"alert\",\"payload\":{\"id\":1}}]}";
    char sig[100], header[128];
    boh_sign("K1", body, strlen(body), sig);
    snprintf(header, sizeof header, "X-Kiosk-Signature: %s", sig);
    boh_resp_t r = boh_call_raw(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, header);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "older than this back office"));
    boh_free(&r);
    const char *bad = "{\"ledger\":{\"id\":\"NOT-A-UUID\",\"created_at\":\"" JAN "\"},\"rows\":[]}";
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", bad, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "UUIDv4"));
    boh_free(&r);
    assert_int_equal(count(&h, "SELECT count(*) FROM ingest_row"), 0);
    assert_int_equal(count(&h, "SELECT count(*) FROM kiosk_ledger"), 0);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(new_ledger_stored_and_audited),
    cmocka_unit_test(retired_ledger_refused),
    cmocka_unit_test(unnamed_rows_taken_over),
    cmocka_unit_test(no_ledger_refused),
};

KTEST_MAIN(tests)
