/* The QR refunds' worker (bo_qr_refund.h): the phone page's refunds are
 * recorded, then each refund due is asked of the
 * provider (pending) or its outcome queried (processing) with no lock
 * held, then what the provider answered is recorded if the refund did not
 * change meanwhile (staff may settle it). Restart-safe: a refund whose
 * answer was lost stays pending and is asked again under its same
 * number, which the provider answers with the same refund. A kiosk
 * sale's refund that succeeds tells its kiosk, in the same transaction. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_qr_refund.h"
#include "base/log.h"

#define MAX_DUE 8
#define POLL_MS 1000LL        /* the first wait; each failure or PROCESSING answer doubles it */
#define MAX_WAIT_MS 300000LL  /* up to this */
#define ALERT_AFTER 5         /* a refund failing this many times is a staff alert */

static int64_t wait_ms(int64_t attempts)
{
    int64_t w = POLL_MS;
    for (int64_t i = 1; i < attempts && w < MAX_WAIT_MS; i++)
        w *= 2;
    return w < MAX_WAIT_MS ? w : MAX_WAIT_MS;
}

static void set_state(bo_refund_rec_t *r, bo_refund_state_t s)
{
    snprintf(r->state, sizeof r->state, "%s", bo_qr_refund_state_name(s));
}

/* Raises the alert once; true if it is raised now. */
static bool alert_once(bo_refund_rec_t *r)
{
    bool now = !r->alerted;
    r->alerted = true;
    return now;
}

/* The provider's answer rc/pr (text: its message) to refund r at now: r's
 * new state and progress; true when staff are to be alerted now. */
static bool next(bo_refund_rec_t *r, kerr_t rc, const bo_prov_refund_t *pr, const char *text, int64_t now)
{
    bool asking = strcmp(r->state, "pending") == 0;
    r->attempts++;
    r->updated_at = now;
    r->next_at = now + wait_ms(r->attempts);
    if (rc == K_OK && pr->refund_no[0])
        snprintf(r->refund_ref, sizeof r->refund_ref, "%s", pr->refund_no);
    if (rc == K_OK && pr->state == BO_PROV_REFUND_SUCCESS) {
        set_state(r, BO_REFUND_SUCCEEDED);
        r->last_error[0] = '\0';
        return false;
    }
    if (rc == K_OK && pr->state == BO_PROV_REFUND_PROCESSING) {
        set_state(r, BO_REFUND_PROCESSING);
        return false;
    }
    if ((rc == K_OK && pr->state == BO_PROV_REFUND_FAILED) || (rc == K_EDENIED && asking)) {
        set_state(r, BO_REFUND_FAILED);
        snprintf(r->last_error, sizeof r->last_error, "%s", rc == K_OK ? (pr->text[0] ? pr->text : pr->code) : text);
        return alert_once(r);
    }
    snprintf(r->last_error, sizeof r->last_error, "%s", text);
    if (rc == K_ENOTFOUND) { /* never made: asked again, by the same number */
        set_state(r, BO_REFUND_PENDING);
        r->next_at = now;
        return false;
    }
    return r->attempts >= ALERT_AFTER && alert_once(r);
}

/* The provider that took kiosk sale r's order: its own, else the kiosks'
 * provider now; NULL if it is not open here (*name: its name). */
static const bo_provider_t *kiosk_prov(const bo_refund_env_t *env, const bo_refund_rec_t *r, const char **name)
{
    const char *kiosks = env->prov && env->prov->ops ? env->prov->ops->name : "sim";
    *name = r->provider[0] ? r->provider : kiosks;
    if (strcmp(*name, kiosks) == 0)
        return env->prov;
    return env->named ? env->named(env->arg, *name) : NULL;
}

/* Asks the provider that took r's payment about r: the refund itself, or
 * its outcome. *missing is set when that provider is not open here (K_EIO:
 * r stays pending). */
