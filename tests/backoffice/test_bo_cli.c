/* The `backoffice` command line: reports over known uploads (sales by
 * day, site and method; energy by meter and month) and the admin verbs. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "bo_harness.h"
#include "ktest.h"

typedef struct sale {
    const char *kiosk, *site, *state, *method, *day;
    long long amount;
} sale_t;

static const sale_t sales[] = {
    {"K1", "S1", "delivered", "cash", "2026-11-20", 5000},  {"K1", "S1", "delivered", "card", "2026-11-20", 2000},
    {"K1", "S1", "cancelled", "cash", "2026-11-20", 9900},  {"K2", "S2", "delivered", "cash", "2026-11-21", 10000},
    {"K2", "S2", "delivered", "qr", "2026-11-21", 3000},    {"K1", "S1", "delivery_pending", "cash", "2026-11-21", 700},
    {"K2", "S2", "delivered", "cash", "2026-11-20", 1234},
};
#define N_SALES (sizeof sales / sizeof sales[0])

/* The back office with the sales' meter on site S1, whose meters site S2
 * (K2's) was granted too: both kiosks sell to it. */
static void setup(boh_t *h)
{
    assert_true(boh_setup(h, false, NULL));
    assert_true(boh_meter(h, "000012345678", "S1"));
    assert_int_equal(boh_cli(h, NULL, 0, "site grant S2 --from-site S1 --reason 'neighbouring point'"), 0);
}

/* Uploads each sale as two events (paid, then its final state). */
static void upload_sales(boh_t *h)
{
    for (unsigned i = 0; i < N_SALES; i++) {
        char id[37], row1[2048], row2[2048], body[4200], path[64];
        boh_uuid(id, i + 1);
        boh_txn_t paid = {2 * i + 1, 3, sales[i].amount, id, "paid", "000012345678", sales[i].method, sales[i].day,
                          "null"};
        boh_txn_t last = paid;
        last.seq = 2 * i + 2;
        last.event_seq = 5;
        last.state = sales[i].state;
        boh_txn_row(row1, sizeof row1, &last); /* the later event first: order must not matter */
        boh_txn_row(row2, sizeof row2, &paid);
        snprintf(body, sizeof body, "{\"rows\":[%s,%s]}", row1, row2);
        snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", sales[i].kiosk);
        boh_resp_t r = boh_call(h, sales[i].kiosk, "POST", path, body, NULL);
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.body, "rejected"));
        boh_free(&r);
    }
}

/* The expected CSV line for key (by: 0 day, 1 site, 2 method). */
static void expect_line(int by, const char *key, char *line, size_t len)
{
    long long n = 0, sum = 0;
    for (unsigned i = 0; i < N_SALES; i++) {
        const char *k = by == 0 ? sales[i].day : by == 1 ? sales[i].site : sales[i].method;
        if (strcmp(k, key) == 0 && strcmp(sales[i].state, "delivered") == 0) {
            n++;
            sum += sales[i].amount;
        }
    }
    snprintf(line, len, "%s,CNY,%lld,%lld\r\n", key, n, sum);
}

static void check_report(boh_t *h, int by, const char *const *keys, int nkeys)
{
    static const char *const names[] = {"day", "site", "method"};
    char args[64], out[2048], want[2048];
    snprintf(args, sizeof args, "report sales --by %s --csv", names[by]);
    assert_int_equal(boh_cli(h, out, sizeof out, args), 0);
    size_t n = (size_t)snprintf(want, sizeof want, "%s,currency,sales,amount\r\n", names[by]);
    for (int i = 0; i < nkeys; i++)
        expect_line(by, keys[i], want + n, sizeof want - n), n = strlen(want);
    assert_string_equal(out, want);
}

/* Uploads a delivered cash sale of amount made at `at` (UTC) by K1, the
 * n-th of these (its seqs after upload_sales's). */
static void upload_sale_at(boh_t *h, unsigned n, const char *at, long long amount)
{
    char id[37];
    boh_uuid(id, 100 + n);
    boh_txn_t t = {100 + n, 5, amount, id, "delivered", "000012345678", "cash", at, "null"};
    boh_resp_t r = boh_post_txn(h, "K1", &t);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "rejected"));
    boh_free(&r);
}

