#include "backoffice/notify/bo_ch_smtp.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/base/bo_secret.h"
#include "backoffice/notify/bo_mail_format.h"

typedef struct smtp_ch {
    bo_smtp_config_t cfg;
    char password[256];
} smtp_ch_t;

/* The SMTP step a conversation had reached, from the commands libcurl sent:
 * which step failed decides between RETRY and REJECTED. */
typedef enum smtp_step {
    STEP_GREETING, /* connecting, TLS on smtps://, the server's greeting */
    STEP_EHLO,
    STEP_STARTTLS,
    STEP_AUTH,
    STEP_MAIL,
    STEP_RCPT,
    STEP_DATA,
    STEP_BODY, /* the message sent, its final answer awaited */
    STEP_COUNT
} smtp_step_t;

static const char *const step_names[STEP_COUNT] = {
    [STEP_GREETING] = "the greeting", [STEP_EHLO] = "EHLO", [STEP_STARTTLS] = "STARTTLS",
    [STEP_AUTH] = "AUTH",             [STEP_MAIL] = "MAIL FROM", [STEP_RCPT] = "RCPT TO",
    [STEP_DATA] = "DATA",             [STEP_BODY] = "the end of the message",
};

/* The command verbs that start a step (HELO is EHLO's fallback). QUIT is
 * none: libcurl sends it after a failure, which belongs to the step before. */
static const struct {
    const char *verb;
    smtp_step_t step;
} verbs[] = {{"EHLO", STEP_EHLO}, {"HELO", STEP_EHLO}, {"STARTTLS", STEP_STARTTLS}, {"AUTH", STEP_AUTH},
             {"MAIL", STEP_MAIL}, {"RCPT", STEP_RCPT}, {"DATA", STEP_DATA}};

/* libcurl's trace: only the first word of each command is looked at (an
 * AUTH line holds the credentials: it is neither kept nor logged). */
static int on_trace(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
    (void)h;
    smtp_step_t *step = arg;
    if (type == CURLINFO_DATA_OUT && *step == STEP_DATA)
        *step = STEP_BODY;
    if (type != CURLINFO_HEADER_OUT)
        return 0;
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t n = strlen(verbs[i].verb);
        if (size >= n && strncmp(data, verbs[i].verb, n) == 0 && (size == n || data[n] == ' ' || data[n] == '\r'))
            *step = verbs[i].step;
    }
    return 0;
}

typedef struct upload {
    const char *p;
    size_t left;
} upload_t;

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
    upload_t *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->p, k);
    u->p += k, u->left -= k;
    return k;
}

/* The outcome of a conversation that ended with rc at step, the server's
 * last reply code being code. Only a permanent refusal of the recipient or
 * of the message itself is REJECTED: anything else (the connection, TLS,
 * the login, the server's own trouble, our sender refused) is the
 * channel's problem and is tried again later. */
static bo_send_outcome_t decide(CURLcode rc, smtp_step_t step, long code)
{
    if (rc == CURLE_OK)
        return BO_SEND_OK;
    if (code >= 500 && code < 600 && (step == STEP_RCPT || step == STEP_DATA || step == STEP_BODY))
        return BO_SEND_REJECTED;
    return BO_SEND_RETRY;
}

/* msg for a failed conversation; libcurl's own text only before MAIL FROM
 * (after it, it could quote the recipient). */
static void describe(kmsg_t *msg, bo_send_outcome_t out, CURLcode rc, smtp_step_t step, long code, const char *to,
                     const char *errbuf)
{
    char masked[96];
    bo_mail_mask(to, masked, sizeof masked);
    if (out == BO_SEND_REJECTED)
        kmsg_set(msg, K_EDENIED, "the SMTP server refused %s for good at %s (%ld)",
                 step == STEP_RCPT ? masked : "the message", step_names[step], code);
    else if (step == STEP_AUTH && code >= 500)
        kmsg_set(msg, K_EDENIED, "the SMTP server refused the login (%ld): check [email] user and password_file",
                 code);
    else if (code >= 400)
        kmsg_set(msg, K_EBUSY, "the SMTP server answered %ld at %s (to %s): try again later", code,
                 step_names[step], masked);
    else
        kmsg_set(msg, rc == CURLE_OPERATION_TIMEDOUT ? K_ETIMEOUT : K_EIO, "SMTP failed at %s: %s%s%s",
                 step_names[step], curl_easy_strerror(rc), step < STEP_MAIL && *errbuf ? ": " : "",
                 step < STEP_MAIL ? errbuf : "");
}

static void set_options(CURL *h, const smtp_ch_t *c, struct curl_slist *rcpt, upload_t *u, char *errbuf,
                        smtp_step_t *step, char *from)
{
    curl_easy_setopt(h, CURLOPT_URL, c->cfg.url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->cfg.ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg.ca_file);
    if (c->cfg.user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->cfg.user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->left);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->cfg.timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(c->cfg.timeout_s < 10 ? c->cfg.timeout_s : 10));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_trace);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, step);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* to on_trace alone: nothing is printed */
}

