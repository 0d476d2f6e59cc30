/* The SMS channel's SMPP 3.4 codec and text work against the examples of
 * docs/protocols/smpp.md, byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gateway/hex.h"
#include "ktest.h"

#include "backoffice/notify/bo_smpp_pdu.h"
#include "backoffice/notify/bo_smpp_text.h"

static void assert_bytes(const uint8_t *got, size_t n, const char *hex)
{
    uint8_t want[BO_SMPP_MAX_PDU];
    size_t k = hex_bytes(hex, want, sizeof want);
    assert_int_equal(n, k);
    assert_memory_equal(got, want, k);
}

static void bind_transceiver_example(void **state)
{
    (void)state;
    uint8_t out[64];
    bo_smpp_bind_t b = {true, "kiosk", "secret", ""};
    size_t n = bo_smpp_encode_bind(&b, 1, out, sizeof out);
    assert_bytes(out, n,
                 "00000022 00000009 00000000 00000001" /* header */
                 " 6B696F736B00 73656372657400 00"     /* system_id, password, system_type */
                 " 34 00 00 00");                       /* interface_version, ton, npi, address_range */
    b.transceiver = false;
    n = bo_smpp_encode_bind(&b, 1, out, sizeof out);
    assert_int_equal(out[7], 0x02);
    b.system_id = "sixteen-chars-xx"; /* 16 characters: one too many */
    assert_int_equal(bo_smpp_encode_bind(&b, 1, out, sizeof out), 0);
    assert_int_equal(bo_smpp_encode_bind(&(bo_smpp_bind_t){true, "kiosk", "secret", ""}, 1, out, 20), 0);
}

static void submit_sm_ucs2_example(void **state)
{
    (void)state;
    uint16_t u[8];
    bo_smpp_part_t parts[BO_SMPP_MAX_PARTS];
    int n = bo_smpp_utf16("你好", u, 8);
    assert_int_equal(n, 2);
    assert_int_equal(bo_smpp_split(u, 2, 0x42, parts), 1);
    bo_smpp_submit_t s = {"Utility", 5, 0, "8613812345678", 0, 1, 0x08, parts[0].sm, parts[0].len};
    uint8_t out[128];
    size_t len = bo_smpp_encode_submit(&s, 3, out, sizeof out);
    assert_bytes(out, len,
                 "00000039 00000004 00000000 00000003" /* header: 57 octets, submit_sm, seq 3 */
                 " 00 05 00 5574696C69747900"           /* service_type, source ton 5 npi 0 "Utility" */
                 " 01 01 3836313338313233343536373800"  /* dest ton 1 npi 1 "8613812345678" */
                 " 00 00 00 00 00"                      /* esm_class, protocol_id, priority, schedule, validity */
                 " 01 00 08 00"                         /* registered_delivery, replace, data_coding UCS-2, default id */
                 " 04 4F60597D");                       /* sm_length, "你好" */
}

static void header_only_pdus(void **state)
{
    (void)state;
    uint8_t out[16];
    assert_bytes(out, bo_smpp_encode_empty(BO_SMPP_ENQUIRE_LINK, 0, 2, out, sizeof out),
                 "00000010 00000015 00000000 00000002");
    assert_bytes(out, bo_smpp_encode_empty(BO_SMPP_GENERIC_NACK, BO_SMPP_RINVCMDID, 9, out, sizeof out),
                 "00000010 80000000 00000003 00000009");
    assert_int_equal(bo_smpp_encode_empty(BO_SMPP_UNBIND, 0, 1, out, 15), 0);
}

static void frames_and_resp(void **state)
{
    (void)state;
    uint8_t p[64];
    bo_smpp_header_t h;
    size_t n = hex_bytes("00000015 80000004 00000000 00000003 3130303100", p, sizeof p);
    assert_int_equal(bo_smpp_frame(p, 3, &h), BO_SMPP_MORE);
    assert_int_equal(bo_smpp_frame(p, n - 1, &h), BO_SMPP_MORE);
    assert_int_equal(bo_smpp_frame(p, n, &h), BO_SMPP_WHOLE);
    assert_int_equal(h.len, 21);
    assert_int_equal(h.cmd, 0x80000004u);
    assert_int_equal(h.seq, 3);
    char id[66];
    assert_true(bo_smpp_decode_resp_id(p, n, id, sizeof id));
    assert_string_equal(id, "1001");
    p[n - 1] = 'x'; /* no terminator */
    assert_false(bo_smpp_decode_resp_id(p, n, id, sizeof id));
    assert_true(bo_smpp_decode_resp_id(p, 16, id, sizeof id)); /* an error answer without a body */
    assert_string_equal(id, "");
    hex_bytes("0000000F", p, 4);
    assert_int_equal(bo_smpp_frame(p, 16, &h), BO_SMPP_BAD);
    hex_bytes("00100001", p, 4);
    assert_int_equal(bo_smpp_frame(p, 16, &h), BO_SMPP_BAD);
}

