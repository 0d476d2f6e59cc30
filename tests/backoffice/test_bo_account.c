/* Accounts in the back office (docs/accounts.md): open (and pre-filled),
 * bind, install and remove a meter, transfer, close with refund or carry;
 * each refusal with its message and nothing written; every change audited
 * and moving the signed registry, whose content says per meter its account,
 * status, whether it may be sold to and whether its first purchase may be
 * zero (until a delivered sale is uploaded). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <time.h>

#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"
#include "sync/sync_doc.h"

#define M1 "000000000101"
#define M2 "000000000102"
#define M3 "000000000103"
#define GW "--protocol dlt645 --gateway 10.0.0.5:8899 --site S1"

#define cli boh_clif

/* Runs args, expects exit status rc and `text` in what it said on stderr. */
static void refused(boh_t *h, int rc, const char *text, const char *args)
{
    assert_true(file_write(h->dir, "cli.log", ""));
    assert_int_equal(boh_cli(h, NULL, 0, args), rc);
    char *log = file_read(h->dir, "cli.log");
    assert_non_null(log);
    if (!strstr(log, text))
        fail_msg("expected '%s' in: %s", text, log);
    free(log);
}

#define count boh_countf

static long reg_version(boh_t *h)
{
    return boh_count(h, "SELECT version FROM doc_version WHERE kind = 'registry'");
}

/* Audit rows of the back office's own for action on target, by a named
 * local user. */
static long audits(boh_t *h, const char *action, const char *target)
{
    return count(h,
                 "SELECT count(*) FROM audit WHERE kiosk = 'backoffice' AND action = '%s' AND target = '%s' "
                 "AND actor LIKE 'backoffice:_%%'",
                 action, target);
}

/* The registry as a kiosk gets it: downloaded, verified with the pinned
 * key; its body (free with cJSON_Delete) and version. */
static cJSON *registry(boh_t *h, int64_t *version)
{
    boh_resp_t r = boh_call(h, "K1", "GET", "/v1/kiosks/K1/documents/registry", NULL, NULL);
    assert_int_equal(r.status, 200);
    uint8_t pk[SYNC_PUBKEY_BYTES];
    kmsg_t msg = {{0}};
    sync_doc_t d = {0};
    assert_int_equal(sync_pubkey_parse(h->pubkey, pk, &msg), K_OK);
    assert_int_equal(sync_doc_verify(pk, r.body, strlen(r.body), "registry", "K1", 0, &d, &msg), K_OK);
    cJSON *body = cJSON_Duplicate(d.body, true);
    *version = d.version;
    sync_doc_free(&d);
    boh_free(&r);
    return body;
}

static const cJSON *entry(const cJSON *body, const char *meter)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(body, "meters"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "meter")->valuestring, meter) == 0)
            return m;
    }
    return NULL;
}

/* The registry (downloaded now) says of meter: its account, status,
 * sellable and first_purchase_zero_ok. */
static void says(boh_t *h, const char *meter, const char *account, const char *status, bool sellable, bool zero_ok)
{
    int64_t v;
    cJSON *body = registry(h, &v);
    assert_int_equal(v, reg_version(h));
    const cJSON *m = entry(body, meter);
    assert_non_null(m);
    assert_string_equal(cJSON_GetObjectItem(m, "account")->valuestring, account);
    assert_string_equal(cJSON_GetObjectItem(m, "status")->valuestring, status);
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(m, "sellable")), sellable);
    assert_true(cJSON_IsBool(cJSON_GetObjectItem(m, "sellable")));
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(m, "first_purchase_zero_ok")), zero_ok);
    cJSON_Delete(body);
}

static void setup_customers_ini(boh_t *h, const char *ini)
{
    assert_true(boh_setup(h, false, ini));
    assert_int_equal(cli(h, "customer add C1 Chen"), 0);
    assert_int_equal(cli(h, "customer add C2 Wang"), 0);
}

static void setup_customers(boh_t *h)
{
    setup_customers_ini(h, NULL);
}

