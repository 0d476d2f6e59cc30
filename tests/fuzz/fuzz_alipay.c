/* libFuzzer target: what the Alipay client reads from outside
 * (docs/payments-qr.md "Alipay"). The first byte picks the reader: the
 * bill's CSV (rows found must hold an order number and a sane amount), a
 * notification's form (its signing text must never hold sign), or a
 * gateway answer (the node's span must lie inside the text and parse as
 * JSON when it is an object), with yuan texts read and written back. */
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_alipay_int.h"

static void row(void *arg, const bo_prov_bill_row_t *r)
{
    (void)arg;
    if (!r->out_trade_no[0] || r->amount > 1000000000000LL || r->amount < -1000000000000LL ||
        (r->amount > 0 && r->refund))
        abort();
}

static void form(const char *text, size_t n)
{
    ap_params_t ps = {.n = 0};
    if (!ap_form_parse(text, n, &ps))
        return;
    char *sign = ap_sign_text(&ps, true);
    if (sign && (strstr(sign, "&sign=") || strncmp(sign, "sign=", 5) == 0))
        abort();
    free(sign);
    for (int i = 0; i < ps.n; i++) {
        int64_t fen;
        char back[24];
        if (bo_alipay_yuan_parse(ps.p[i].val, &fen) &&
            (!bo_alipay_yuan_format(fen, back, sizeof back) || !bo_alipay_yuan_parse(back, &fen)))
            abort();
        int64_t ms;
        (void)ap_time_parse(ps.p[i].val, &ms);
    }
    ap_params_free(&ps);
}

static void answer(const char *text, size_t n)
{
    size_t s0, s1;
    if (!ap_json_member(text, n, "alipay_trade_query_response", &s0, &s1))
        return;
    if (s0 > s1 || s1 > n)
        abort();
    if (text[s0] == '{') {
        cJSON *node = cJSON_ParseWithLength(text + s0, s1 - s0);
        cJSON_Delete(node);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    kmsg_t msg;
    switch (data[0] % 3) {
    case 0: (void)bo_alipay_bill_csv(text, n, row, NULL, &msg); break;
    case 1: form(text, n); break;
    default: answer(text, n); break;
    }
    return 0;
}
