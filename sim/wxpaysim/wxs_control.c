/* wxpaysim's control endpoints under /sim/ (unsigned, for tests and the
 * demo): pay an order as a phone would (by its number or by scanning its
 * code), read an order, set faults, read what was received and sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/wxpaysim/wxs.h"

static wxs_order_t *order_of_code(wxs_t *s, const char *code_url)
{
    const char *p = code_url ? strstr(code_url, "pr=") : NULL;
    if (!p)
        p = code_url ? strstr(code_url, "/sim/h5/") : NULL, p = p ? p + 5 : NULL;
    for (size_t i = 0; p && i < s->n_orders; i++)
        if (strcmp(s->orders[i].code, p + 3) == 0)
            return &s->orders[i];
    return NULL;
}

static void pay(wxs_t *s, wxs_order_t *o, wxs_answer_t *a)
{
    const char *why = "";
    if (!o) {
        wxs_error(a, 404, "ORDER_NOT_EXIST", "no such order");
        return;
    }
    if (!wxs_pay(s, o, &why)) {
        wxs_error(a, 409, "NOT_PAYABLE", why);
        return;
    }
    wxs_json(a, 200, wxs_order_json(s, o));
}

static void fault(wxs_t *s, const char *body, wxs_answer_t *a)
{
    cJSON *j = cJSON_Parse(body ? body : "");
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(j, "kind"));
    const cJSON *times = cJSON_GetObjectItem(j, "times"), *ms = cJSON_GetObjectItem(j, "ms");
    int f = 0;
    while (kind && f < WXS_F_N && strcmp(wxs_fault_names[f], kind) != 0)
        f++;
    if (!kind || f == WXS_F_N) {
        cJSON_Delete(j);
        wxs_error(a, 400, "BAD_FAULT",
                  "kind: timeout, notify_duplicate, notify_late, notify_drop, refund_fail or refund_abnormal");
        return;
    }
    s->fault_times[f] = cJSON_IsNumber(times) ? times->valueint : 1;
    s->fault_ms[f] = cJSON_IsNumber(ms) ? (int64_t)ms->valuedouble : 15000;
    cJSON_Delete(j);
    wxs_json(a, 200, cJSON_CreateObject());
}

void wxs_control(wxs_t *s, const char *method, const char *uri, const char *body, wxs_answer_t *a)
{
    char no[40];
    int n = 0;
    bool post = strcmp(method, "POST") == 0;
    pthread_mutex_lock(&s->lock);
    if (sscanf(uri, "/sim/orders/%32[^/?]%n", no, &n) == 1 && post && strcmp(uri + n, "/pay") == 0)
        pay(s, wxs_order(s, no), a);
    else if (sscanf(uri, "/sim/orders/%32[^/?]%n", no, &n) == 1 && !post && !uri[n])
        wxs_order(s, no) ? wxs_json(a, 200, wxs_order_json(s, wxs_order(s, no)))
                         : wxs_error(a, 404, "ORDER_NOT_EXIST", "no such order");
    else if (post && strcmp(uri, "/sim/scan") == 0)
        pay(s, order_of_code(s, body), a);
    else if (post && strcmp(uri, "/sim/fault") == 0)
        fault(s, body, a);
    else if (!post && strcmp(uri, "/sim/requests") == 0)
        wxs_json(a, 200, cJSON_Duplicate(s->requests, true));
    else if (!post && strcmp(uri, "/sim/deliveries") == 0)
        wxs_json(a, 200, cJSON_Duplicate(s->deliveries, true));
    else
        wxs_error(a, 404, "NOT_FOUND", "no such control endpoint");
    pthread_mutex_unlock(&s->lock);
    a->sign = false;
}