/* One conversation handing mail (built) to the server. */
static bo_send_outcome_t converse(const smtp_ch_t *c, const char *to, const bo_mail_buf_t *mail, kmsg_t *msg)
{
    char from[300], rcpt_line[300], errbuf[CURL_ERROR_SIZE] = "";
    smtp_step_t step = STEP_GREETING;
    long code = 0;
    upload_t u = {mail->data, mail->len};
    snprintf(from, sizeof from, "<%s>", c->cfg.from);
    snprintf(rcpt_line, sizeof rcpt_line, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_line);
    CURL *h = curl_easy_init();
    if (!h || !rcpt) {
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(h);
        kmsg_set(msg, K_EIO, "cannot start an SMTP conversation (out of memory)");
        return BO_SEND_RETRY;
    }
    set_options(h, c, rcpt, &u, errbuf, &step, from);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    curl_slist_free_all(rcpt);
    bo_send_outcome_t out = decide(rc, step, code);
    if (out != BO_SEND_OK)
        describe(msg, out, rc, step, code, to, errbuf);
    return out;
}

static bo_send_outcome_t smtp_send(void *ctx, const bo_notice_msg_t *m, char provider_id[72], kmsg_t *msg)
{
    const smtp_ch_t *c = ctx;
    bo_mail_t mail = {.from = c->cfg.from, .from_name = c->cfg.from_name, .to = m->to, .subject = m->subject,
                      .text = m->text, .key = m->key, .lang = m->lang, .date_ms = bo_clock_wall_ms()};
    bo_mail_buf_t built;
    provider_id[0] = '\0';
    kerr_t rc = bo_mail_format(&mail, &built, msg);
    if (rc)
        return rc == K_EIO ? BO_SEND_RETRY : BO_SEND_REJECTED;
    bo_send_outcome_t out = converse(c, m->to, &built, msg);
    bo_mail_buf_free(&built);
    if (out == BO_SEND_OK && bo_mail_message_id(m->key, c->cfg.from, provider_id, 72, NULL) != K_OK)
        provider_id[0] = '\0'; /* the id does not fit: the outbox records "" */
    return out;
}

static int smtp_reports(void *ctx, bo_report_cb fn, void *arg)
{
    (void)ctx, (void)fn, (void)arg;
    return 0; /* e-mail has no delivery reports */
}

static void smtp_close(void *ctx)
{
    smtp_ch_t *c = ctx;
    sodium_memzero(c->password, sizeof c->password);
    free(c);
    curl_global_cleanup();
}

static const bo_channel_ops_t smtp_ops = {
    .kind = BO_CH_EMAIL, .send = smtp_send, .reports = smtp_reports, .close = smtp_close};

static kerr_t check_config(const bo_smtp_config_t *cfg, kmsg_t *msg)
{
    if (strncmp(cfg->url, "smtp://", 7) != 0 && strncmp(cfg->url, "smtps://", 8) != 0)
        return kmsg_set(msg, K_EINVAL, "[email] server_url must start smtp:// or smtps://, not '%s'", cfg->url);
    if (!bo_mail_address_ok(cfg->from))
        return kmsg_set(msg, K_EINVAL, "[email] from must be a plain address, not '%s'", cfg->from);
    if (cfg->user[0] && !cfg->password_file[0])
        return kmsg_set(msg, K_EINVAL, "[email] user is set but password_file is not");
    FILE *f = cfg->ca_file[0] ? fopen(cfg->ca_file, "r") : NULL;
    if (cfg->ca_file[0] && !f)
        return kmsg_set(msg, K_EIO, "[email] ca_file %s cannot be read", cfg->ca_file);
    if (f)
        fclose(f);
    return K_OK;
}

kerr_t bo_ch_smtp_open(const bo_smtp_config_t *cfg, bo_channel_t *out, kmsg_t *msg)
{
    kerr_t rc = check_config(cfg, msg);
    if (rc)
        return rc;
    smtp_ch_t *c = calloc(1, sizeof *c);
    if (!c)
        return kmsg_set(msg, K_EIO, "out of memory opening the e-mail channel");
    c->cfg = *cfg;
    if (cfg->user[0] && (rc = bo_secret_file_read("[email] password_file", cfg->password_file, c->password,
                                                        sizeof c->password, msg)) != K_OK) {
        free(c);
        return rc;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sodium_memzero(c->password, sizeof c->password);
        free(c);
        return kmsg_set(msg, K_EIO, "libcurl cannot start");
    }
    *out = (bo_channel_t){&smtp_ops, c};
    return K_OK;
}
