/* Configuration: defaults, the file, --set overrides, and error messages
 * that name the file, line and key. */
#include <stdlib.h>

#include "ktest.h"
#include "support/support.h"

#include "engine/config.h"
#include "kiosk/app/cli.h"

static char dir[512];

static int setup(void **state)
{
    (void)state;
    return tmpdir_make(dir, sizeof dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

/* Loads text as kiosk.ini; returns the result and the message. */
static kerr_t load(const char *text, kiosk_config_t *cfg, kmsg_t *msg)
{
    char path[600];
    assert_true(file_write(dir, "kiosk.ini", text));
    snprintf(path, sizeof path, "%s/kiosk.ini", dir);
    config_defaults(cfg);
    msg->text[0] = '\0';
    return config_load_file(cfg, path, msg);
}

static void expect_error(const char *text, const char *want)
{
    kiosk_config_t cfg;
    kmsg_t msg;
    if (load(text, &cfg, &msg) == K_OK)
        fail_msg("accepted: %s", text);
    if (!strstr(msg.text, want))
        fail_msg("message '%s' lacks '%s'", msg.text, want);
}

static void defaults_are_valid(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    config_defaults(&cfg);
    assert_int_equal(config_check(&cfg, NULL), K_OK);
    assert_string_equal(cfg.ledger_path, "kiosk-ledger.db");
    assert_string_equal(cfg.currency_code, "CNY");
    assert_ptr_equal(cfg.currency, currency_find("CNY"));
    assert_int_equal(cfg.gateway_timeout_ms, 2000);
    assert_int_equal(cfg.operator_code, 1);
    assert_string_equal(cfg.ui_voice, "on"); /* the voice on, low */
    assert_int_equal(cfg.ui_voice_volume, 30);
}

static void empty_file_is_valid(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    kmsg_t msg;
    assert_int_equal(load("", &cfg, &msg), K_OK);
    assert_string_equal(cfg.ledger_path, "kiosk-ledger.db");
    assert_int_equal(load("; only a comment\n\n# another\n", &cfg, &msg), K_OK);
}

static void file_values_are_read(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    kmsg_t msg;
    assert_int_equal(load("[ledger]\npath = /var/lib/kiosk/ledger.db\n[site]\ncurrency = HKD\n"
                          "operator_code = 0A0B0C0D ; inline comment\n[limits]\nmax_purchase = 50000\n",
                          &cfg, &msg),
                     K_OK);
    assert_string_equal(cfg.ledger_path, "/var/lib/kiosk/ledger.db");
    assert_ptr_equal(cfg.currency, currency_find("HKD"));
    assert_int_equal(cfg.operator_code, 0x0A0B0C0D);
    assert_int_equal(cfg.max_purchase, 50000);
}

static void unknown_key_names_file_line_and_suggests(void **state)
{
    (void)state;
    expect_error("[ledger]\n\npth = x.db\n", "kiosk.ini:3: unknown key 'pth' in [ledger] (did you mean 'ledger.path'?)");
    expect_error("[legder]\npath = x.db\n", "kiosk.ini:2: unknown key 'path' in [legder] (did you mean 'ledger.path'?)");
    expect_error("path = x.db\n", "kiosk.ini:1: key 'path' is outside any [section]");
    expect_error("[site]\nflavour = mint\n", "unknown key 'flavour' in [site]");
}

static void bad_values_name_the_key(void **state)
{
    (void)state;
    expect_error("[gateway]\ntimeout_ms = fast\n", "kiosk.ini:2: gateway.timeout_ms: 'fast' is not a whole number");
    expect_error("[gateway]\ntimeout_ms = 10\n", "gateway.timeout_ms: 10 is out of range (50..60000)");
    expect_error("[gateway]\nprotocol = carrier-pigeon\n", "gateway.protocol: 'carrier-pigeon' is not one of: dlt645 modbus fake");
    expect_error("[site]\ncurrency = yuan\n", "site.currency: 'yuan' is not a supported ISO 4217 currency code");
    expect_error("[site]\noperator_code = 12\n", "site.operator_code: '12' is not 8 hex digits");
    expect_error("[ledger]\npath =\n", "ledger.path: value must not be empty");
    expect_error("[log]\nlevel = loud\n", "log.level: 'loud' is not one of: error warn info debug");
    expect_error("[ui]\nvoice = yes\n", "ui.voice: 'yes' is not one of: on off");
    expect_error("[ui]\nvoice_volume = 101\n", "ui.voice_volume: 101 is out of range (0..100)");
    expect_error("[ui]\nvoise = on\n", "unknown key 'voise' in [ui] (did you mean 'ui.voice'?)");
}

static void syntax_errors_and_duplicates(void **state)
{
    (void)state;
    expect_error("[ledger]\npath = a.db\n[site\n", "kiosk.ini:3: expected 'key = value'");
    expect_error("[ledger]\njust words\n", "kiosk.ini:2: expected 'key = value'");
    expect_error("[ledger]\npath = a.db\npath = b.db\n", "kiosk.ini:3: ledger.path is already set on line 2");
    char long_line[400];
    memset(long_line, 'x', sizeof long_line);
    memcpy(long_line, "[site]\nid = ", 12);
    long_line[sizeof long_line - 2] = '\n';
    long_line[sizeof long_line - 1] = '\0';
    expect_error(long_line, "kiosk.ini:2: line is longer than");
}

static void missing_file(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    kmsg_t msg;
    config_defaults(&cfg);
    assert_int_equal(config_load_file(&cfg, "/nonexistent/kiosk.ini", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "/nonexistent/kiosk.ini: cannot read the configuration file"));
}

static void set_overrides(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    kmsg_t msg;
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, "ledger.path=/tmp/x=y.db", &msg), K_OK);
    assert_string_equal(cfg.ledger_path, "/tmp/x=y.db");
    assert_int_equal(config_set(&cfg, "delivery.attempts=3", &msg), K_OK);
    assert_int_equal(cfg.delivery_attempts, 3);
    assert_int_equal(config_set(&cfg, "delivery.attempts=9", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "--set delivery.attempts: 9 is out of range (1..5)"));
    assert_int_equal(config_set(&cfg, "ledger.pathh=a", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "unknown key 'ledger.pathh' (did you mean 'ledger.path'?)"));
    assert_int_equal(config_set(&cfg, "ledger", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "expected section.key=value"));
    assert_int_equal(config_set(&cfg, "path=a", &msg), K_EINVAL);
}

