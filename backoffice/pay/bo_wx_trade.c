/* WeChat Pay's trade and refund states in the providers' one vocabulary,
 * and its times (RFC 3339 with an offset). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backoffice/pay/bo_wx_int.h"

static const struct {
    const char *wx;
    bo_prov_state_t state;
} trade_states[] = {
    {"SUCCESS", BO_PROV_PAID},    {"NOTPAY", BO_PROV_PENDING},  {"USERPAYING", BO_PROV_PENDING},
    {"CLOSED", BO_PROV_CLOSED},   {"REVOKED", BO_PROV_CLOSED},  {"REFUND", BO_PROV_REFUNDED},
    {"PAYERROR", BO_PROV_FAILED},
};

static const struct {
    const char *wx;
    bo_prov_refund_state_t state;
} refund_states[] = {
    {"SUCCESS", BO_PROV_REFUND_SUCCESS},
    {"PROCESSING", BO_PROV_REFUND_PROCESSING},
    {"CLOSED", BO_PROV_REFUND_FAILED},
    {"ABNORMAL", BO_PROV_REFUND_FAILED},
};

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

void bo_wx_trade_answer(const cJSON *t, bo_prov_answer_t *a)
{
    const char *s = str(t, "trade_state");
    *a = (bo_prov_answer_t){.state = BO_PROV_UNKNOWN};
    for (size_t i = 0; i < sizeof trade_states / sizeof trade_states[0]; i++)
        if (strcmp(s, trade_states[i].wx) == 0)
            a->state = trade_states[i].state;
    snprintf(a->out_trade_no, sizeof a->out_trade_no, "%s", str(t, "out_trade_no"));
    snprintf(a->trade_no, sizeof a->trade_no, "%s", str(t, "transaction_id"));
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(t, "amount");
    a->amount = num(amount, "payer_total") ? num(amount, "payer_total") : num(amount, "total");
    if (!bo_wx_time_parse(str(t, "success_time"), &a->paid_at))
        a->paid_at = 0;
    if (a->state == BO_PROV_PENDING || a->state == BO_PROV_CLOSED)
        a->paid_at = 0;
}

void bo_wx_refund_answer(const cJSON *t, bo_prov_refund_t *r)
{
    const char *s = str(t, "status")[0] ? str(t, "status") : str(t, "refund_status");
    *r = (bo_prov_refund_t){.state = BO_PROV_REFUND_PROCESSING};
    for (size_t i = 0; i < sizeof refund_states / sizeof refund_states[0]; i++)
        if (strcmp(s, refund_states[i].wx) == 0)
            r->state = refund_states[i].state;
    snprintf(r->refund_no, sizeof r->refund_no, "%s", str(t, "refund_id"));
    r->amount = num(cJSON_GetObjectItemCaseSensitive(t, "amount"), "refund");
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

bool bo_wx_time_parse(const char *text, int64_t *ms)
{
    int y, mo, d, h, mi, s, n = 0;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || mo < 1 || mo > 12 ||
        d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return false;
    const char *z = text + n;
    int oh = 0, om = 0, sign = 1;
    if (*z == '.')
        for (z++; *z >= '0' && *z <= '9'; z++)
            ;
    if (*z == '+' || *z == '-') {
        sign = *z == '-' ? -1 : 1;
        if (sscanf(z + 1, "%2d:%2d", &oh, &om) != 2 || strlen(z) != 6)
            return false;
    } else if (strcmp(z, "Z") != 0) {
        return false;
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - sign * (oh * 3600 + om * 60);
    *ms = secs * 1000;
    return true;
}

void bo_wx_time_format(int64_t ms, char *out, size_t size)
{
    time_t t = (time_t)(ms / 1000) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}
