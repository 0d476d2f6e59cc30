/* The one look at the site's devices (kiosk/site/site_health.h): off,
 * missing, open, and asked through each class's probe op, whose no-op
 * default answers without a NULL check; and the factories' plan. */
#include <stdlib.h>
#include <string.h>

#include "drivers/gateway/gw_backends.h"
#include "kiosk/site/site_health.h"
#include "ktest.h"
#include "support/support.h"

static void set(kiosk_config_t *cfg, const char *assignment)
{
    kmsg_t msg = {""};
    if (config_set(cfg, assignment, &msg) != K_OK)
        fail_msg("%s", msg.text);
}

/* Every name the configuration accepts for a device is one the site knows. */
static void every_accepted_name_is_planned(void **state)
{
    (void)state;
    static const char *const settings[] = {
        "gateway.protocol=dlt645", "gateway.protocol=modbus", "gateway.protocol=fake", "cash.protocol=none",
        "cash.protocol=cctalk",    "payterm.protocol=none",   "payterm.protocol=zvt",  "card.protocol=none",
        "card.protocol=pcsc",      "card.keys=sam",           "card.keys=file",        "printer.protocol=none",
        "printer.protocol=escpos", "printer.transport=serial", "printer.transport=tcp", "printer.transport=file",
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        kiosk_config_t cfg;
        site_plan_t plan;
        kmsg_t msg = {""};
        config_defaults(&cfg);
        set(&cfg, settings[i]);
        if (site_plan_parse(&cfg, &plan, &msg) != K_OK)
            fail_msg("%s: %s", settings[i], msg.text);
    }
}

/* Nothing configured: each device is off, saying which setting. */
static void defaults_are_off(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    site_devices_t d = {0};
    site_health_t h = {0};
    config_defaults(&cfg);
    site_health_check(&cfg, &d, ~0u, &h);
    assert_int_equal(h.dev[SITE_DEV_CASH].state, SITE_OFF);
    assert_string_equal(h.dev[SITE_DEV_CASH].detail, "cash.protocol = none");
    assert_int_equal(h.dev[SITE_DEV_PRINTER].state, SITE_OFF);
    assert_string_equal(h.dev[SITE_DEV_QR].detail, "sync.qr = false");
    assert_string_equal(h.dev[SITE_DEV_GATEWAY].detail, "no registry (registry.path): no meter to ask");
    assert_string_equal(site_state_name(SITE_OFF), "off");
}

/* Configured but not open: missing; open and not asked: ok; asked: the
 * probe (the fake meters' no-op default, a file printer's status). */
static void missing_open_and_asked(void **state)
{
    (void)state;
    char dir[512], line[700];
    kiosk_config_t cfg;
    kmsg_t msg = {""};
    gw_t gw;
    printer_t p;
    assert_true(tmpdir_make(dir, sizeof dir));
    config_defaults(&cfg);
    set(&cfg, "cash.protocol=cctalk");
    set(&cfg, "printer.protocol=escpos");
    set(&cfg, "printer.transport=file");
    snprintf(line, sizeof line, "printer.path=%s/receipts", dir);
    set(&cfg, line);
    snprintf(line, sizeof line, "registry.path=%s/meters.csv", dir);
    set(&cfg, line);
    set(&cfg, "gateway.protocol=fake");
    assert_int_equal(site_gateway_open(&cfg, NULL, &gw, &msg), K_OK);
    assert_int_equal(site_printer_open(&cfg, &p, &msg), K_OK);
    site_devices_t d = {.gateway = &gw, .printer = &p};
    site_health_t h = {0};
    site_health_check(&cfg, &d, SITE_ASK(SITE_DEV_PRINTER), &h);
    assert_int_equal(h.dev[SITE_DEV_CASH].state, SITE_MISSING);
    assert_int_equal(h.dev[SITE_DEV_GATEWAY].state, SITE_OK);
    assert_string_equal(h.dev[SITE_DEV_GATEWAY].detail, "open");
    assert_int_equal(h.dev[SITE_DEV_PRINTER].state, SITE_OK);
    assert_string_equal(h.dev[SITE_DEV_PRINTER].detail, "online, paper ok");
    printer_close(&p);
    gw_close(&gw);
    tmpdir_remove(dir);
}

/* The router asks the registry's first meter; with none it says so. A
 * backend with nothing to ask has the no-op probe. */
static void the_gateway_asks_the_first_meter(void **state)
{
    (void)state;
    char dir[512], line[700];
    kiosk_config_t cfg;
    kmsg_t msg = {""};
    registry_t reg = {0};
    gw_t gw, fake;
    assert_true(tmpdir_make(dir, sizeof dir));
    assert_true(file_write(dir, "meters.csv", "meter,customer,protocol,gateway\n"));
    assert_true(file_write(dir, "meters", "000000000001 100000000001 4 900\n"));
    config_defaults(&cfg);
    snprintf(line, sizeof line, "registry.path=%s/meters.csv", dir);
    set(&cfg, line);
    snprintf(line, sizeof line, "gateway.fake_dir=%s", dir);
    set(&cfg, line);
    set(&cfg, "gateway.protocol=fake");
    assert_int_equal(registry_load(cfg.registry_path, &reg, &msg), K_OK);
    assert_int_equal(site_gateway_open(&cfg, &reg, &gw, &msg), K_OK);
    assert_int_equal(gw.ops->probe(gw.ctx, &msg), GW_NOT_FOUND);
    assert_string_equal(msg.text, "meter (registry empty): no such meter");
    gw_close(&gw);
    registry_free(&reg);
    assert_true(file_write(dir, "meters.csv", "meter,customer,protocol,gateway\n000000000001,100000000001,dlt645,\n"));
    assert_int_equal(registry_load(cfg.registry_path, &reg, &msg), K_OK);
    assert_int_equal(site_gateway_open(&cfg, &reg, &gw, &msg), K_OK);
    assert_int_equal(gw.ops->probe(gw.ctx, &msg), GW_OK);
    assert_string_equal(msg.text, "meter 000000000001 answered (purchase count 4)");
    assert_int_equal(gw_fake_open(dir, &fake, &msg), K_OK);
    assert_int_equal(fake.ops->probe(fake.ctx, &msg), GW_OK);
    gw_close(&fake);
    gw_close(&gw);
    registry_free(&reg);
    tmpdir_remove(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_accepted_name_is_planned),
    cmocka_unit_test(defaults_are_off),
    cmocka_unit_test(missing_open_and_asked),
    cmocka_unit_test(the_gateway_asks_the_first_meter),
};

KTEST_MAIN(tests)