static void cross_key_rules(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    kmsg_t msg;
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, "limits.min_purchase=5000", &msg), K_OK);
    assert_int_equal(config_set(&cfg, "limits.max_purchase=4000", &msg), K_OK);
    assert_int_equal(config_check(&cfg, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "limits.min_purchase (5000) is above limits.max_purchase (4000)"));
}

static void cli_order_file_then_sets(void **state)
{
    (void)state;
    assert_true(file_write(dir, "k.ini", "[gateway]\ntimeout_ms = 300\n"));
    char path[600], cfgopt[620];
    snprintf(path, sizeof path, "%s/k.ini", dir);
    snprintf(cfgopt, sizeof cfgopt, "--config=%s", path);
    const char *words[] = {"prog", "ledger", "--set", "gateway.timeout_ms=400", cfgopt, "list", "--limit", "3"};
    char store[8][640], *argv[9] = {NULL};
    for (int i = 0; i < 8; i++)
        argv[i] = strcpy(store[i], words[i]);
    cli_args_t a;
    kiosk_config_t cfg;
    kmsg_t msg;
    assert_int_equal(cli_split(8, argv, &a, &msg), K_OK);
    assert_int_equal(a.n_rest, 4);
    assert_string_equal(a.rest[0], "ledger");
    assert_string_equal(a.rest[3], "3");
    assert_int_equal(cli_load_config(&a, &cfg, &msg), K_OK);
    assert_int_equal(cfg.gateway_timeout_ms, 400); /* --set wins over the file */
    cli_free(&a);
    char prog[] = "prog", set[] = "--set", *bad[] = {prog, set, NULL};
    assert_int_equal(cli_split(2, bad, &a, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "--set needs a value"));
}

static void sample_is_valid_and_complete(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    config_write_sample(f);
    fclose(f);
    kiosk_config_t cfg;
    kmsg_t msg;
    assert_int_equal(load(text, &cfg, &msg), K_OK);
    /* every key of the dump appears, commented, in the sample */
    char *dump = NULL;
    f = open_memstream(&dump, &len);
    config_defaults(&cfg);
    config_dump(&cfg, f);
    fclose(f);
    for (char *line = strtok(dump, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '[' || !line[0])
            continue;
        char want[300];
        snprintf(want, sizeof want, ";%.*s= ", (int)(strchr(line, '=') - line), line);
        if (!strstr(text, want))
            fail_msg("sample lacks %s", want);
    }
    free(dump);
    free(text);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(defaults_are_valid),
    cmocka_unit_test_setup_teardown(empty_file_is_valid, setup, teardown),
    cmocka_unit_test_setup_teardown(file_values_are_read, setup, teardown),
    cmocka_unit_test_setup_teardown(unknown_key_names_file_line_and_suggests, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_values_name_the_key, setup, teardown),
    cmocka_unit_test_setup_teardown(syntax_errors_and_duplicates, setup, teardown),
    cmocka_unit_test(missing_file),
    cmocka_unit_test(set_overrides),
    cmocka_unit_test(cross_key_rules),
    cmocka_unit_test_setup_teardown(cli_order_file_then_sets, setup, teardown),
    cmocka_unit_test_setup_teardown(sample_is_valid_and_complete, setup, teardown),
};

KTEST_MAIN(tests)
