/* The e-mail notice's text (backoffice/notify/bo_mail_format.c,
 * docs/protocols/smtp.md): RFC 2047 subjects, the base64 body, the
 * Message-ID from the key, line breaks refused in every header field. */
#include "ktest.h"

#include <sodium.h>
#include <stdlib.h>

#include "backoffice/notify/bo_mail_format.h"

#define FROM "notices@example.com"
#define TO "alice@example.com"
#define LONG_SUBJECT "【重要提醒】您的电表账户余额已低于二十元，请尽快到自助缴费机或手机上充值，以免停电影响生活"

static bo_mail_t mail(const char *subject, const char *text)
{
    return (bo_mail_t){.from = FROM, .from_name = "物业服务中心", .to = TO, .subject = subject, .text = text,
                       .key = "low1:acct-42:2026-05-05", .lang = "zh_CN", .date_ms = 1778000000123LL};
}

static char *format_ok(const bo_mail_t *m)
{
    bo_mail_buf_t b;
    kmsg_t msg = {""};
    kerr_t rc = bo_mail_format(m, &b, &msg);
    if (rc != K_OK)
        fail_msg("refused: %s", msg.text);
    assert_int_equal(strlen(b.data), b.len);
    return b.data;
}

static char *format_of(const char *subject, const char *text)
{
    bo_mail_t m = mail(subject, text);
    return format_ok(&m);
}

/* The header named name (unfolded lines kept, CRLFs and all), malloc'd. */
static char *header(const char *message, const char *name)
{
    char start[64];
    snprintf(start, sizeof start, "\r\n%s: ", name);
    const char *p = strstr(message, start);
    if (!p && strncmp(message, start + 2, strlen(start) - 2) == 0)
        p = message - 2;
    assert_non_null(p);
    p += strlen(start);
    const char *end = p;
    while (!(end[0] == '\r' && end[1] == '\n' && end[2] != ' '))
        end++;
    char *h = calloc(1, (size_t)(end - p) + 1);
    memcpy(h, p, (size_t)(end - p));
    return h;
}

