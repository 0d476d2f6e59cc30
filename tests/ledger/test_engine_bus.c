/* The bus lock's announcement (engine/engine_bus.h, docs/collector.md "Bus
 * priority"): a remote sale keeps every other program's exchange off the
 * meters' wire from its opening until it is at rest, whichever way it
 * ends, and the scan goes on once it is. "Another program" is a second
 * open of the lock file (its own open file description), or a child
 * process. The sales go through the engine against the fake meter bank. */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"
#include "support/support.h"

#include "base/clock.h"
#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define M1 "000000000001"

static char dir[512];
static kiosk_config_t cfg;
static ledger_t *ledger;
static gw_t gw;
static engine_bus_t bus, other; /* this program's bus; another program's open of it */
static engine_t eng;

static int setup(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    config_defaults(&cfg);
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/ledger.db", dir);
    snprintf(cfg.gateway_fake_dir, sizeof cfg.gateway_fake_dir, "%s", dir);
    snprintf(cfg.gateway_protocol, sizeof cfg.gateway_protocol, "fake");
    cfg.delivery_attempts = 1;
    file_write(dir, "meters", "# meter customer count balance\n" M1 " 100000000001 0 0\n");
    if (ledger_open(cfg.ledger_path, LEDGER_CREATE, &test_clock, &ledger, &msg) != K_OK ||
        site_gateway_open(&cfg, NULL, &gw, &msg) != K_OK || engine_bus_open(&bus, cfg.ledger_path, &msg) != K_OK ||
        engine_bus_open(&other, cfg.ledger_path, &msg) != K_OK)
        fail_msg("site: %s", msg.text);
    assert_true(bus.fd >= 0 && other.fd >= 0);
    eng = (engine_t){.ledger = ledger, .gw = &gw, .bus = &bus, .cfg = &cfg, .clk = &test_clock};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ledger_close(ledger);
    gw_close(&gw);
    engine_bus_close(&bus);
    engine_bus_close(&other);
    tmpdir_remove(dir);
    return 0;
}

/* Opens a remote sale to meter, paid by the counter, taking money. */
static void open_sale(const char *meter, char id[UUID_STR_LEN])
{
    sale_req_t req = {.meter = meter, .method = METHOD_COUNTER, .channel = CHANNEL_REMOTE, .amount = 1000};
    kmsg_t msg = {""};
    if (engine_open_sale(&eng, &req, id, &msg) || engine_begin_payment(&eng, id, &msg))
        fail_msg("sale: %s", msg.text);
}

static void pay(const char *id)
{
    ledger_payment_t p = {.method = METHOD_COUNTER, .amount = 1000};
    kmsg_t msg = {""};
    if (engine_accept_payment(&eng, id, &p, &msg) || engine_finish_payment(&eng, id, &msg))
        fail_msg("payment: %s", msg.text);
}

static txn_state_t deliver(const char *id)
{
    ledger_txn_t t;
    kmsg_t msg = {""};
    if (engine_deliver(&eng, id, &t, &msg) != K_OK)
        fail_msg("deliver: %s", msg.text);
    return t.state;
}

static void cancelled_sale_lets_the_scan_go(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    assert_false(engine_bus_sale_announced(&other));
    open_sale(M1, id);
    assert_true(engine_bus_sale_announced(&other));
    assert_false(engine_bus_sale_announced(&bus)); /* not for itself */
    assert_int_equal(engine_cancel(&eng, id, "the resident left", NULL), K_OK);
    assert_false(engine_bus_sale_announced(&other));
}

