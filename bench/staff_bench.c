/* Staff at the kiosk, timed: signing in (Argon2id at libsodium's
 * interactive limits, the lockout record and its audit row), a correction
 * (void with its refund and audit row in one commit), a cash collection
 * (the Z report recorded), and making the kiosk's keys on first start.
 *
 *   staff_bench --dir DIR [--n N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "engine/engine.h"
#include "provisioning/identity.h"
#include "provisioning/staff.h"

#define NAME "staff_bench"

static void report(const char *what, int64_t *v, int n)
{
    int64_t med = bench_pct(v, n, 50), p99 = bench_pct(v, n, 99);
    printf("  %-38s median %5lld.%02lld ms   p99 %5lld.%02lld ms   (n=%d)\n", what, (long long)(med / 1000),
           (long long)(med % 1000 / 10), (long long)(p99 / 1000), (long long)(p99 % 1000 / 10), n);
}

static void check(kerr_t rc, const kmsg_t *msg)
{
    if (rc != K_OK)
        bench_die(NAME, msg->text);
}

/* A counter sale of 10.00, paid and parked, with id number i. */
static void parked_sale(ledger_t *l, int i, char id[UUID_STR_LEN])
{
    snprintf(id, UUID_STR_LEN, "00000000-0000-4000-8000-%012d", i);
    ledger_new_txn_t t = {.id = id, .meter = "000000000001", .customer = "100000000001", .method = METHOD_COUNTER,
                          .channel = CHANNEL_REMOTE, .currency = "CNY", .amount = 1000};
    ledger_payment_t p = {.method = METHOD_COUNTER, .amount = 1000, .ref = "bench"};
    kmsg_t msg = {""};
    check(ledger_create(l, &t, &msg), &msg);
    const ledger_change_t steps[] = {{.event = EV_PAY_BEGIN}, {.event = EV_MONEY_IN, .payment = &p},
                                     {.event = EV_PAY_DONE}, {.event = EV_PARK, .reason = "bench"}};
    const txn_state_t from[] = {TXN_CREATED, TXN_PAYMENT_PENDING, TXN_PAYMENT_PENDING, TXN_PAID};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++)
        check(ledger_apply(l, id, from[s], &steps[s], NULL, &msg), &msg);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int n = 20, ch;
    static const struct option opts[] = {{"dir", 1, NULL, 'd'}, {"n", 1, NULL, 'n'}, {0, 0, 0, 0}};
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (ch == 'd')
            dir = optarg;
        else if (ch == 'n')
            n = atoi(optarg);
    if (!dir || n < 1 || n > 1000)
        bench_die(NAME, "usage: staff_bench --dir DIR [--n 1..1000]");
    kiosk_config_t cfg;
    config_defaults(&cfg);
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/staff-bench.db", dir);
    remove(cfg.ledger_path);
    ledger_t *l;
    kmsg_t msg = {""};
    check(ledger_open(cfg.ledger_path, LEDGER_CREATE, NULL, &l, &msg), &msg);
    char hash[STAFF_HASH_LEN];
    check(staff_pin_hash("2468", hash, &msg), &msg);
    check(ledger_group_put(l, "admins", "all", "bench", &msg), &msg);
    check(ledger_operator_put(l, "alice", "admins", hash, "bench", &msg), &msg);
    engine_t e = {.ledger = l, .cfg = &cfg};
    int64_t *login = calloc((size_t)n, sizeof *login), *fix = calloc((size_t)n, sizeof *fix),
            *collect = calloc((size_t)n, sizeof *collect), *keys = calloc((size_t)n, sizeof *keys);
    for (int i = 0; i < n; i++) {
        staff_session_t s;
        char id[UUID_STR_LEN], idir[1024];
        int64_t t0 = bench_now_us();
        check(staff_login(l, NULL, "alice", "2468", &s, &msg), &msg);
        login[i] = bench_now_us() - t0;
        parked_sale(l, i + 1, id);
        t0 = bench_now_us();
        check(engine_fix(&e, id, ENGINE_FIX_VOID, s.actor, "bench", NULL, &msg), &msg);
        fix[i] = bench_now_us() - t0;
        ledger_cash_report_t r;
        bool printed;
        t0 = bench_now_us();
        check(engine_collect(&e, NULL, s.actor, &r, &printed, &msg), &msg);
        collect[i] = bench_now_us() - t0;
        snprintf(idir, sizeof idir, "%s/staff-bench-identity", dir);
        int removed;
        check(identity_erase(idir, &removed, &msg), &msg);
        identity_t ident;
        t0 = bench_now_us();
        check(identity_ensure_keys(idir, &ident, &msg), &msg);
        keys[i] = bench_now_us() - t0;
    }
    printf("Staff at the kiosk (%d rounds; ledger in %s):\n", n, dir);
    report("sign-in (Argon2id, audit row)", login, n);
    report("void a parked sale (one commit)", fix, n);
    report("cash collection (Z report recorded)", collect, n);
    report("kiosk keys on first start", keys, n);
    ledger_close(l);
    remove(cfg.ledger_path);
    free(login), free(fix), free(collect), free(keys);
    return 0;
}