static void account_open_binds_meters(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    assert_int_equal(cli(&h, "meter add %s --customer C2 %s", M1, GW), 0);
    assert_int_equal(cli(&h, "meter add %s --customer C2 %s", M2, GW), 0);
    says(&h, M1, "", "unassigned", true, false); /* a meter of before accounts: sold to as before */
    long v = reg_version(&h);
    assert_int_equal(cli(&h, "account open A1 --customer C1 --meter %s --meter %s", M1, M2), 0);
    assert_int_equal(reg_version(&h), v + 1);
    says(&h, M1, "A1", "open", true, true);
    says(&h, M2, "A1", "open", true, true);
    /* the meters follow the account's customer */
    int64_t ver;
    cJSON *body = registry(&h, &ver);
    assert_string_equal(cJSON_GetObjectItem(entry(body, M1), "customer")->valuestring, "C1");
    assert_string_equal(cJSON_GetObjectItem(entry(body, M1), "gateway")->valuestring, "10.0.0.5:8899");
    cJSON_Delete(body);
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE id = 'A1' AND state = 'open' AND customer = 'C1' "
                              "AND opened_at > 0 AND closed_at IS NULL AND balance = 0"),
                     1);
    assert_int_equal(audits(&h, "account.open", "A1"), 1);
    /* a card a kiosk issued for M1 shows with the account */
    const char *rows = "{\"rows\":[{\"seq\":1,\"topic\":\"card\",\"payload\":{\"serial\":\"00000000000000c7\","
                       "\"meter\":\"" M1 "\",\"customer\":\"C1\",\"type\":\"user\",\"generation\":0,"
                       "\"state\":\"active\",\"replaces\":\"\",\"operator\":\"ann\",\"issued_at\":"
                       "\"2026-11-01T08:00:00.000Z\",\"updated_at\":\"2026-11-01T08:00:00.000Z\"}}]}";
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", rows, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    boh_free(&r);
    char out[4096];
    assert_int_equal(boh_cli(&h, out, sizeof out, "account show A1 --csv"), 0);
    assert_non_null(strstr(out, "A1,C1,Chen,open,"));
    assert_non_null(strstr(out, M1 ","));
    assert_non_null(strstr(out, M2 ","));
    assert_non_null(strstr(out, "cards:"));
    assert_non_null(strstr(out, "00000000000000c7," M1 ",user,0,active,K1"));
    refused(&h, 1, "account A9 is not known", "account show A9");
    assert_int_equal(boh_cli(&h, out, sizeof out, "account list --csv"), 0);
    assert_non_null(strstr(out, "A1,C1,open,"));
    boh_teardown(&h);
}

static void account_open_refusals(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    assert_int_equal(cli(&h, "meter add %s --customer C1 %s", M1, GW), 0);
    long v = reg_version(&h);
    refused(&h, 1, "customer C9 is not known", "account open A1 --customer C9");
    refused(&h, 1, "meter " M2 " is not registered", "account open A1 --customer C1 --meter " M2);
    refused(&h, 2, "usage", "account open A1");
    refused(&h, 2, "usage", "account open A1 --customer C1 --meter " M1 " --meter " M1);
    assert_int_equal(count(&h, "SELECT count(*) FROM account"), 0);
    assert_int_equal(cli(&h, "account open A1 --customer C1 --meter %s", M1), 0);
    refused(&h, 1, "account A1 exists already (open)", "account open A1 --customer C2");
    refused(&h, 1, "meter " M1 " is bound to open account A1", "account open A2 --customer C2 --meter " M1);
    /* each refusal wrote nothing: one account, one audit row, one step of the registry */
    assert_int_equal(count(&h, "SELECT count(*) FROM account"), 1);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE kiosk = 'backoffice' AND action LIKE 'account.%%'"),
                     1);
    assert_int_equal(reg_version(&h), v + 1);
    boh_teardown(&h);
}

static void account_open_prefilled(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    refused(&h, 1, "--prefill needs --name", "account open A1 --customer C7 --prefill --meter " M1 " " GW);
    refused(&h, 1, "--prefill needs --protocol and --gateway",
            "account open A1 --customer C7 --name Zhao --prefill --meter " M1);
    refused(&h, 1, "protocol 'iec' must be dlt645 or modbus",
            "account open A1 --customer C7 --name Zhao --prefill --meter " M1 " --protocol iec --gateway h:1");
    refused(&h, 1, "tariff night is not known",
            "account open A1 --customer C7 --name Zhao --prefill --meter " M1 " " GW " --tariff night");
    assert_int_equal(count(&h, "SELECT count(*) FROM customer"), 0);
    assert_int_equal(count(&h, "SELECT count(*) FROM meter"), 0);
    assert_int_equal(cli(&h, "account open A1 --customer C7 --name Zhao --prefill --meter %s --meter %s %s "
                             "--kind water",
                         M1, M2, GW),
                     0);
    assert_int_equal(count(&h, "SELECT count(*) FROM customer WHERE id = 'C7' AND name = 'Zhao'"), 1);
    assert_int_equal(count(&h, "SELECT count(*) FROM meter WHERE customer = 'C7' AND kind = 'water' "
                              "AND protocol = 'dlt645'"),
                     2);
    says(&h, M2, "A1", "open", true, true);
    assert_int_equal(audits(&h, "account.open", "A1"), 1);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE detail LIKE '%%prefill%%'"), 1);
    boh_teardown(&h);
}