/* Decodes b64 (len chars) into out, returning the byte count. */
static size_t unbase64(const char *b64, size_t len, unsigned char *out, size_t cap)
{
    size_t got = 0;
    assert_int_equal(sodium_base642bin(out, cap, b64, len, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
    return got;
}

static void long_chinese_subject_in_encoded_words(void **state)
{
    (void)state;
    char *m = format_of(LONG_SUBJECT, "x");
    char *subj = header(m, "Subject"), decoded[1024] = "";
    int words = 0;
    for (char *line = strtok(subj, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        if (words > 0)
            assert_int_equal(line[0], ' '); /* folded */
        char *w = line + (words > 0);
        size_t n = strlen(w);
        assert_true(n <= 75);
        assert_true(strlen("Subject: ") + n <= 78);
        assert_memory_equal(w, "=?UTF-8?B?", 10);
        assert_string_equal(w + n - 2, "?=");
        unsigned char part[128];
        size_t got = unbase64(w + 10, n - 12, part, sizeof part);
        assert_true((part[0] & 0xC0) != 0x80); /* no character cut between two words */
        strncat(decoded, (char *)part, got);
        words++;
    }
    assert_true(words >= 4);
    assert_string_equal(decoded, LONG_SUBJECT);
    free(subj);
    free(m);
}

static void ascii_subject_stays_plain(void **state)
{
    (void)state;
    char *m = format_of("Low balance: 18.50 CNY left", "x");
    assert_non_null(strstr(m, "\r\nSubject: Low balance: 18.50 CNY left\r\n"));
    free(m);
    /* "=?" would read as an encoded word: such a subject is encoded */
    m = format_of("a =?b", "x");
    assert_non_null(strstr(m, "\r\nSubject: =?UTF-8?B?YSA9P2I=?=\r\n"));
    free(m);
}

static void body_base64_lines_of_76(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 60; i++)
        strcat(text, i == 30 ? "余额\n" : "电费余额");
    char *m = format_of("s", text);
    const char *body = strstr(m, "\r\n\r\n") + 4;
    char joined[8192] = "";
    int lines = 0;
    for (const char *p = body; *p; lines++) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        size_t n = (size_t)(eol - p);
        if (eol[2])
            assert_int_equal(n, 76); /* every line but the last is full */
        assert_true(n <= 76 && n > 0);
        strncat(joined, p, n);
        p = eol + 2;
    }
    assert_true(lines > 5);
    unsigned char dec[4096];
    size_t got = unbase64(joined, strlen(joined), dec, sizeof dec);
    char want[4096] = "";
    for (int i = 0; i < 60; i++)
        strcat(want, i == 30 ? "余额\r\n" : "电费余额"); /* line ends become CRLF */
    assert_int_equal(got, strlen(want));
    assert_memory_equal(dec, want, got);
    free(m);
}

static void headers_crlf_and_date(void **state)
{
    (void)state;
    char *m = format_of("余额不足", "您好");
    for (const char *p = strchr(m, '\n'); p; p = strchr(p + 1, '\n'))
        assert_int_equal(p[-1], '\r');
    assert_memory_equal(m, "Date: Tue, 05 May 2026 16:53:20 +0000\r\n", 39);
    assert_non_null(strstr(m, "\r\nFrom: =?UTF-8?B?54mp5Lia5pyN5Yqh5Lit5b+D?= <notices@example.com>\r\n"));
    assert_non_null(strstr(m, "\r\nTo: <alice@example.com>\r\n"));
    assert_non_null(strstr(m, "\r\nSubject: =?UTF-8?B?5L2Z6aKd5LiN6Laz?=\r\n"));
    assert_non_null(strstr(m, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                              "Content-Transfer-Encoding: base64\r\nContent-Language: zh-CN\r\n"));
    assert_non_null(strstr(m, "\r\n\r\n5oKo5aW9\r\n"));
    free(m);
    bo_mail_t en = mail("Low", "Hello");
    en.from_name = "Estate \"North\" Office", en.lang = "en";
    m = format_ok(&en);
    assert_non_null(strstr(m, "\r\nFrom: \"Estate \\\"North\\\" Office\" <notices@example.com>\r\n"));
    assert_non_null(strstr(m, "\r\nContent-Language: en\r\n"));
    free(m);
}

static void message_id_from_the_key(void **state)
{
    (void)state;
    char id[128], again[128];
    assert_int_equal(bo_mail_message_id("low1:acct-42:2026-05-05", FROM, id, sizeof id, NULL), K_OK);
    assert_string_equal(id, "<low1=3Aacct-42=3A2026-05-05@example.com>");
    assert_int_equal(bo_mail_message_id("low1:acct-42:2026-05-05", FROM, again, sizeof again, NULL), K_OK);
    assert_string_equal(id, again);
    assert_int_equal(bo_mail_message_id("low1:acct-42:2026-05-06", FROM, again, sizeof again, NULL), K_OK);
    assert_string_not_equal(id, again); /* another event, another id */
    char *m = format_of("s", "t");
    assert_non_null(strstr(m, "\r\nMessage-ID: <low1=3Aacct-42=3A2026-05-05@example.com>\r\n"));
    free(m);
    kmsg_t msg = {""};
    assert_int_equal(bo_mail_message_id("", FROM, id, sizeof id, &msg), K_EINVAL);
    assert_int_equal(bo_mail_message_id("k", FROM, id, 8, &msg), K_EINVAL); /* does not fit */
}

static void expect_refused(bo_mail_t m, const char *what)
{
    char junk[] = "x";
    bo_mail_buf_t b = {junk, 1, 1, false};
    kmsg_t msg = {""};
    assert_int_equal(bo_mail_format(&m, &b, &msg), K_EINVAL);
    assert_null(b.data);
    assert_non_null(strstr(msg.text, what));
    assert_null(strstr(msg.text, "alice@")); /* never the address in clear */
}

/* One field set to a bad value, and what the refusal names. */
static const struct {
    size_t field; /* offsetof a const char * in bo_mail_t */
    const char *value, *named;
} bad_fields[] = {
    {offsetof(bo_mail_t, subject), "余额不足\r\nBcc: everyone@example.com", "subject"},
    {offsetof(bo_mail_t, subject), "a\nb", "subject"},
    {offsetof(bo_mail_t, to), "alice@example.com\r\nBcc: everyone@example.com", "a***@example.com"},
    {offsetof(bo_mail_t, to), "alice@example.com>\r\n", "recipient"},
    {offsetof(bo_mail_t, from_name), "物业\r\nX-Evil: 1", "sender's name"},
    {offsetof(bo_mail_t, from), "notices@example.com\n", "from"},
    {offsetof(bo_mail_t, key), "k\r\nX-Evil: 1", "key"},
    {offsetof(bo_mail_t, lang), "en\r\nX-Evil: 1", "language"},
    {offsetof(bo_mail_t, subject), "a\tb", "subject"},       /* any control character */
    {offsetof(bo_mail_t, subject), "\xe4\xbd", "UTF-8"},     /* a character cut short */
    {offsetof(bo_mail_t, text), "\xff", "text"},
};

static void line_breaks_refused_in_every_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
        bo_mail_t m = mail("s", "t");
        memcpy((char *)&m + bad_fields[i].field, &bad_fields[i].value, sizeof(const char *));
        expect_refused(m, bad_fields[i].named);
    }
}