/* The CLI's (args) and the API's (path, as CSV) report are want. */
static void expect_report(boh_t *h, const char *args, const char *path, const char *want)
{
    char out[2048];
    assert_int_equal(boh_cli(h, out, sizeof out, args), 0);
    assert_string_equal(out, want);
    boh_resp_t r = boh_call(h, NULL, "GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, want);
    boh_free(&r);
}

/* Sales, income and their day filters go by the sites' local day ([notices]
 * utc_offset_minutes, 480 here): a sale at 23:30 UTC on 30 November is
 * 07:30 on 1 December there, one at 15:59 UTC still 23:59 on the 30th. The
 * command line and the API (CSV) agree. */
static void check_local_days(boh_t *h)
{
    upload_sale_at(h, 1, "2026-11-30T23:30:00.000Z", 700);
    upload_sale_at(h, 2, "2026-11-30T15:59:00.000Z", 300);
    expect_report(h, "report sales --by day --csv --from 2026-11-25",
                  "/v1/admin/reports/sales?by=day&from=2026-11-25&format=csv",
                  "day,currency,sales,amount\r\n2026-11-30,CNY,1,300\r\n2026-12-01,CNY,1,700\r\n");
    expect_report(h, "report income --by month --csv --from 2026-11-25",
                  "/v1/admin/reports/income?by=month&from=2026-11-25&format=csv",
                  "period,site,method,currency,sales,amount,refunded\r\n2026-11,S1,cash,CNY,1,300,0\r\n"
                  "2026-12,S1,cash,CNY,1,700,0\r\n");
    expect_report(h, "report income --by day --csv --from 2026-12-01",
                  "/v1/admin/reports/income?by=day&from=2026-12-01&format=csv",
                  "period,site,method,currency,sales,amount,refunded\r\n2026-12-01,S1,cash,CNY,1,700,0\r\n");
    expect_report(h, "report sales --by method --csv --from 2026-11-25 --to 2026-12-01",
                  "/v1/admin/reports/sales?by=method&from=2026-11-25&to=2026-12-01&format=csv",
                  "method,currency,sales,amount\r\ncash,CNY,1,300\r\n");
    /* a full UTC time bounds at that instant */
    expect_report(h, "report sales --by day --csv --from 2026-11-30T16:00:00Z",
                  "/v1/admin/reports/sales?by=day&from=2026-11-30T16:00:00Z&format=csv",
                  "day,currency,sales,amount\r\n2026-12-01,CNY,1,700\r\n");
}

static void cli_report_sales(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    upload_sales(&h);
    static const char *const days[] = {"2026-11-20", "2026-11-21"}, *const sites[] = {"S1", "S2"},
                             *const methods[] = {"card", "cash", "qr"};
    check_report(&h, 0, days, 2);
    check_report(&h, 1, sites, 2);
    check_report(&h, 2, methods, 3);
    char out[1024];
    assert_int_equal(boh_cli(&h, out, sizeof out, "report sales --by day --from 2026-11-21"), 0);
    assert_null(strstr(out, "2026-11-20"));
    assert_non_null(strstr(out, "2026-11-21"));
    check_local_days(&h);
    boh_teardown(&h);
}

/* The API's reports are the command line's, as JSON and as CSV. */
static void cli_admin_api_reports(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    upload_sales(&h);
    char cli[2048];
    assert_int_equal(boh_cli(&h, cli, sizeof cli, "report sales --by site --csv"), 0);
    boh_resp_t r = boh_call(&h, NULL, "GET", "/v1/admin/reports/sales?by=site&format=csv", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, cli);
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/reports/sales?by=method", NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON *o = cJSON_Parse(r.body);
    const cJSON *rows = cJSON_GetObjectItem(o, "rows");
    static const char *const methods[] = {"card", "cash", "qr"};
    assert_int_equal(cJSON_GetArraySize(rows), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *row = cJSON_GetArrayItem(rows, i);
        char want[128], got[128];
        expect_line(2, methods[i], want, sizeof want);
        snprintf(got, sizeof got, "%s,%s,%lld,%lld\r\n", cJSON_GetObjectItem(row, "method")->valuestring,
                 cJSON_GetObjectItem(row, "currency")->valuestring,
                 (long long)cJSON_GetObjectItem(row, "sales")->valuedouble,
                 (long long)cJSON_GetObjectItem(row, "amount")->valuedouble);
        assert_string_equal(got, want);
    }
    cJSON_Delete(o);
    boh_free(&r);
    /* a page of it: the second and third rows, with the total */
    r = boh_call(&h, NULL, "GET", "/v1/admin/reports/sales?by=method&limit=2&offset=1", NULL, NULL);
    assert_int_equal(r.status, 200);
    o = cJSON_Parse(r.body);
    rows = cJSON_GetObjectItem(o, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "method")->valuestring, "cash");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 1), "method")->valuestring, "qr");
    assert_int_equal(cJSON_GetObjectItem(o, "total")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(o, "offset")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(o, "limit")->valueint, 2);
    cJSON_Delete(o);
    boh_free(&r);
    static const char *const bad_pages[] = {"limit=0", "limit=1001", "offset=-1", "limit=2x"};
    for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
        char path[96];
        snprintf(path, sizeof path, "/v1/admin/reports/sales?by=method&%s", bad_pages[i]);
        r = boh_call(&h, NULL, "GET", path, NULL, NULL);
        assert_int_equal(r.status, 400);
        boh_free(&r);
    }
    r = boh_call(&h, NULL, "GET", "/v1/admin/reports/weather", NULL, NULL);
    assert_int_equal(r.status, 404);
    boh_free(&r);
    r = boh_call(&h, NULL, "GET", "/v1/admin/reports/sales?from=yesterday", NULL, NULL);
    assert_int_equal(r.status, 400);
    boh_free(&r);
    boh_teardown(&h);
}

