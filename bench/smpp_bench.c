/* The SMS channel's submit rate: notices sent through bo_notify_smpp to
 * smscsim (its own process) on loopback, single-part, and in 8-part
 * Chinese messages with windows of 1, 4 and 8 outstanding submit_sm while
 * smscsim answers each 2 ms late; submit_sm/s and messages/s
 * (docs/protocols/smpp.md, "Throughput"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/notify/bo_ch_smpp.h"
#include "bench/bench_smsc.h"
#include "bench/bench_util.h"

#define NAME "smpp_bench"

typedef bench_smsc_t bench_t;

/* n messages of text with the window given; prints one line. */
static void run(bench_t *b, int window, const char *label, const char *text, int parts, int n)
{
    bo_smpp_config_t c = {.host = "127.0.0.1", .port = b->smpp, .system_id = "bench", .password = "", .source = "Utility",
                          .source_ton = 5, .window = window, .timeout_ms = 10000};
    bo_channel_t ch;
    kmsg_t msg = {""};
    if (bo_ch_smpp_open(&c, &ch, &msg) != K_OK)
        bench_die(NAME, msg.text);
    char id[72], key[32];
    bo_notice_msg_t m = {key, "8613812345678", "zh_CN", "", text, ""};
    snprintf(key, sizeof key, "warm-up");
    if (ch.ops->send(ch.ctx, &m, id, &msg) != BO_SEND_OK) /* connects and binds */
        bench_die(NAME, msg.text);
    int64_t t0 = bench_now_us();
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "evt-%d", i);
        if (ch.ops->send(ch.ctx, &m, id, &msg) != BO_SEND_OK)
            bench_die(NAME, msg.text);
    }
    double s = (double)(bench_now_us() - t0) / 1e6;
    printf("  %-28s window %2d: %6d messages in %.2f s: %8.0f submit_sm/s, %8.0f messages/s\n", label, window, n, s,
           n * parts / s, n / s);
    ch.ops->close(ch.ctx);
}

int main(int argc, char **argv)
{
    const char *smscsim = NULL;
    int n = 2000;
    bench_smsc_args(NAME, argc, argv, "--messages", 1, &smscsim, &n);
    bench_t b = {0};
    bench_smsc_start(&b, NAME, smscsim);
    char zh[2048] = "", reply[128];
    while (strlen(zh) < 3 * 500)
        strcat(zh, "尊敬的住户：您的电费余额不足，请及时充值。"); /* 504 characters: 8 parts */
    printf("SMS over SMPP 3.4 to smscsim on loopback:\n");
    run(&b, 1, "1 part, answered at once", "Balance low: 12.50 CNY left.", 1, n);
    run(&b, 1, "8 parts, answered at once", zh, 8, n / 8);
    if (!sc_control(&b.sim, "latency 2", reply, sizeof reply))
        bench_die(NAME, reply);
    run(&b, 1, "1 part, answered 2 ms late", "Balance low: 12.50 CNY left.", 1, n / 10);
    static const int windows[] = {1, 4, 8};
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++)
        run(&b, windows[i], "8 parts, answered 2 ms late", zh, 8, n / 40);
    bench_smsc_stop(&b);
    return 0;
}
