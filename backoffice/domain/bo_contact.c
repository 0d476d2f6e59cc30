/* Residents' contacts (bo_contact.h). */
#include "backoffice/domain/bo_contact.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/notify/bo_notice_rules.h"
#include "base/kjson.h"
#include "core/perm.h"

void bo_mask_mobile(const char *mobile, char *out, size_t len)
{
    size_t n = strlen(mobile);
    if (n == 13 && strncmp(mobile, "86", 2) == 0) /* China's +86: the national number, as residents know it */
        mobile += 2, n -= 2;
    if (n < 8)
        snprintf(out, len, "%s", n ? "****" : "");
    else
        snprintf(out, len, "%.3s****%s", mobile, mobile + n - 4);
}

void bo_mask_email(const char *email, char *out, size_t len)
{
    const char *at = strchr(email, '@');
    if (!at || at == email)
        snprintf(out, len, "%s", email[0] ? "***" : "");
    else
        snprintf(out, len, "%c***%s", email[0], at);
}

kerr_t bo_contact_allowed(bo_store_t *st, const char *operator_name, kmsg_t *msg)
{
    char perms[256] = "", bad[64];
    bool enabled = false, found = false;
    perm_set_t set = 0;
    if (!operator_name || !operator_name[0])
        return kmsg_set(msg, K_EDENIED, "contacts are personal data: name the operator (--operator NAME) whose "
                                        "group holds the contacts permission");
    kerr_t rc = st->ops->notice->operator_perms(st->ctx, operator_name, perms, &enabled, &found, msg);
    if (rc)
        return rc;
    if (!found || !enabled)
        return kmsg_set(msg, K_EDENIED, "operator '%s' is %s: see `operator list`", operator_name,
                        found ? "disabled" : "not known");
    if (!perm_parse_set(perms, &set, bad, sizeof bad) || !perm_allows(set, PERM_CONTACTS))
        return kmsg_set(msg, K_EDENIED,
                        "operator '%s' may not change contacts: their group lacks the contacts permission "
                        "(`group set NAME --perms ...,contacts`)",
                        operator_name);
    return K_OK;
}

/* Whether digits are a mainland China mobile as residents write it: 11
 * digits, 13x to 19x. */
static bool china_national(const char *digits, size_t n)
{
    return n == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9';
}

/* The mobile number as stored: international digits, 8 to 15 of them. A
 * mainland number without its country code gets 86 in front (the SMS
 * channel sends every number as international); another country's
 * number is given with its "+" and code. */
static bool mobile_ok(const char *in, char out[24])
{
    bool plus = in[0] == '+';
    const char *p = plus ? in + 1 : in;
    size_t n = strlen(p);
    if (n == 0 && in[0] == '\0') {
        out[0] = '\0';
        return true;
    }
    if (n < 8 || n > 15 || strspn(p, "0123456789") != n)
        return false;
    snprintf(out, 24, "%s%s", !plus && china_national(p, n) ? "86" : "", p);
    return true;
}

static bool email_ok(const char *e)
{
    const char *at = strchr(e, '@');
    size_t n = strlen(e);
    if (n == 0)
        return true;
    return n < 128 && at && at > e && strchr(at + 1, '@') == NULL && strchr(at, '.') && at[strlen(at) - 1] != '.' &&
           strcspn(e, " \t\r\n<>,;\"") == n;
}

/* Writes "field old -> new; " (masked by the caller) into the detail. */
static void note(char *detail, size_t len, const char *field, const char *was, const char *now)
{
    size_t at = strlen(detail);
    if (strcmp(was, now) != 0 && at < len)
        snprintf(detail + at, len - at, "%s%s %s -> %s", at ? "; " : "", field, was[0] ? was : "(none)",
                 now[0] ? now : "(none)");
}

static void quiet_text(const bo_contact_t *c, char *out, size_t len)
{
    if (c->quiet_from == c->quiet_to)
        snprintf(out, len, "none");
    else
        snprintf(out, len, "%02d:%02d-%02d:%02d", c->quiet_from / 60, c->quiet_from % 60, c->quiet_to / 60,
                 c->quiet_to % 60);
}

/* The audit's detail of a change from a to b, masked. */
static void describe(const bo_contact_t *a, const bo_contact_t *b, char *detail, size_t len)
{
    char x[160], y[160];
    detail[0] = '\0';
    bo_mask_mobile(a->mobile, x, sizeof x), bo_mask_mobile(b->mobile, y, sizeof y);
    note(detail, len, "mobile", x, y);
    bo_mask_email(a->email, x, sizeof x), bo_mask_email(b->email, y, sizeof y);
    note(detail, len, "email", x, y);
    note(detail, len, "lang", a->lang, b->lang);
    bo_notice_wants_format(a->wants, x, sizeof x), bo_notice_wants_format(b->wants, y, sizeof y);
    note(detail, len, "wants", x, y);
    quiet_text(a, x, sizeof x), quiet_text(b, y, sizeof y);
    note(detail, len, "quiet_hours", x, y);
}

