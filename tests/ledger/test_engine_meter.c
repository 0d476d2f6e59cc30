/* Commands to meters through the engine's identity gate, against the fake
 * meter bank: the meter answering at an address must be the registry's
 * meter and customer, or nothing is sent. The fake's `relays` file is the
 * meters' own record of the commands they took. */
#include <stdlib.h>

#include "ktest.h"
#include "support/support.h"

#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define M1 "000000000001"
#define M2 "000000000002"

static char dir[512];
static kiosk_config_t cfg;
static ledger_t *ledger;
static gw_t gw;
static engine_t eng;
static registry_entry_t lines[2];
static registry_t reg;

/* The fake meters: at M2's address answers M1, with M1's customer (as a
 * wrong Modbus unit in M2's registry line would reach). */
static int setup(void **state)
{
    (void)state;
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    config_defaults(&cfg);
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/ledger.db", dir);
    snprintf(cfg.gateway_fake_dir, sizeof cfg.gateway_fake_dir, "%s", dir);
    snprintf(cfg.gateway_protocol, sizeof cfg.gateway_protocol, "fake");
    file_write(dir, "meters", M1 " 100000000001 0 900\n" M2 " 100000000001 7 500 " M1 "\n");
    lines[0] = (registry_entry_t){.meter = M1, .customer = "100000000001", .protocol = REGISTRY_DLT645, .unit = 1};
    lines[1] = (registry_entry_t){.meter = M2, .customer = "100000000002", .protocol = REGISTRY_MODBUS,
                                  .gateway = "10.0.0.5:502", .unit = 1};
    reg = (registry_t){.entries = lines, .n = 2, .loaded = true};
    kmsg_t msg = {""};
    if (ledger_open(cfg.ledger_path, LEDGER_CREATE, &test_clock, &ledger, &msg) != K_OK ||
        site_gateway_open(&cfg, NULL, &gw, &msg) != K_OK)
        fail_msg("site: %s", msg.text);
    eng = (engine_t){.ledger = ledger, .gw = &gw, .cfg = &cfg, .clk = &test_clock, .registry = &reg};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ledger_close(ledger);
    gw_close(&gw);
    tmpdir_remove(dir);
    return 0;
}

static bool audited(const char *action, const char *meter)
{
    bool found = false;
    assert_int_equal(ledger_audit_exists(ledger, action, meter, &found, NULL), K_OK);
    return found;
}

static int relays_taken(void)
{
    return file_count_lines(dir, "relays", "relay ");
}

static void the_registry_meter_takes_the_command(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    if (engine_relay(&eng, M1, GW_RELAY_TRIP, "operator:alice", "meter replaced", &msg) != K_OK)
        fail_msg("relay: %s", msg.text);
    assert_int_equal(file_count_lines(dir, "relays", "relay " M1 " trip"), 1);
    assert_true(audited("relay_trip", M1));
    assert_false(audited("identity_mismatch", M1));
    assert_int_equal(engine_meter_command(&eng, M1, METER_CMD_RELAY_CLOSE, NULL, "system", "credit", &msg), K_OK);
    assert_int_equal(file_count_lines(dir, "relays", "relay " M1 " close"), 1);
    assert_string_equal(engine_meter_cmd_name(METER_CMD_RELAY_CLOSE), "relay_close");
}

/* The registry line of M2 reaches M1: nothing is sent, both are named,
 * the line to correct too, and the refusal is in the audit log. */
static void another_meter_answers_nothing_sent(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_int_equal(engine_relay(&eng, M2, GW_RELAY_TRIP, "operator:alice", "arrears", &msg), K_ECONFLICT);
    assert_int_equal(relays_taken(), 0);
    assert_non_null(strstr(msg.text, "nothing sent"));
    assert_non_null(strstr(msg.text, "meter " M1 " (customer 100000000001) answers at modbus unit 1 of 10.0.0.5:502"));
    assert_non_null(strstr(msg.text, "where the registry puts meter " M2 " (customer 100000000002)"));
    assert_non_null(strstr(msg.text, "correct that registry line (registry.path)"));
    assert_true(audited("identity_mismatch", M2));
    assert_false(audited("relay_trip", M2));
    eng.registry = NULL; /* no registry line: the meter number alone still decides */
    assert_int_equal(engine_relay(&eng, M2, GW_RELAY_CLOSE, "system", "credit", &msg), K_ECONFLICT);
    assert_non_null(strstr(msg.text, "no registry line"));
    assert_int_equal(relays_taken(), 0);
}

static void another_customer_nothing_sent(void **state)
{
    (void)state;
    snprintf(lines[0].customer, sizeof lines[0].customer, "100000000009");
    kmsg_t msg = {""};
    assert_int_equal(engine_relay(&eng, M1, GW_RELAY_TRIP, "operator:alice", "arrears", &msg), K_ECONFLICT);
    assert_int_equal(relays_taken(), 0);
    assert_non_null(strstr(msg.text, "meter " M1 " (customer 100000000001) answers"));
    assert_non_null(strstr(msg.text, "the registry puts meter " M1 " (customer 100000000009)"));
    assert_true(audited("identity_mismatch", M1));
    eng.registry = NULL; /* without a line there is no customer to contradict */
    assert_int_equal(engine_relay(&eng, M1, GW_RELAY_TRIP, "operator:alice", "arrears", &msg), K_OK);
    assert_int_equal(relays_taken(), 1);
}

/* A meter that does not answer the identity read is not sent the command. */
static void unconfirmed_identity_nothing_sent(void **state)
{
    (void)state;
    file_write(dir, "faults", "offline 1\n");
    kmsg_t msg = {""};
    assert_int_equal(engine_relay(&eng, M1, GW_RELAY_TRIP, "operator:alice", "arrears", &msg), K_ETIMEOUT);
    assert_non_null(strstr(msg.text, "cannot tell which meter answers, nothing sent"));
    assert_int_equal(relays_taken(), 0);
    assert_false(audited("relay_trip", M1));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(the_registry_meter_takes_the_command, setup, teardown),
    cmocka_unit_test_setup_teardown(another_meter_answers_nothing_sent, setup, teardown),
    cmocka_unit_test_setup_teardown(another_customer_nothing_sent, setup, teardown),
    cmocka_unit_test_setup_teardown(unconfirmed_identity_nothing_sent, setup, teardown),
};

KTEST_MAIN(tests)
