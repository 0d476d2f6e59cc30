#include "backoffice/notify/bo_mail_format.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORD_BYTES 36  /* UTF-8 bytes per encoded word: 48 base64 chars, 60 with =?UTF-8?B? ?= */
#define BODY_LINE 76   /* base64 characters per body line (RFC 2045) */
#define PLAIN_LINE 78  /* a header kept as plain ASCII fits one such line */
#define KEY_MAX 128

static void put(bo_mail_buf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d, b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void puts_(bo_mail_buf_t *b, const char *s) { put(b, s, strlen(s)); }

void bo_mail_buf_free(bo_mail_buf_t *b)
{
    free(b->data);
    *b = (bo_mail_buf_t){0};
}

/* The length of the UTF-8 sequence at s (n bytes left), 0 if malformed. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : s[0] >= 0xE0 && s[0] < 0xF0 ? 3
               : s[0] >= 0xF0 && s[0] < 0xF5                     ? 4
                                                                 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90) ||
        (s[0] == 0xED && s[1] >= 0xA0))
        return 0; /* overlong, beyond U+10FFFF, or a surrogate */
    return len;
}

/* True if s is UTF-8 with no control character (a header field's text). */
static bool header_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (l == 0 || (l == 1 && (p[i] < 0x20 || p[i] == 0x7F)))
            return false;
        i += l;
    }
    return true;
}

static bool plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            return false;
    return strstr(s, "=?") == NULL;
}

static void put_base64(bo_mail_buf_t *b, const unsigned char *s, size_t n)
{
    char tmp[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(tmp, sizeof tmp, s, n, sodium_base64_VARIANT_ORIGINAL);
    puts_(b, tmp);
}

/* Writes s as RFC 2047 encoded words of at most WORD_BYTES bytes each, cut
 * between characters, one a line: every line after the first is folded
 * (CRLF and a space). s is valid UTF-8 (header_text_ok). */
static void put_words(bo_mail_buf_t *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t w = 0;
        while (i + w < n) {
            size_t l = utf8_seq(p + i + w, n - i - w);
            if (w + l > WORD_BYTES)
                break;
            w += l;
        }
        puts_(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        put_base64(b, p + i, w);
        puts_(b, "?=");
        i += w;
    }
}

/* "From: " with the display name (a quoted string, or encoded words). */
static void put_from(bo_mail_buf_t *b, const char *name, const char *addr)
{
    puts_(b, "From: ");
    if (name && *name && plain_ascii(name)) {
        puts_(b, "\"");
        for (const char *p = name; *p; p++) {
            if (*p == '"' || *p == '\\')
                puts_(b, "\\");
            put(b, p, 1);
        }
        puts_(b, "\" ");
    } else if (name && *name) {
        put_words(b, name);
        puts_(b, " ");
    }
    puts_(b, "<");
    puts_(b, addr);
    puts_(b, ">\r\n");
}

static void put_subject(bo_mail_buf_t *b, const char *subject)
{
    puts_(b, "Subject: ");
    if (plain_ascii(subject) && strlen("Subject: ") + strlen(subject) <= PLAIN_LINE)
        puts_(b, subject);
    else
        put_words(b, subject);
    puts_(b, "\r\n");
}

/* RFC 5322 date-time in UTC: "Tue, 05 May 2026 08:30:00 +0000". */
static void put_date(bo_mail_buf_t *b, int64_t ms)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char line[64];
    gmtime_r(&t, &tm);
    snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    puts_(b, line);
}

/* The body: text with its line ends made CRLF, in base64 lines of 76. */
static void put_body(bo_mail_buf_t *b, const char *text)
{
    bo_mail_buf_t crlf = {0};
    for (const char *p = text; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue; /* the LF that follows writes the CRLF */
        put(&crlf, *p == '\n' || *p == '\r' ? "\r\n" : p, *p == '\n' || *p == '\r' ? 2 : 1);
    }
    size_t n64 = sodium_base64_ENCODED_LEN(crlf.len, sodium_base64_VARIANT_ORIGINAL);
    char *enc = crlf.failed ? NULL : malloc(n64);
    if (!enc) {
        b->failed = true;
        bo_mail_buf_free(&crlf);
        return;
    }
    sodium_bin2base64(enc, n64, (const unsigned char *)(crlf.data ? crlf.data : ""), crlf.len,
                      sodium_base64_VARIANT_ORIGINAL);
    for (size_t i = 0, n = strlen(enc); i < n; i += BODY_LINE) {
        put(b, enc + i, n - i < BODY_LINE ? n - i : BODY_LINE);
        puts_(b, "\r\n");
    }
    free(enc);
    bo_mail_buf_free(&crlf);
}