static const char receipt_hex[] =
    "000000A3 00000005 00000000 00000007"    /* deliver_sm, 163 octets, seq 7 */
    " 00 01 01 3836313338313233343536373800" /* service_type, source 1/1 "8613812345678" */
    " 05 00 5574696C69747900"                /* dest 5/0 "Utility" */
    " 04 00 00 00 00 00 00 00 00"            /* esm_class 0x04 (a receipt), the rest empty or 0 */
    " 60"                                    /* sm_length 96: "id:1001 sub:001 ... stat:DELIVRD err:000 text:" */
    " 69643A31303031207375623A30303120646C7672643A303031207375626D697420646174653A3236313230373132"
    "303020646F6E6520646174653A3236313230373132303120737461743A44454C49565244206572723A303030207465"
    "78743A"
    " 001E 0005 3130303100" /* receipted_message_id "1001" */
    " 0427 0001 02";        /* message_state 2: DELIVERED */

static void deliver_sm_receipt(void **state)
{
    (void)state;
    uint8_t p[256];
    size_t n = hex_bytes(receipt_hex, p, sizeof p);
    assert_int_equal(n, 0xA3);
    bo_smpp_deliver_t d;
    assert_true(bo_smpp_decode_deliver(p, n, &d));
    assert_string_equal(d.source, "8613812345678");
    assert_int_equal(d.source_off, 19);
    assert_int_equal(d.esm_class, 0x04);
    assert_int_equal(d.sm_len, 96);
    assert_string_equal(d.receipted_id, "1001");
    assert_int_equal(d.message_state, 2);
    assert_string_equal(bo_smpp_state_word(d.message_state), "DELIVRD");
    char id[66], stat[24];
    assert_true(bo_smpp_receipt_parse((const char *)d.sm, d.sm_len, id, sizeof id, stat, sizeof stat));
    assert_string_equal(id, "1001");
    assert_string_equal(stat, "DELIVRD");
    /* Cut anywhere: only where the mandatory fields or a whole TLV end does it still decode. */
    for (size_t cut = 16; cut < n; cut++)
        assert_int_equal(bo_smpp_decode_deliver(p, cut, &d), cut == 149 || cut == 158);
}

static void receipt_texts(void **state)
{
    (void)state;
    const char *t = "id:7F3A sub:001 dlvrd:000 submit date:2612071200 done date:2612071230 stat:UNDELIV err:005 text:";
    char id[66], stat[24];
    assert_true(bo_smpp_receipt_parse(t, strlen(t), id, sizeof id, stat, sizeof stat));
    assert_string_equal(id, "7F3A");
    assert_string_equal(stat, "UNDELIV");
    const char *no_stat = "id:7F3A sub:001 dlvrd:000";
    assert_false(bo_smpp_receipt_parse(no_stat, strlen(no_stat), id, sizeof id, stat, sizeof stat));
    const char *inside = "xid:1 stat:DELIVRD"; /* "id:" only at a word's start */
    assert_false(bo_smpp_receipt_parse(inside, strlen(inside), id, sizeof id, stat, sizeof stat));
    assert_null(bo_smpp_state_word(9));
    assert_string_equal(bo_smpp_state_word(5), "UNDELIV");
}

static void long_chinese_in_three_parts(void **state)
{
    (void)state;
    char text[600] = "";
    for (int i = 0; i < 150; i++)
        strcat(text, i % 2 ? "电" : "费");
    uint16_t u[BO_SMPP_MAX_UNITS];
    bo_smpp_part_t parts[BO_SMPP_MAX_PARTS];
    int n = bo_smpp_utf16(text, u, BO_SMPP_MAX_UNITS);
    assert_int_equal(n, 150);
    assert_int_equal(bo_smpp_split(u, (size_t)n, 0x2A, parts), 3);
    assert_int_equal(parts[0].len, 6 + 134);
    assert_int_equal(parts[1].len, 6 + 134);
    assert_int_equal(parts[2].len, 6 + 32);
    assert_bytes(parts[0].sm, 8, "050003 2A 03 01 8D39"); /* UDH, then 费 U+8D39 */
    assert_bytes(parts[2].sm, 6, "050003 2A 03 03");
    assert_int_equal(bo_smpp_split(u, 70, 1, parts), 1); /* 70 fit in one, without a UDH */
    assert_int_equal(parts[0].len, 140);
    assert_int_equal(bo_smpp_split(u, 71, 1, parts), 2);
    assert_int_equal(bo_smpp_split(u, 0, 1, parts), 0);
}