typedef struct rd {
    const char *at;
    long long energy;
} rd_t;

static void cli_report_energy(void **state)
{
    (void)state;
    boh_t h;
    setup(&h);
    static const rd_t rds[] = {{"2026-10-05", 1000}, {"2026-10-20", 1500}, {"2026-11-03", 2300}, {"2026-11-20", 2400}};
    char body[4096];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"rows\":[");
    for (int i = 0; i < 4; i++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "%s{\"seq\":%d,\"topic\":\"reading\",\"payload\":{\"meter\":\"000012345678\",\"at\":"
                              "\"%sT08:00:00.000Z\",\"energy\":%lld,\"balance\":100,\"purchase_count\":3,"
                              "\"relay_open\":0,\"flags\":0}}",
                              i ? "," : "", i + 1, rds[i].at, rds[i].energy);
    snprintf(body + n, sizeof body - n, "]}");
    boh_resp_t r = boh_call(&h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    /* energy between consecutive readings, in the later one's month */
    long long oct = rds[1].energy - rds[0].energy, nov = rds[3].energy - rds[1].energy;
    char out[1024], want[512];
    snprintf(want, sizeof want, "meter,month,energy,readings\r\n000012345678,2026-10,%lld,2\r\n"
                                "000012345678,2026-11,%lld,2\r\n", oct, nov);
    assert_int_equal(boh_cli(&h, out, sizeof out, "report energy --csv"), 0);
    assert_string_equal(out, want);
    /* a page of the meters is the same rows as the whole list's, with the latest reading */
    assert_true(boh_meter(&h, "000012345670", "S1") && boh_meter(&h, "000012345679", "S1"));
    boh_resp_t whole = boh_call(&h, NULL, "GET", "/v1/admin/meters", NULL, NULL);
    r = boh_call(&h, NULL, "GET", "/v1/admin/meters?limit=2&offset=1", NULL, NULL);
    assert_int_equal(whole.status, 200);
    assert_int_equal(r.status, 200);
    cJSON *all = cJSON_Parse(whole.body), *page = cJSON_Parse(r.body);
    const cJSON *rows = cJSON_GetObjectItem(page, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 2);
    assert_int_equal(cJSON_GetObjectItem(page, "total")->valueint, 3);
    const cJSON *every = cJSON_GetObjectItem(all, "rows");
    for (int i = 0; i < 2; i++)
        assert_true(cJSON_Compare(cJSON_GetArrayItem(rows, i), cJSON_GetArrayItem(every, i + 1), true));
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "meter")->valuestring, "000012345678");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "energy")->valueint, 2400);
    cJSON_Delete(all);
    cJSON_Delete(page);
    boh_free(&whole);
    boh_free(&r);
    /* the monitoring rows: a room with that meter, one without; a page of them */
    assert_int_equal(boh_cli(&h, NULL, 0, "building add B1 Block --site S1"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "room add R1 101 --building B1 --floor 1"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "room add R2 102 --building B1 --floor 1"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "room meter R1 000012345678"), 0);
    assert_int_equal(boh_cli(&h, out, sizeof out, "room list B1 --csv"), 0);
    assert_non_null(strstr(out, "\r\n1,R1,101,000012345678,C0,electricity,100,relay closed,"));
    assert_non_null(strstr(out, "\r\n1,R2,102,,"));
    r = boh_call(&h, NULL, "GET", "/v1/admin/monitor?building=B1&limit=1&offset=1", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"room\":\"R2\""));
    assert_null(strstr(r.body, "\"room\":\"R1\""));
    assert_non_null(strstr(r.body, "\"total\":2"));
    boh_free(&r);
    boh_teardown(&h);
}

