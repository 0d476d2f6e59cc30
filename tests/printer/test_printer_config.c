/* The [printer] section: its typos caught by the configuration with a
 * suggestion, and what site_printer_open says when the printer it names cannot
 * be opened. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/printer/printer.h"
#include "ktest.h"
#include "support/support.h"
#include "kiosk/site/site_devices.h"

static void set(kiosk_config_t *cfg, const char *assignment)
{
    kmsg_t msg = {""};
    if (config_set(cfg, assignment, &msg) != K_OK)
        fail_msg("%s", msg.text);
}

/* config_set fails with a message holding want. */
static void refused(const char *assignment, const char *want)
{
    kiosk_config_t cfg;
    kmsg_t msg = {""};
    config_defaults(&cfg);
    assert_int_equal(config_set(&cfg, assignment, &msg), K_EINVAL);
    if (!strstr(msg.text, want))
        fail_msg("'%s' says '%s', not '%s'", assignment, msg.text, want);
}

static void typos_are_named(void **state)
{
    (void)state;
    refused("printer.trasport=tcp", "did you mean 'printer.transport'?");
    refused("printer.protocl=escpos", "did you mean 'printer.protocol'?");
    refused("printer.transport=usb", "'usb' is not one of: serial tcp file");
    refused("printer.protocol=star", "'star' is not one of: none escpos");
    refused("printer.baud=9601", "'9601' is not one of: 1200 2400 4800 9600 19200 38400 57600 115200");
    refused("printer.address=printer.local", "'printer.local' is not host:port");
    refused("printer.status_timeout_ms=0", "out of range (50..60000)");
    refused("printer.timeout_ms=fast", "'fast' is not a whole number");
    refused("printer.device=", "must not be empty");
}

static void defaults_print_nothing(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    printer_t p;
    kmsg_t msg = {""};
    config_defaults(&cfg);
    assert_string_equal(cfg.printer_protocol, "none");
    assert_string_equal(cfg.printer_transport, "serial");
    assert_string_equal(cfg.printer_address, "127.0.0.1:9100");
    assert_int_equal(cfg.printer_status_timeout_ms, 1000);
    assert_int_equal(site_printer_open(&cfg, &p, &msg), K_ENOTFOUND);
    assert_null(p.ops);
    assert_non_null(strstr(msg.text, "printer.protocol = none"));
    printer_close(&p); /* a zeroed printer closes */
}

/* site_printer_open for a printer that cannot be opened: the error names it. */
static void open_fails(const char *transport_set, const char *target_set, kerr_t code, const char *want)
{
    kiosk_config_t cfg;
    printer_t p;
    kmsg_t msg = {""};
    config_defaults(&cfg);
    set(&cfg, "printer.protocol=escpos");
    set(&cfg, transport_set);
    set(&cfg, target_set);
    assert_int_equal(site_printer_open(&cfg, &p, &msg), code);
    assert_null(p.ops);
    if (!strstr(msg.text, want))
        fail_msg("says '%s', not '%s'", msg.text, want);
}

static void unopenable_printers(void **state)
{
    (void)state;
    char dir[512], line[700];
    assert_true(tmpdir_make(dir, sizeof dir));
    snprintf(line, sizeof line, "printer.device=%s/ttyNONE", dir);
    open_fails("printer.transport=serial", line, K_EIO, "(check printer.device)");
    assert_true(file_write(dir, "plain", "x"));
    snprintf(line, sizeof line, "printer.device=%s/plain", dir);
    open_fails("printer.transport=serial", line, K_EIO, "is not a serial device");
    snprintf(line, sizeof line, "printer.path=%s/no/such/folder/receipts", dir);
    open_fails("printer.transport=file", line, K_EIO, "(check printer.path)");
    tmpdir_remove(dir);
}

/* A TCP printer is only connected at first use: opening one that is off works. */
static void tcp_opens_without_the_printer(void **state)
{
    (void)state;
    kiosk_config_t cfg;
    printer_t p;
    kmsg_t msg = {""};
    config_defaults(&cfg);
    set(&cfg, "printer.protocol=escpos");
    set(&cfg, "printer.transport=tcp");
    set(&cfg, "printer.address=127.0.0.1:1");
    assert_int_equal(site_printer_open(&cfg, &p, &msg), K_OK);
    assert_string_equal(p.ops->name, "escpos");
    printer_close(&p);
    assert_null(p.ops);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(typos_are_named),
    cmocka_unit_test(defaults_print_nothing),
    cmocka_unit_test(unopenable_printers),
    cmocka_unit_test(tcp_opens_without_the_printer),
};

KTEST_MAIN(tests)
