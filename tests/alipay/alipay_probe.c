/* The Alipay client's calls for tests/alipaysdk/check.js, which stands
 * between it and alipaysim and checks each request with the npm
 * alipay-sdk: alipay_probe GATEWAY APP_PRIVATE_KEY ALIPAY_PUBLIC_KEY.
 * Places a kiosk order, asks it, cancels it, refunds a paid one (paid
 * from its control port by check.js before), and prints the phone page's
 * address on stdout. Exit status 0 when every call answered as expected. */
#include <stdio.h>
#include <string.h>

#include "backoffice/pay/bo_alipay.h"

static int failed(const char *what, kerr_t rc, const kmsg_t *msg)
{
    fprintf(stderr, "alipay_probe: %s: %s: %s\n", what, kerr_str(rc), msg->text);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: alipay_probe GATEWAY APP_PRIVATE_KEY ALIPAY_PUBLIC_KEY\n");
        return 2;
    }
    bo_alipay_cfg_t c;
    bo_alipay_cfg_defaults(&c);
    snprintf(c.app_id, sizeof c.app_id, "2021000000000001");
    snprintf(c.gateway, sizeof c.gateway, "%s", argv[1]);
    snprintf(c.private_key_file, sizeof c.private_key_file, "%s", argv[2]);
    snprintf(c.alipay_public_key_file, sizeof c.alipay_public_key_file, "%s", argv[3]);
    snprintf(c.notify_url, sizeof c.notify_url, "http://127.0.0.1:9/notify");
    bo_provider_t p;
    kmsg_t msg = {""};
    kerr_t rc = bo_alipay_open(&c, &p, &msg);
    if (rc != K_OK)
        return failed("open", rc, &msg);
    bo_prov_order_t o = {.kind = BO_PROV_NATIVE, .out_trade_no = "P-1", .amount = 1234, .currency = "CNY",
                         .description = "电费 / electricity"};
    bo_prov_answer_t a;
    bo_prov_refund_t r;
    int bad = 0;
    if ((rc = p.ops->create(p.ctx, &o, &a, &msg)) != K_OK)
        bad |= failed("precreate", rc, &msg);
    if ((rc = p.ops->query(p.ctx, "P-1", &a, &msg)) != K_OK)
        bad |= failed("query", rc, &msg);
    if ((rc = p.ops->cancel(p.ctx, "P-1", &msg)) != K_OK)
        bad |= failed("cancel", rc, &msg);
    if ((rc = p.ops->refund(p.ctx, "S-1", "RS-1", 100, 100, &r, &msg)) != K_OK)
        bad |= failed("refund", rc, &msg);
    if ((rc = p.ops->refund_query(p.ctx, "S-1", "RS-1", &r, &msg)) != K_OK)
        bad |= failed("refund query", rc, &msg);
    o.kind = BO_PROV_H5;
    o.out_trade_no = "P-2";
    o.return_url = "https://bo.example/m/?a=1&b=2";
    if ((rc = p.ops->create(p.ctx, &o, &a, &msg)) != K_OK)
        bad |= failed("wap.pay", rc, &msg);
    else
        printf("%s\n", a.url);
    p.ops->close(p.ctx);
    return bad;
}