static void cli_admin_verbs(void **state)
{
    (void)state;
    boh_t h;
    assert_true(boh_setup(&h, false, NULL));
    char out[4096];
    assert_int_equal(boh_cli(&h, out, sizeof out, "--help"), 0);
    assert_non_null(strstr(out, "report sales"));
    assert_int_equal(boh_cli(&h, NULL, 0, ""), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "site add S3"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "report sales --by week"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "--set server.colour=blue site list"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk add K3 --site NOWHERE"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "meter add 000099999999 --customer NOBODY --protocol dlt645 --gateway x:1"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "tariff set home CNY 'single cheap'"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "settings set K1 colour 3"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "settings set K1 offline_hours 99999"), 2);
    assert_int_equal(boh_cli(&h, NULL, 0, "customer add C1 Chen"), 0);
    /* two sites: the meter's must be named */
    assert_int_equal(boh_cli(&h, NULL, 0, "meter add 000012345678 --customer C1 --protocol modbus --gateway gw:5"), 1);
    assert_int_equal(boh_cli(&h, NULL, 0, "meter add 000012345678 --customer C1 --protocol modbus --gateway gw:502 "
                                          "--kind water --site S1"),
                     0);
    assert_int_equal(boh_cli(&h, NULL, 0, "kiosk add K3 --site S1"), 0);
    assert_int_equal(boh_cli(&h, NULL, 0, "settings set K3 offline_hours 12"), 0);
    assert_int_equal(boh_cli(&h, out, sizeof out, "meter list --csv"), 0);
    assert_non_null(strstr(out, "000012345678,C1,modbus,gw:502,water"));
    assert_int_equal(boh_cli(&h, out, sizeof out, "kiosk list"), 0);
    assert_non_null(strstr(out, "K3"));
    assert_int_equal(boh_cli(&h, out, sizeof out, "settings list --csv"), 0);
    assert_non_null(strstr(out, "K3,offline_hours,12"));
    assert_int_equal(boh_count(&h, "SELECT settings_version FROM kiosk WHERE id = 'K3'"), 2);
    assert_int_equal(boh_count(&h, "SELECT version FROM doc_version WHERE kind = 'registry'"), 2);
    boh_teardown(&h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(cli_report_sales),
    cmocka_unit_test(cli_report_energy),
    cmocka_unit_test(cli_admin_verbs),
    cmocka_unit_test(cli_admin_api_reports),
};

KTEST_MAIN(tests)
