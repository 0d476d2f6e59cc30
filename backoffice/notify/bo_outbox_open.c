/* The outbox's channels started from the settings (bo_outbox.h,
 * docs/notices.md "The channels as wired"): [sms] into the SMPP channel's
 * settings, [email] into the SMTP channel, [notices] into the webhook;
 * each at its [notices] pace. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_secret.h"
#include "backoffice/notify/bo_ch_smpp.h"
#include "backoffice/notify/bo_ch_smtp.h"
#include "backoffice/notify/bo_ch_webhook.h"
#include "backoffice/notify/bo_outbox.h"
#include "backoffice/notify/bo_sms_number.h"

/* The SMS channel as the outbox sees it: the SMPP channel, given each
 * resident's number in the form it sends (bo_sms_number). */
typedef struct sms_wrap {
    bo_channel_t inner;
} sms_wrap_t;

static bo_send_outcome_t sms_send(void *ctx, const bo_notice_msg_t *m, char provider_id[72], kmsg_t *msg)
{
    sms_wrap_t *w = ctx;
    char to[BO_SMS_NUMBER_MAX];
    if (!bo_sms_number(m->to, to, sizeof to))
        return kmsg_set(msg, K_EINVAL, "not a mobile number the SMSC can reach"), BO_SEND_REJECTED;
    bo_notice_msg_t as_sent = *m;
    as_sent.to = to;
    return w->inner.ops->send(w->inner.ctx, &as_sent, provider_id, msg);
}

static int sms_reports(void *ctx, bo_report_cb fn, void *arg)
{
    sms_wrap_t *w = ctx;
    return w->inner.ops->reports ? w->inner.ops->reports(w->inner.ctx, fn, arg) : 0;
}

static void sms_close(void *ctx)
{
    sms_wrap_t *w = ctx;
    w->inner.ops->close(w->inner.ctx);
    free(w);
}

static const bo_channel_ops_t sms_ops = {BO_CH_SMS, sms_send, sms_reports, sms_close};

/* [sms] as the SMPP channel's settings; the password read from its file
 * into pw (wiped by the caller). */
static kerr_t smpp_settings(const bo_sms_config_t *s, bo_smpp_config_t *out, char *pw, size_t pw_len, kmsg_t *msg)
{
    kerr_t rc = bo_sms_config_check(s, msg);
    if (rc == K_OK && s->password_file[0])
        rc = bo_secret_file_read("[sms] password_file", s->password_file, pw, pw_len, msg);
    bool digits = bo_sms_source_numeric(s->source);
    *out = (bo_smpp_config_t){.host = s->host, .port = (int)s->port, .system_id = s->system_id, .password = pw,
                              .system_type = s->system_type, .source = s->source,
                              .source_ton = digits ? 1 : 5, .source_npi = digits ? 1 : 0,
                              .transmitter = s->transmitter, .window = (int)s->window,
                              .timeout_ms = (int)(s->timeout_s * 1000)};
    return rc;
}

static kerr_t open_sms(bo_outbox_t *o, const bo_config_t *cfg, kmsg_t *msg)
{
    char pw[9] = "";
    bo_smpp_config_t sc;
    bo_channel_t inner;
    kerr_t rc = smpp_settings(&cfg->sms, &sc, pw, sizeof pw, msg);
    if (rc == K_OK)
        rc = bo_ch_smpp_open(&sc, &inner, msg);
    sodium_memzero(pw, sizeof pw);
    if (rc)
        return rc;
    sms_wrap_t *w = malloc(sizeof *w);
    if (!w) {
        inner.ops->close(inner.ctx);
        return kmsg_set(msg, K_EIO, "sms: out of memory");
    }
    w->inner = inner;
    bo_outbox_set_channel(o, (bo_channel_t){&sms_ops, w}, cfg->notices.per_second[BO_CH_SMS]);
    return K_OK;
}

static kerr_t open_email(bo_outbox_t *o, const bo_config_t *cfg, kmsg_t *msg)
{
    bo_channel_t ch;
    kerr_t rc = bo_ch_smtp_open(&cfg->email, &ch, msg);
    if (rc == K_OK)
        bo_outbox_set_channel(o, ch, cfg->notices.per_second[BO_CH_EMAIL]);
    return rc;
}

static kerr_t open_webhook(bo_outbox_t *o, const bo_config_t *cfg, kmsg_t *msg)
{
    const bo_notices_cfg_t *n = &cfg->notices;
    bo_channel_t ch;
    kerr_t rc = bo_ch_webhook_open(n->webhook_url, n->webhook_secret, n->webhook_timeout_s, &ch, msg);
    if (rc == K_OK)
        bo_outbox_set_channel(o, ch, n->per_second[BO_CH_WEBHOOK]);
    return rc;
}

kerr_t bo_outbox_open(bo_outbox_t *o, bo_store_t *st, const bo_config_t *cfg, bo_outbox_lock_t lock, kmsg_t *msg)
{
    const bo_notices_cfg_t *n = &cfg->notices;
    *o = (bo_outbox_t){.st = st, .lock = lock, .retry_min_ms = n->retry_min_s * 1000,
                       .retry_max_ms = n->retry_max_s * 1000, .give_up_ms = n->give_up_s * 1000,
                       .rng = (uint32_t)(uintptr_t)o ^ 0x9e3779b9u};
    kerr_t rc = K_OK;
    if (n->sms)
        rc = open_sms(o, cfg, msg);
    if (rc == K_OK && n->email)
        rc = open_email(o, cfg, msg);
    if (rc == K_OK && n->webhook)
        rc = open_webhook(o, cfg, msg);
    if (rc)
        bo_outbox_close(o);
    return rc;
}