static void surrogates_stay_together(void **state)
{
    (void)state;
    char text[400] = "";
    for (int i = 0; i < 66; i++)
        strcat(text, "a");
    strcat(text, "\xF0\x9F\x92\xA1"); /* U+1F4A1: units 66 and 67 */
    for (int i = 0; i < 10; i++)
        strcat(text, "b");
    uint16_t u[BO_SMPP_MAX_UNITS];
    bo_smpp_part_t parts[BO_SMPP_MAX_PARTS];
    int n = bo_smpp_utf16(text, u, BO_SMPP_MAX_UNITS);
    assert_int_equal(n, 78);
    assert_int_equal(u[66], 0xD83D);
    assert_int_equal(u[67], 0xDCA1);
    assert_int_equal(bo_smpp_split(u, (size_t)n, 7, parts), 2);
    assert_int_equal(parts[0].len, 6 + 2 * 66);
    assert_bytes(parts[1].sm, 10, "050003 07 02 02 D83D DCA1");
}

static void bad_utf8_and_too_long(void **state)
{
    (void)state;
    uint16_t u[BO_SMPP_MAX_UNITS];
    assert_int_equal(bo_smpp_utf16("\xC0\xAF", u, 8), -1);          /* overlong "/" */
    assert_int_equal(bo_smpp_utf16("\xED\xA0\x80", u, 8), -1);      /* a surrogate */
    assert_int_equal(bo_smpp_utf16("\xE4\xBD", u, 8), -1);          /* cut short */
    assert_int_equal(bo_smpp_utf16("\xF4\x90\x80\x80", u, 8), -1);  /* above U+10FFFF */
    assert_int_equal(bo_smpp_utf16("abcdefghi", u, 8), -1);         /* too many units */
    bo_smpp_part_t parts[BO_SMPP_MAX_PARTS];
    for (int i = 0; i < BO_SMPP_MAX_UNITS; i++)
        u[i] = 'x';
    assert_int_equal(bo_smpp_split(u, BO_SMPP_MAX_UNITS, 1, parts), BO_SMPP_MAX_PARTS);
}

static void status_verdicts(void **state)
{
    (void)state;
    assert_int_equal(bo_smpp_status_verdict(0), BO_SMPP_V_OK);
    assert_int_equal(bo_smpp_status_verdict(0x0B), BO_SMPP_V_PERMANENT);
    assert_int_equal(bo_smpp_status_verdict(0x58), BO_SMPP_V_THROTTLED);
    assert_int_equal(bo_smpp_status_verdict(0x14), BO_SMPP_V_TEMPORARY);
    assert_int_equal(bo_smpp_status_verdict(0x0400), BO_SMPP_V_TEMPORARY); /* vendor-specific */
    assert_string_equal(bo_smpp_status_name(0x0B), "ESME_RINVDSTADR");
    assert_string_equal(bo_smpp_cmd_name(0x80000009u), "bind_transceiver_resp");
}

static void numbers_masked(void **state)
{
    (void)state;
    char out[32];
    bo_smpp_mask("13812345678", out, sizeof out);
    assert_string_equal(out, "138****5678");
    bo_smpp_mask("8613812345678", out, sizeof out);
    assert_string_equal(out, "861******5678");
    bo_smpp_mask("12345", out, sizeof out);
    assert_string_equal(out, "***45");
    bo_smpp_mask("13812345678", out, 5);
    assert_string_equal(out, "138*");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(bind_transceiver_example),    cmocka_unit_test(submit_sm_ucs2_example),
    cmocka_unit_test(header_only_pdus),            cmocka_unit_test(frames_and_resp),
    cmocka_unit_test(deliver_sm_receipt),          cmocka_unit_test(receipt_texts),
    cmocka_unit_test(long_chinese_in_three_parts), cmocka_unit_test(surrogates_stay_together),
    cmocka_unit_test(bad_utf8_and_too_long),       cmocka_unit_test(status_verdicts),
    cmocka_unit_test(numbers_masked),
};

KTEST_MAIN(tests)