static bool valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, l; i < n; i += l)
        if ((l = utf8_seq((const unsigned char *)s + i, n - i)) == 0)
            return false;
    return true;
}

bool bo_mail_address_ok(const char *a)
{
    const char *at = strchr(a, '@');
    size_t n = strlen(a);
    if (!at || at == a || strchr(at + 1, '@') || !at[1] || n > 254 || at[1] == '.' || a[n - 1] == '.' ||
        strstr(at, ".."))
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= 0x20 || *p >= 0x7F || strchr("<>()[],;:\\\"", *p))
            return false;
    return true;
}

void bo_mail_mask(const char *addr, char *out, size_t len)
{
    const char *at = addr ? strchr(addr, '@') : NULL;
    if (!at || at == addr || (unsigned char)addr[0] >= 0x80)
        snprintf(out, len, "***%s", at ? at : "");
    else
        snprintf(out, len, "%c***%s", addr[0], at);
}

kerr_t bo_mail_message_id(const char *key, const char *from, char *out, size_t len, kmsg_t *msg)
{
    const char *at = from ? strchr(from, '@') : NULL;
    if (!key || !*key || strlen(key) > KEY_MAX || strpbrk(key, "\r\n"))
        return kmsg_set(msg, K_EINVAL, "the notice's key is empty, longer than %d bytes or holds a line break",
                        KEY_MAX);
    if (!at)
        return kmsg_set(msg, K_EINVAL, "the sender's address has no domain for the Message-ID");
    bo_mail_buf_t b = {0};
    puts_(&b, "<");
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        char esc[4];
        bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    *p == '-' || *p == '_';
        snprintf(esc, sizeof esc, keep ? "%c" : "=%02X", *p);
        puts_(&b, esc);
    }
    puts_(&b, at);
    puts_(&b, ">");
    kerr_t rc = b.failed || b.len >= len ? kmsg_set(msg, K_EINVAL, "the Message-ID would be too long") : K_OK;
    if (rc == K_OK)
        memcpy(out, b.data, b.len + 1);
    bo_mail_buf_free(&b);
    return rc;
}

/* Refuses what cannot go into a header: a line break anywhere, a malformed
 * address, text that is not UTF-8. */
static kerr_t check(const bo_mail_t *m, kmsg_t *msg)
{
    char masked[96];
    bo_mail_mask(m->to, masked, sizeof masked);
    if (!m->from || !bo_mail_address_ok(m->from))
        return kmsg_set(msg, K_EINVAL, "the sender's address (from) is not a plain address");
    if (!m->to || !bo_mail_address_ok(m->to))
        return kmsg_set(msg, K_EINVAL, "the recipient's address %s is not a plain address", masked);
    if (m->from_name && !header_text_ok(m->from_name))
        return kmsg_set(msg, K_EINVAL, "the sender's name holds a line break, a control character or bad UTF-8");
    if (!m->subject || !header_text_ok(m->subject))
        return kmsg_set(msg, K_EINVAL, "the subject holds a line break, a control character or bad UTF-8");
    if (!m->text || !valid_utf8(m->text))
        return kmsg_set(msg, K_EINVAL, "the text is not UTF-8");
    if (m->lang && strpbrk(m->lang, "\r\n"))
        return kmsg_set(msg, K_EINVAL, "the language holds a line break");
    return K_OK;
}

/* "zh_CN" -> "zh-CN" for Content-Language; NULL for anything unknown. */
static const char *content_language(const char *lang)
{
    static const char *const map[][2] = {{"zh_CN", "zh-CN"}, {"en", "en"}};
    for (size_t i = 0; lang && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(lang, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

kerr_t bo_mail_format(const bo_mail_t *m, bo_mail_buf_t *out, kmsg_t *msg)
{
    char id[KEY_MAX * 3 + 260];
    *out = (bo_mail_buf_t){0};
    kerr_t rc = check(m, msg);
    if (rc == K_OK)
        rc = bo_mail_message_id(m->key, m->from, id, sizeof id, msg);
    if (rc)
        return rc;
    put_date(out, m->date_ms);
    put_from(out, m->from_name, m->from);
    puts_(out, "To: <");
    puts_(out, m->to);
    puts_(out, ">\r\n");
    put_subject(out, m->subject);
    puts_(out, "Message-ID: ");
    puts_(out, id);
    puts_(out, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n");
    const char *cl = content_language(m->lang);
    if (cl) {
        puts_(out, "Content-Language: ");
        puts_(out, cl);
        puts_(out, "\r\n");
    }
    puts_(out, "Auto-Submitted: auto-generated\r\n\r\n");
    put_body(out, m->text);
    if (out->failed) {
        bo_mail_buf_free(out);
        return kmsg_set(msg, K_EIO, "out of memory building the message");
    }
    return K_OK;
}