static void sale_not_paid_lets_the_scan_go(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    open_sale(M1, id);
    assert_true(engine_bus_sale_announced(&other));
    assert_int_equal(engine_finish_payment(&eng, id, NULL), K_OK); /* nothing went in: cancelled */
    ledger_txn_t t;
    assert_int_equal(ledger_get(ledger, id, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_CANCELLED);
    assert_false(engine_bus_sale_announced(&other));
}

static void delivered_sale_lets_the_scan_go(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    open_sale(M1, id);
    pay(id);
    assert_true(engine_bus_sale_announced(&other)); /* paid is not at rest: the delivery comes */
    assert_int_equal(deliver(id), TXN_DELIVERED);
    assert_false(engine_bus_sale_announced(&other));
}

static void pending_sale_lets_the_scan_go(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    file_write(dir, "faults", "offline 1\n");
    open_sale(M1, id);
    pay(id);
    assert_int_equal(deliver(id), TXN_DELIVERY_PENDING);
    assert_false(engine_bus_sale_announced(&other));
    assert_int_equal(bus.gate, 0);
    assert_int_equal(bus.depth, 0);
}

static void parked_sale_lets_the_scan_go(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    open_sale("000000000099", id); /* no such meter: parked */
    pay(id);
    assert_int_equal(deliver(id), TXN_NEEDS_RECONCILIATION);
    assert_false(engine_bus_sale_announced(&other));
}

/* A sale the front end left (an error midway) is announced until it is
 * settled, as it holds the ledger until then. */
static void sale_left_behind_is_announced_until_settled(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    open_sale(M1, id);
    pay(id);
    assert_true(engine_bus_sale_announced(&other));
    assert_int_equal(engine_settle_held(&eng, NULL), K_OK);
    assert_null(engine_held_sale(&eng));
    assert_false(engine_bus_sale_announced(&other));
}

static void card_sale_does_not_announce(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    sale_req_t req = {.meter = M1, .method = METHOD_COUNTER, .channel = CHANNEL_CARD, .card = "0123456789ABCDEF",
                      .amount = 1000};
    assert_int_equal(engine_open_sale(&eng, &req, id, NULL), K_OK);
    assert_false(engine_bus_sale_announced(&other)); /* its credit goes onto the card, not the wire */
    assert_int_equal(engine_cancel(&eng, id, "test", NULL), K_OK);
}

/* The sale's own meter reads (the account lookup, the delivery) go through
 * the same hook: they must not wait for the sale, nor drop its gate. */
static void own_exchanges_do_not_wait_for_the_sale(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    open_sale(M1, id);
    link_hook_t h = engine_bus_frame_hook(&bus);
    int64_t t0 = kclock_mono(NULL);
    link_hook_before(&h);
    link_hook_after(&h);
    assert_true(kclock_mono(NULL) - t0 < 1000);
    assert_true(engine_bus_sale_announced(&other)); /* still announced after its own exchange */
    assert_int_equal(engine_cancel(&eng, id, "test", NULL), K_OK);
}

/* Another program's exchange (the scan's) waits while the sale is open
 * and goes on once it is at rest. */
static void scan_waits_for_the_sale_and_resumes(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    open_sale(M1, id);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the scanning program: its own open of the lock */
        engine_bus_t scan;
        if (engine_bus_open(&scan, cfg.ledger_path, NULL) != K_OK)
            _exit(2);
        link_hook_t h = engine_bus_frame_hook(&scan);
        int64_t t0 = kclock_mono(NULL);
        link_hook_before(&h);
        int64_t waited = kclock_mono(NULL) - t0;
        link_hook_after(&h);
        _exit(write(fds[1], &waited, sizeof waited) == sizeof waited ? 0 : 3);
    }
    close(fds[1]);
    usleep(400000);
    assert_int_equal(waitpid(pid, NULL, WNOHANG), 0); /* still waiting behind the sale */
    assert_int_equal(engine_cancel(&eng, id, "the resident left", NULL), K_OK);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int64_t waited = 0;
    assert_int_equal(read(fds[0], &waited, sizeof waited), (ssize_t)sizeof waited);
    close(fds[0]);
    assert_true(waited >= 400);
    assert_true(waited < ENGINE_BUS_GATE_WAIT_MS);
}

/* A program killed while its sale is announced lets the bus go: the
 * kernel drops an open file description's locks with its last descriptor. */
static void killed_program_lets_the_bus_go(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        engine_bus_t b;
        if (engine_bus_open(&b, cfg.ledger_path, NULL) != K_OK)
            _exit(2);
        engine_bus_hold(&b); /* as a delivery under way */
        char c = 'x';
        if (write(fds[1], &c, 1) != 1)
            _exit(3);
        pause();
        _exit(0);
    }
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    assert_true(engine_bus_sale_announced(&other));
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_false(engine_bus_sale_announced(&other));
    engine_bus_hold(&other); /* and the wire is free */
    engine_bus_release(&other);
}

/* Holds nest inside an announcement and let go in order. */
static void hold_inside_an_announcement(void **state)
{
    (void)state;
    engine_bus_announce(&bus);
    engine_bus_hold(&bus);
    assert_int_equal(bus.gate, 2);
    assert_int_equal(bus.depth, 1);
    engine_bus_release(&bus);
    assert_true(engine_bus_sale_announced(&other));
    engine_bus_withdraw(&bus);
    assert_false(engine_bus_sale_announced(&other));
    engine_bus_withdraw(&bus); /* one too many: nothing */
    assert_int_equal(bus.gate, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(cancelled_sale_lets_the_scan_go, setup, teardown),
    cmocka_unit_test_setup_teardown(sale_not_paid_lets_the_scan_go, setup, teardown),
    cmocka_unit_test_setup_teardown(delivered_sale_lets_the_scan_go, setup, teardown),
    cmocka_unit_test_setup_teardown(pending_sale_lets_the_scan_go, setup, teardown),
    cmocka_unit_test_setup_teardown(parked_sale_lets_the_scan_go, setup, teardown),
    cmocka_unit_test_setup_teardown(sale_left_behind_is_announced_until_settled, setup, teardown),
    cmocka_unit_test_setup_teardown(card_sale_does_not_announce, setup, teardown),
    cmocka_unit_test_setup_teardown(own_exchanges_do_not_wait_for_the_sale, setup, teardown),
    cmocka_unit_test_setup_teardown(scan_waits_for_the_sale_and_resumes, setup, teardown),
    cmocka_unit_test_setup_teardown(killed_program_lets_the_bus_go, setup, teardown),
    cmocka_unit_test_setup_teardown(hold_inside_an_announcement, setup, teardown),
};

KTEST_MAIN(tests)