/* Applies ch over c; K_EINVAL naming the field that is malformed. */
static kerr_t apply(bo_contact_t *c, const bo_contact_change_t *ch, kmsg_t *msg)
{
    char bad[64];
    if (ch->mobile && !mobile_ok(ch->mobile, c->mobile))
        return kmsg_set(msg, K_EINVAL, "--mobile must be 8 to 15 digits without spaces: a mainland mobile "
                                       "(13812345678) or +country code and number (+85291234567): nothing changed");
    if (ch->email && !email_ok(ch->email))
        return kmsg_set(msg, K_EINVAL, "--email is not an address like name@example.com: nothing changed");
    if (ch->email)
        snprintf(c->email, sizeof c->email, "%s", ch->email);
    if (ch->lang && strcmp(ch->lang, "zh_CN") != 0 && strcmp(ch->lang, "en") != 0)
        return kmsg_set(msg, K_EINVAL, "--lang is zh_CN or en, not '%s': nothing changed", ch->lang);
    if (ch->lang)
        snprintf(c->lang, sizeof c->lang, "%s", ch->lang);
    if (ch->wants && !bo_notice_wants_parse(ch->wants, &c->wants, bad, sizeof bad))
        return kmsg_set(msg, K_EINVAL,
                        "--wants takes low, arrears, cutoff, supply, credit, bill (comma-separated), all or none; "
                        "'%s' is none of them: nothing changed",
                        bad);
    if (ch->quiet && !bo_config_quiet_parse(ch->quiet, &c->quiet_from, &c->quiet_to))
        return kmsg_set(msg, K_EINVAL, "--quiet takes HH:MM-HH:MM (22:00-07:00) or none, not '%s': nothing changed",
                        ch->quiet);
    return K_OK;
}

kerr_t bo_contact_set(bo_store_t *st, const bo_who_t *who, const char *operator_name, const char *account,
                      const bo_contact_change_t *ch, const bo_notices_cfg_t *dflt, kmsg_t *msg)
{
    bo_contact_t was = {.lang = "zh_CN", .wants = BO_NF_ALL, .quiet_from = dflt->quiet_from,
                        .quiet_to = dflt->quiet_to}, now;
    bool found = false, changed = false;
    char detail[600];
    bo_op_t op;
    snprintf(was.account, sizeof was.account, "%s", account);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_contact_allowed(st, operator_name, msg);
    if (rc == K_OK)
        rc = st->ops->notice->contact_get(st->ctx, account, &was, &found, msg);
    now = was;
    if (rc == K_OK)
        rc = apply(&now, ch, msg);
    if (rc == K_OK)
        rc = st->ops->notice->contact_put(st->ctx, &now, who->now, &changed, msg);
    if (rc == K_OK && !changed)
        rc = bo_op_nothing(msg, account);
    if (!found)
        was = (bo_contact_t){.lang = "", .quiet_from = 0, .quiet_to = 0};
    describe(&was, &now, detail, sizeof detail);
    return bo_op_end(&op, rc, "contact.set", account, operator_name, detail[0] ? detail : "unchanged", NULL, NULL);
}

kerr_t bo_contact_clear(bo_store_t *st, const bo_who_t *who, const char *operator_name, const char *account,
                        kmsg_t *msg)
{
    bool changed = false;
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_contact_allowed(st, operator_name, msg);
    if (rc == K_OK)
        rc = st->ops->notice->contact_clear(st->ctx, account, &changed, msg);
    if (rc == K_OK && !changed)
        rc = kmsg_set(msg, K_ENOTFOUND, "account '%s' has no contact: nothing changed", account);
    return bo_op_end(&op, rc, "contact.clear", account, operator_name, "every field removed", NULL, NULL);
}

kerr_t bo_contact_show(bo_store_t *st, const char *account, cJSON **out, bool *found, kmsg_t *msg)
{
    bo_contact_t c;
    char mobile[32], email[160], wants[64], quiet[16];
    *out = NULL;
    kerr_t rc = st->ops->notice->contact_get(st->ctx, account, &c, found, msg);
    if (rc || !*found)
        return rc;
    bo_mask_mobile(c.mobile, mobile, sizeof mobile);
    bo_mask_email(c.email, email, sizeof email);
    bo_notice_wants_format(c.wants, wants, sizeof wants);
    quiet_text(&c, quiet, sizeof quiet);
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "account", c.account) && kjson_add_str(o, "mobile", mobile) &&
              kjson_add_str(o, "email", email) && kjson_add_str(o, "lang", c.lang) && kjson_add_str(o, "wants", wants) &&
              kjson_add_str(o, "quiet_hours", quiet);
    if (!ok) {
        cJSON_Delete(o);
        return kmsg_set(msg, K_EIO, "out of memory");
    }
    *out = o;
    return K_OK;
}

kerr_t bo_notice_levels_set(bo_store_t *st, const bo_who_t *who, const char *operator_name, const char *scope,
                            const bo_nlevels_t *lv, kmsg_t *msg)
{
    char detail[96];
    bo_op_t op;
    if (!bo_nlevels_valid(lv))
        return kmsg_set(msg, K_EINVAL, "the levels must be positive and falling (2000,1000,500): nothing changed");
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo_contact_allowed(st, operator_name, msg);
    if (rc == K_OK)
        rc = st->ops->notice->levels_put(st->ctx, scope, lv, who->now, msg);
    snprintf(detail, sizeof detail, "%lld,%lld,%lld margin %lld", (long long)lv->level[0], (long long)lv->level[1],
             (long long)lv->level[2], (long long)lv->margin);
    return bo_op_end(&op, rc, "notice.levels", scope, operator_name, detail, NULL, NULL);
}