static void addresses_and_masks(void **state)
{
    (void)state;
    assert_true(bo_mail_address_ok("alice@example.com"));
    assert_true(bo_mail_address_ok("a.b+notices@mail.example.cn"));
    const char *bad[] = {"", "alice", "@example.com", "alice@", "a@b@c", "alice @example.com",
                         "alice@example..com", "<alice@example.com>", "alice@example.com.", "张@example.com"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (bo_mail_address_ok(bad[i]))
            fail_msg("'%s' accepted", bad[i]);
    char out[64];
    bo_mail_mask("alice@example.com", out, sizeof out);
    assert_string_equal(out, "a***@example.com");
    bo_mail_mask("nodomain", out, sizeof out);
    assert_string_equal(out, "***");
}

/* The sample of docs/protocols/smtp.md is this formatter's output, line
 * for line (the page shows it without the CRs). */
static void sample_on_the_page(void **state)
{
    (void)state;
    bo_mail_t m = {.from = "notices@estate.example.com", .from_name = "物业服务中心",
                   .to = "resident@example.com",
                   .subject = "【余额提醒】您的电费余额已低于二十元，请尽快充值以免停电",
                   .text = "尊敬的住户：\n您的电表（表号 000012345678）余额为 18.50 元，已低于 20.00 "
                           "元的提醒线。\n请到自助缴费机或在手机上充值，以免停电。",
                   .key = "low1:acct-42:2026-05-05", .lang = "zh_CN", .date_ms = 1778000000000LL};
    char *built = format_ok(&m), page[16384];
    const char *path = getenv("SMTP_DOC");
    assert_non_null(path);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(page, 1, sizeof page - 1, f);
    fclose(f);
    page[n] = '\0';
    char want[8192] = "```\n";
    for (const char *p = built; *p; p++)
        if (*p != '\r')
            strncat(want, p, 1);
    strcat(want, "```\n");
    if (!strstr(page, want))
        fail_msg("docs/protocols/smtp.md does not show the message as built:\n%s", want);
    free(built);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(sample_on_the_page),
    cmocka_unit_test(long_chinese_subject_in_encoded_words),
    cmocka_unit_test(ascii_subject_stays_plain),
    cmocka_unit_test(body_base64_lines_of_76),
    cmocka_unit_test(headers_crlf_and_date),
    cmocka_unit_test(message_id_from_the_key),
    cmocka_unit_test(line_breaks_refused_in_every_field),
    cmocka_unit_test(addresses_and_masks),
};

KTEST_MAIN(tests)