static kerr_t ask(const bo_refund_env_t *env, const bo_refund_rec_t *r, bo_prov_refund_t *pr, bool *missing,
                  kmsg_t *msg)
{
    bool phone = strcmp(r->source, "phone") == 0 && env->phone_prov;
    const char *name = "the phone page's provider";
    const bo_provider_t *p = phone ? env->phone_prov(env->arg, r->order) : kiosk_prov(env, r, &name);
    memset(pr, 0, sizeof *pr);
    *missing = !p || !p->ops;
    if (*missing)
        return kmsg_set(msg, K_EIO, "order %s was paid through %s, which is not configured here now: configure it "
                        "again ([qr] providers and its section) and restart the back office", r->order, name);
    if (strcmp(r->state, "pending") == 0)
        return p->ops->refund(p->ctx, r->order, r->out_refund_no, r->amount, r->total, pr, msg);
    return p->ops->refund_query(p->ctx, r->order, r->out_refund_no, pr, msg);
}

/* Records r (its stored state was `was`) with its audit row or alert, in
 * one transaction. */
static kerr_t record(bo_store_t *st, const bo_refund_rec_t *r, const char *was, bool alert, kmsg_t *msg)
{
    bool changed = false;
    char text[400];
    kerr_t rc = st->ops->begin(st->ctx, msg);
    if (rc == K_OK)
        rc = st->ops->refund->set(st->ctx, r, was, &changed, msg);
    if (rc == K_OK && changed && alert) {
        snprintf(text, sizeof text, "the refund %s of QR order %s (%lld, kiosk %s) is %s after %lld attempts: %s; "
                 "settle it by hand with `backoffice qr refund settle %s` once the money is back",
                 r->out_refund_no, r->order, (long long)r->amount, r->kiosk, r->state, (long long)r->attempts,
                 r->last_error, r->order);
        rc = bo_alert_staff(st, r->updated_at, "qr_refund_failed", r->meter, text, msg);
    }
    if (rc == K_OK && changed && strcmp(r->state, "succeeded") == 0) {
        snprintf(text, sizeof text, "%lld refunded as %s (provider's refund %s)", (long long)r->amount,
                 r->out_refund_no, r->refund_ref);
        bo_audit_rec_t a = {"backoffice", "qr.refund_done", r->order, NULL, text, r->updated_at};
        rc = bo_audit_record(st, &a, msg);
    }
    if (rc == K_OK && changed && strcmp(r->state, "succeeded") == 0)
        rc = bo_qr_refund_notice(st, r, r->updated_at, msg);
    if (rc == K_OK)
        rc = st->ops->commit(st->ctx, msg);
    if (rc)
        st->ops->rollback(st->ctx);
    return rc;
}

static void count(bo_refund_stats_t *out, const bo_refund_rec_t *r, bool alert)
{
    out->asked++;
    out->succeeded += strcmp(r->state, "succeeded") == 0;
    out->failed += strcmp(r->state, "failed") == 0;
    out->alerted += alert;
}

kerr_t bo_qr_refund_pass(const bo_refund_env_t *env, int64_t now, bo_refund_stats_t *out, kmsg_t *msg)
{
    bo_refund_rec_t due[MAX_DUE];
    int n = 0;
    *out = (bo_refund_stats_t){0};
    env->lock(env->arg);
    kerr_t rc = bo_phone_refund_scan(env->st, now, &out->recorded, msg);
    if (rc == K_OK)
        rc = env->st->ops->refund->due(env->st->ctx, now, due, MAX_DUE, &n, msg);
    env->unlock(env->arg);
    for (int i = 0; rc == K_OK && i < n; i++) {
        bo_refund_rec_t *r = &due[i];
        bo_prov_refund_t pr;
        kmsg_t why = {{0}};
        char was[16];
        snprintf(was, sizeof was, "%s", r->state);
        bool missing;
        kerr_t arc = ask(env, r, &pr, &missing, &why);
        bool alert = next(r, arc, &pr, why.text, now) || (missing && alert_once(r));
        LOG_I("qr", "refund %s of order %s (%s): %s%s%s", r->out_refund_no, r->order, was, r->state,
              r->last_error[0] ? ": " : "", r->last_error);
        env->lock(env->arg);
        rc = record(env->st, r, was, alert, msg);
        env->unlock(env->arg);
        count(out, r, alert);
    }
    return rc;
}
