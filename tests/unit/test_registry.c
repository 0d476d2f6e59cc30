/* The meter registry file: good lines, and every bad one named by line. */
#include "ktest.h"
#include "support/support.h"

#include "engine/registry.h"

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

static kerr_t load(const char *text, registry_t *reg, kmsg_t *msg)
{
    char path[600];
    assert_true(file_write(dir, "meters.csv", text));
    snprintf(path, sizeof path, "%s/meters.csv", dir);
    msg->text[0] = '\0';
    return registry_load(path, reg, msg);
}

static void good_file(void **state)
{
    (void)state;
    registry_t reg;
    kmsg_t msg;
    assert_int_equal(load("meter,customer,protocol,gateway\n"
                          "000012345678,100000000001,dlt645,\n"
                          "# a comment\n\n"
                          "000012345679,100000000002,modbus,10.0.0.5:502/17\r\n"
                          "000012345680,100000000003,dlt645,gw.local:8645\n",
                          &reg, &msg),
                     K_OK);
    assert_true(reg.loaded);
    assert_int_equal(reg.n, 3);
    const registry_entry_t *e = registry_find(&reg, "000012345679");
    assert_non_null(e);
    assert_string_equal(e->customer, "100000000002");
    assert_int_equal(e->protocol, REGISTRY_MODBUS);
    assert_string_equal(e->gateway, "10.0.0.5:502");
    assert_int_equal(e->unit, 17);
    e = registry_find(&reg, "000012345678");
    assert_string_equal(e->gateway, "");
    assert_int_equal(e->unit, 1);
    assert_null(registry_find(&reg, "999999999999"));
    registry_free(&reg);
    assert_int_equal(reg.n, 0);
}

static void expect(const char *text, const char *want)
{
    registry_t reg;
    kmsg_t msg;
    if (load(text, &reg, &msg) == K_OK)
        fail_msg("accepted: %s", text);
    if (!strstr(msg.text, want))
        fail_msg("'%s' lacks '%s'", msg.text, want);
    assert_int_equal(reg.n, 0);
    assert_false(reg.loaded);
}

static void bad_lines_are_named(void **state)
{
    (void)state;
    expect("meter,customer\n", "meters.csv:1: the first line must be meter,customer,protocol,gateway");
    expect("", "meters.csv:1: the first line must be");
    const char *h = "meter,customer,protocol,gateway\n";
    char buf[300];
    snprintf(buf, sizeof buf, "%s000012345678,100000000001,dlt645\n", h);
    expect(buf, "meters.csv:2: expected 4 fields");
    snprintf(buf, sizeof buf, "%s000012345678,100000000001,dlt645,,extra\n", h);
    expect(buf, "meters.csv:2: expected 4 fields");
    snprintf(buf, sizeof buf, "%s12345678,100000000001,dlt645,\n", h);
    expect(buf, "meters.csv:2: meter '12345678' must be 12 digits");
    snprintf(buf, sizeof buf, "%s000012345678,1000000000x1,dlt645,\n", h);
    expect(buf, "customer '1000000000x1' must be 12 digits");
    snprintf(buf, sizeof buf, "%s000012345678,100000000001,iec62056,\n", h);
    expect(buf, "protocol 'iec62056' must be dlt645 or modbus");
    snprintf(buf, sizeof buf, "%s000012345678,100000000001,modbus,10.0.0.5:502/300\n", h);
    expect(buf, "gateway '10.0.0.5:502/300' must be empty, host:port or host:port/unit (1..247)");
    snprintf(buf, sizeof buf, "%s000012345678,100000000001,dlt645,nohost\n", h);
    expect(buf, "gateway 'nohost'");
    snprintf(buf, sizeof buf, "%s000012345678,100000000001,dlt645,\n\n000012345678,100000000002,dlt645,\n", h);
    expect(buf, "meters.csv:4: meter 000012345678 is listed twice");
    registry_t reg;
    kmsg_t msg;
    msg.text[0] = '\0';
    assert_int_equal(registry_load("/nonexistent/meters.csv", &reg, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "cannot read the meter registry"));
}

/* The back office's registry document: per meter its account, status,
 * whether it may be sold to and whether its first purchase may be zero. */
static void signed_document_lookup(void **state)
{
    (void)state;
    const char *body =
        "{\"meters\":[{\"meter\":\"000012345678\",\"customer\":\"C1\",\"account\":\"A1\",\"status\":\"open\","
        "\"sellable\":true,\"first_purchase_zero_ok\":true},"
        "{\"meter\":\"000012345679\",\"account\":\"A2\",\"status\":\"closed\",\"sellable\":false,"
        "\"first_purchase_zero_ok\":false},"
        "{\"meter\":\"000012345680\",\"account\":\"\",\"status\":\"removed\",\"sellable\":false},"
        "{\"meter\":\"000012345681\",\"customer\":\"C4\",\"protocol\":\"dlt645\"}]}";
    registry_status_t st;
    kmsg_t msg = {""};
    assert_int_equal(registry_doc_lookup(body, "000012345678", &st, &msg), K_OK);
    assert_true(st.listed && st.sellable && st.first_zero_ok);
    assert_string_equal(st.account, "A1");
    assert_string_equal(st.status, "open");
    assert_int_equal(registry_doc_lookup(body, "000012345679", &st, &msg), K_OK);
    assert_true(st.listed);
    assert_false(st.sellable);
    assert_false(st.first_zero_ok);
    assert_string_equal(st.status, "closed");
    assert_string_equal(st.account, "A2");
    assert_int_equal(registry_doc_lookup(body, "000012345680", &st, &msg), K_OK);
    assert_false(st.sellable);
    assert_string_equal(st.status, "removed");
    /* a document from before accounts: every meter may be sold to */
    assert_int_equal(registry_doc_lookup(body, "000012345681", &st, &msg), K_OK);
    assert_true(st.listed && st.sellable);
    assert_false(st.first_zero_ok);
    assert_string_equal(st.status, "");
    assert_int_equal(registry_doc_lookup(body, "000000000001", &st, &msg), K_OK);
    assert_false(st.listed);
    assert_true(st.sellable);
    assert_int_equal(registry_doc_lookup("{\"tariffs\":[]}", "000012345678", &st, &msg), K_ECORRUPT);
    assert_non_null(strstr(msg.text, "no list of meters"));
    assert_int_equal(registry_doc_lookup("not json", "000012345678", &st, &msg), K_ECORRUPT);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(good_file, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_lines_are_named, setup, teardown),
    cmocka_unit_test(signed_document_lookup),
};

KTEST_MAIN(tests)