static void account_bind_and_its_refusals(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    for (const char *m = M1; m; m = strcmp(m, M3) == 0 ? NULL : strcmp(m, M1) == 0 ? M2 : M3)
        assert_int_equal(cli(&h, "meter add %s --customer C1 %s", m, GW), 0);
    assert_int_equal(cli(&h, "account open A1 --customer C1"), 0);
    assert_int_equal(cli(&h, "account open A2 --customer C2 --meter %s", M2), 0);
    long v = reg_version(&h);
    assert_int_equal(cli(&h, "account bind A1 --meter %s", M1), 0);
    assert_int_equal(reg_version(&h), v + 1);
    says(&h, M1, "A1", "open", true, true);
    assert_int_equal(audits(&h, "account.bind", "A1"), 1);
    refused(&h, 1, "meter " M1 " is bound to account A1 already", "account bind A1 --meter " M1);
    refused(&h, 1, "meter " M2 " is bound to open account A2", "account bind A1 --meter " M2);
    refused(&h, 1, "account A9 is not known", "account bind A9 --meter " M3);
    refused(&h, 2, "usage", "account bind A1");
    assert_int_equal(cli(&h, "meter remove %s --final-reading 5 --reason broken", M3), 0);
    refused(&h, 1, "meter " M3 " was removed from service", "account bind A1 --meter " M3);
    assert_int_equal(cli(&h, "account close A2 --final-reading %s=10 --refund --reason moved", M2), 0);
    refused(&h, 1, "account A2 is closed", "account bind A2 --meter " M2);
    /* a meter of a closed account may go to another account */
    assert_int_equal(cli(&h, "account bind A1 --meter %s", M2), 0);
    says(&h, M2, "A1", "open", true, true);
    assert_int_equal(count(&h, "SELECT count(*) FROM account_meter WHERE meter = '%s'", M2), 2);
    boh_teardown(&h);
}

static void meter_install_and_remove(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    assert_int_equal(cli(&h, "tariff set home CNY 'single 0.5283'"), 0);
    assert_int_equal(cli(&h, "account open A1 --customer C1"), 0);
    long v = reg_version(&h);
    assert_int_equal(cli(&h, "meter install %s --account A1 --protocol modbus --gateway 10.0.0.6:502/3 "
                             "--kind water --tariff home --site S1", M1),
                     0);
    assert_int_equal(reg_version(&h), v + 1);
    says(&h, M1, "A1", "open", true, true);
    assert_int_equal(count(&h, "SELECT count(*) FROM meter WHERE id = '%s' AND customer = 'C1' AND protocol = 'modbus' "
                              "AND gateway = '10.0.0.6:502/3' AND kind = 'water' AND tariff = 'home'", M1),
                     1);
    assert_int_equal(audits(&h, "meter.install", M1), 1);
    refused(&h, 1, "is bound to account A1 already", "meter install " M1 " --account A1 " GW);
    refused(&h, 1, "kind 'gas' must be electricity or water", "meter install " M2 " --account A1 " GW " --kind gas");
    refused(&h, 2, "usage", "meter install " M2 " --account A1");
    /* removed: not sellable, its reading and the credit left kept */
    v = reg_version(&h);
    assert_int_equal(cli(&h, "meter remove %s --final-reading 123456 --balance 700 --reason 'display broken'", M1), 0);
    assert_int_equal(reg_version(&h), v + 1);
    says(&h, M1, "A1", "removed", false, false);
    assert_int_equal(count(&h, "SELECT final_reading FROM account_meter WHERE meter = '%s'", M1), 123456);
    assert_int_equal(count(&h, "SELECT balance FROM account WHERE id = 'A1'"), 700);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE action = 'meter.remove' AND reason = 'display broken' "
                              "AND detail LIKE '%%123456%%'"),
                     1);
    refused(&h, 1, "meter " M1 " was removed already", "meter remove " M1 " --final-reading 1 --reason again");
    refused(&h, 1, "meter " M3 " is not registered", "meter remove " M3 " --final-reading 1 --reason x");
    refused(&h, 2, "usage", "meter remove " M1 " --final-reading 12.5 --reason x");
    refused(&h, 2, "usage", "meter remove " M1 " --final-reading 12");
    /* installed again (repaired), on another account */
    assert_int_equal(cli(&h, "account open A2 --customer C2"), 0);
    assert_int_equal(cli(&h, "meter install %s --account A2 %s", M1, GW), 0);
    says(&h, M1, "A2", "open", true, true);
    assert_int_equal(cli(&h, "account close A2 --final-reading %s=200000 --refund --reason moved", M1), 0);
    refused(&h, 1, "account A2 is closed", "meter install " M2 " --account A2 " GW);
    boh_teardown(&h);
}

