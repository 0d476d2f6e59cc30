/* smscsim's own SMPP codec (sim/smscsim/smsc_wire.c) against the examples
 * of docs/protocols/smpp.md, read field by field. */
#include <stdio.h>
#include <string.h>

#include "gateway/hex.h"
#include "ktest.h"
#include "sim/smscsim/smsc.h"

static void submit_sm_example_read(void **state)
{
    (void)state;
    uint8_t p[128];
    size_t n = hex_bytes("00000039 00000004 00000000 00000003 00 05 00 5574696C69747900"
                     " 01 01 3836313338313233343536373800 00 00 00 00 00 01 00 08 00 04 4F60597D",
                     p, sizeof p);
    assert_int_equal(smsc_wire_need(p, n - 1), 0);
    assert_int_equal(smsc_wire_need(p, n), 57);
    smsc_pdu_t pdu;
    smsc_wire_split(p, n, &pdu);
    assert_int_equal(pdu.id, 4);
    assert_int_equal(pdu.seq, 3);
    smsc_submit_t s;
    assert_true(smsc_wire_submit(pdu.body, pdu.body_len, &s));
    assert_string_equal(s.source, "Utility");
    assert_string_equal(s.dest, "8613812345678");
    assert_int_equal(s.registered_delivery, 1);
    assert_int_equal(s.data_coding, 8);
    char text[16];
    smsc_ucs2_to_utf8(s.sm, s.sm_len, text, sizeof text);
    assert_string_equal(text, "你好");
    assert_false(smsc_wire_submit(pdu.body, pdu.body_len - 1, &s)); /* short_message cut */
    hex_bytes("0000000F", p, 4);
    assert_int_equal(smsc_wire_need(p, 16), -1);
}

static void ucs2_text(void **state)
{
    (void)state;
    const uint8_t emoji[] = {0xD8, 0x3D, 0xDC, 0xA1, 0x00, 0x41, 0xDC, 0x00};
    char out[16];
    smsc_ucs2_to_utf8(emoji, sizeof emoji, out, sizeof out);
    assert_string_equal(out, "\xF0\x9F\x92\xA1" "A\xEF\xBF\xBD"); /* U+1F4A1, A, a lone low half as U+FFFD */
    smsc_ucs2_to_utf8(emoji, sizeof emoji, out, 5);
    assert_string_equal(out, "\xF0\x9F\x92\xA1");
}

static void bind_resp_built(void **state)
{
    (void)state;
    smsc_out_t o;
    smsc_out_begin(&o, 0x80000009u, 0, 1);
    smsc_out_str(&o, "smscsim");
    assert_true(smsc_out_end(&o));
    uint8_t want[32];
    size_t n = hex_bytes("00000018 80000009 00000000 00000001 736D736373696D00", want, sizeof want);
    assert_int_equal(o.n, n);
    assert_memory_equal(o.b, want, n);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(submit_sm_example_read),
    cmocka_unit_test(ucs2_text),
    cmocka_unit_test(bind_resp_built),
};

KTEST_MAIN(tests)
