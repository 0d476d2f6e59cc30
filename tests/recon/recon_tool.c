/* Places, refunds and asks trades at the provider a back-office ini file
 * names ([qr] provider), through the back office's own client, for
 * recon_test.sh: the trades a test plants at wxpaysim or alipaysim. Each
 * result is one line on stdout; a failure is its text on stderr, exit 1.
 * Usage: recon_tool INI create OUT_NO AMOUNT | refund OUT_NO REFUND_NO AMOUNT TOTAL
 *        | refund-query OUT_NO REFUND_NO */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/pay/bo_pay.h"

static kerr_t run(bo_provider_t *p, int argc, char **argv, kmsg_t *msg)
{
    bo_prov_answer_t a;
    bo_prov_refund_t r;
    kerr_t rc = K_EINVAL;
    if (argc == 5 && strcmp(argv[2], "create") == 0) {
        bo_prov_order_t o = {.kind = BO_PROV_NATIVE, .out_trade_no = argv[3], .amount = atoll(argv[4]),
                             .currency = "CNY", .description = "electricity", .notify_url = "http://127.0.0.1:9/n"};
        rc = p->ops->create(p->ctx, &o, &a, msg);
        if (rc == K_OK)
            printf("%s\n", a.url);
    } else if (argc == 7 && strcmp(argv[2], "refund") == 0) {
        rc = p->ops->refund(p->ctx, argv[3], argv[4], atoll(argv[5]), atoll(argv[6]), &r, msg);
        if (rc == K_OK)
            printf("%d %lld\n", (int)r.state, (long long)r.amount);
    } else if (argc == 5 && strcmp(argv[2], "refund-query") == 0) {
        rc = p->ops->refund_query(p->ctx, argv[3], argv[4], &r, msg);
        if (rc == K_OK)
            printf("%s\n", r.state == BO_PROV_REFUND_SUCCESS ? "success" : "not yet");
    } else {
        kmsg_set(msg, K_EINVAL, "usage: recon_tool INI create OUT_NO AMOUNT | refund OUT_NO REFUND_NO AMOUNT TOTAL"
                                " | refund-query OUT_NO REFUND_NO");
    }
    return rc;
}

int main(int argc, char **argv)
{
    bo_config_t cfg;
    bo_provider_t p;
    kmsg_t msg = {{0}};
    kerr_t rc = argc >= 3 ? bo_config_load(argv[1], &cfg, &msg) : K_EINVAL;
    if (rc == K_OK)
        rc = bo_pay_open(&cfg, &p, &msg);
    if (rc == K_OK) {
        rc = run(&p, argc, argv, &msg);
        bo_pay_close(&p);
    }
    if (rc)
        fprintf(stderr, "recon_tool: %s: %s\n", kerr_str(rc), msg.text);
    return rc ? 1 : 0;
}