static void account_transfer(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    assert_int_equal(cli(&h, "meter add %s --customer C1 %s", M1, GW), 0);
    assert_int_equal(cli(&h, "account open A1 --customer C1 --meter %s", M1), 0);
    long v = reg_version(&h);
    assert_int_equal(cli(&h, "account transfer A1 --to-customer C2 --reason 'flat sold'"), 0);
    assert_int_equal(reg_version(&h), v + 1);
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE id = 'A1' AND customer = 'C2'"), 1);
    int64_t ver;
    cJSON *body = registry(&h, &ver);
    assert_string_equal(cJSON_GetObjectItem(entry(body, M1), "customer")->valuestring, "C2");
    cJSON_Delete(body);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE action = 'account.transfer' AND target = 'A1' "
                              "AND reason = 'flat sold' AND detail = 'from customer C1 to customer C2'"),
                     1);
    refused(&h, 1, "account A1 belongs to customer C2 already", "account transfer A1 --to-customer C2 --reason x");
    refused(&h, 1, "customer C9 is not known", "account transfer A1 --to-customer C9 --reason x");
    refused(&h, 2, "usage", "account transfer A1 --to-customer C1");
    assert_int_equal(cli(&h, "account close A1 --final-reading %s=1 --refund --reason gone", M1), 0);
    refused(&h, 1, "a closed account cannot change hands", "account transfer A1 --to-customer C1 --reason x");
    assert_int_equal(audits(&h, "account.transfer", "A1"), 1);
    boh_teardown(&h);
}

static void account_close_refund(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    assert_int_equal(cli(&h, "account open A1 --customer C1 --prefill --meter %s --meter %s %s", M1, M2, GW), 0);
    refused(&h, 1, "account A1 has 2 (" M1 ", " M2 ") meter(s) bound",
            "account close A1 --final-reading " M1 "=10 --refund --reason moving");
    refused(&h, 1, "meter " M3 " is not bound to account A1",
            "account close A1 --final-reading " M1 "=10 --final-reading " M3 "=5 --refund --reason moving");
    refused(&h, 2, "usage", "account close A1 --final-reading " M1 "=10 --final-reading " M2 "=5 --refund --carry "
                            "--reason moving");
    refused(&h, 2, "usage", "account close A1 --final-reading " M1 "=10 --final-reading " M2 "=5 --refund");
    refused(&h, 2, "usage", "account close A1 --final-reading " M1 "=x --final-reading " M2 "=5 --refund --reason r");
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE state = 'open'"), 1);
    long v = reg_version(&h);
    assert_int_equal(cli(&h, "account close A1 --final-reading %s=4321 --final-reading %s=8765 --balance 1250 --refund "
                             "--reason moving",
                         M1, M2),
                     0);
    assert_int_equal(reg_version(&h), v + 1);
    says(&h, M1, "A1", "closed", false, false);
    says(&h, M2, "A1", "closed", false, false);
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE id = 'A1' AND state = 'closed' AND closed_at > 0 "
                              "AND settlement = 'refund' AND settled = 1250 AND balance = 0 "
                              "AND close_reason = 'moving'"),
                     1);
    assert_int_equal(count(&h, "SELECT final_reading FROM account_meter WHERE meter = '%s'", M2), 8765);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE action = 'account.close' AND target = 'A1' "
                              "AND detail LIKE '%%refunded%%'"),
                     1);
    refused(&h, 1, "account A1 was closed already", "account close A1 --refund --reason again");
    assert_int_equal(audits(&h, "account.close", "A1"), 1);
    boh_teardown(&h);
}

static void account_close_carries_to_next_account(void **state)
{
    (void)state;
    boh_t h;
    setup_customers(&h);
    assert_int_equal(cli(&h, "account open A1 --customer C1 --prefill --meter %s %s", M1, GW), 0);
    assert_int_equal(cli(&h, "account close A1 --final-reading %s=10 --balance 1500 --carry --reason moving", M1), 0);
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE id = 'A1' AND settlement = 'carry' "
                              "AND settled = 1500 AND carried_to = ''"),
                     1);
    /* the customer's next account takes it */
    assert_int_equal(cli(&h, "account open A2 --customer C1 --meter %s", M1), 0);
    assert_int_equal(count(&h, "SELECT balance FROM account WHERE id = 'A2'"), 1500);
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE id = 'A1' AND carried_to = 'A2'"), 1);
    assert_int_equal(count(&h, "SELECT count(*) FROM audit WHERE action = 'account.open' AND target = 'A2' "
                              "AND detail LIKE '%%carried in 1500%%'"),
                     1);
    /* taken once: a third account gets nothing */
    assert_int_equal(cli(&h, "account open A3 --customer C1"), 0);
    assert_int_equal(count(&h, "SELECT balance FROM account WHERE id = 'A3'"), 0);
    /* with another account open, the balance goes there at once */
    assert_int_equal(cli(&h, "account close A2 --final-reading %s=20 --carry --reason moving", M1), 0);
    assert_int_equal(count(&h, "SELECT balance FROM account WHERE id = 'A3'"), 1500);
    assert_int_equal(count(&h, "SELECT count(*) FROM account WHERE id = 'A2' AND carried_to = 'A3' AND balance = 0"),
                     1);
    boh_teardown(&h);
}

/* The first purchase of a new binding may be zero until the back office
 * sees a delivered sale of the meter made after it was bound. */
static void delivered_sale_ends_zero_first_purchase(void **state)
{
    (void)state;
    boh_t h;
    /* sales made after the binding are dated tomorrow: within the clock skew this server allows */
    setup_customers_ini(&h, "[quarantine]\nclock_skew_seconds = 172800\n");
    char tomorrow[16];
    time_t t = time(NULL) + 86400;
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", gmtime(&t));
    assert_int_equal(cli(&h, "account open A1 --customer C1 --prefill --meter %s --meter %s %s", M1, M2, GW), 0);
    says(&h, M1, "A1", "open", true, true);
    char id[37], row[2048], body[2200];
    /* a sale from before the binding (uploaded late) changes nothing */
    boh_uuid(id, 1);
    boh_txn_t old = {1, 5, 5000, id, "delivered", M1, "cash", "2020-01-01", "3"};
    boh_txn_row(row, sizeof row, &old);
    snprintf(body, sizeof body, "{\"rows\":[%s]}", row);
    long v = reg_version(&h);
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    boh_free(&r);
    assert_int_equal(reg_version(&h), v);
    says(&h, M1, "A1", "open", true, true);
    /* a paid sale not yet delivered changes nothing; its delivery ends it */
    boh_uuid(id, 2);
    boh_txn_t paid = {2, 3, 0, id, "paid", M1, "counter", tomorrow, "null"};
    boh_txn_row(row, sizeof row, &paid);
    snprintf(body, sizeof body, "{\"rows\":[%s]}", row);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    assert_int_equal(reg_version(&h), v);
    boh_txn_t done = {3, 5, 0, id, "delivered", M1, "counter", tomorrow, "1"};
    boh_txn_row(row, sizeof row, &done);
    snprintf(body, sizeof body, "{\"rows\":[%s]}", row);
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    boh_free(&r);
    assert_int_equal(reg_version(&h), v + 1);
    says(&h, M1, "A1", "open", true, false);
    says(&h, M2, "A1", "open", true, true);
    /* M2's zero first purchase, written onto its new card, as a kiosk uploads it: accepted, and it ends M2's */
    boh_uuid(id, 3);
    boh_txn_t zero = {4, 7, 0, id, "delivered", M2, "none", tomorrow, "1"};
    boh_txn_row(row, sizeof row, &zero);
    char *ch = strstr(row, "\"channel\":\"remote\",\"card\":\"\"");
    assert_non_null(ch);
    snprintf(body, sizeof body, "{\"rows\":[%.*s\"channel\":\"card\",\"card\":\"4B50000000000040\"%s]}",
             (int)(ch - row), row, ch + strlen("\"channel\":\"remote\",\"card\":\"\""));
    r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "accepted"));
    boh_free(&r);
    assert_int_equal(count(&h, "SELECT count(*) FROM sale WHERE amount = 0 AND paid = 0 AND state = 'delivered' "
                              "AND method = 'none' AND channel = 'card' AND meter = '" M2 "'"),
                     1);
    assert_int_equal(reg_version(&h), v + 2);
    says(&h, M2, "A1", "open", true, false);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(account_open_binds_meters),
    cmocka_unit_test(account_open_refusals),
    cmocka_unit_test(account_open_prefilled),
    cmocka_unit_test(account_bind_and_its_refusals),
    cmocka_unit_test(meter_install_and_remove),
    cmocka_unit_test(account_transfer),
    cmocka_unit_test(account_close_refund),
    cmocka_unit_test(account_close_carries_to_next_account),
    cmocka_unit_test(delivered_sale_ends_zero_first_purchase),
};

KTEST_MAIN(tests)
