/* Sends notices through the e-mail channel, as the outbox would, for
 * tests/backoffice/smtp_test.py.
 * Usage: smtp_send [EMAIL_KEY=VALUE ...] -- TO KEY LANG SUBJECT TEXT [TIMES]
 * EMAIL_KEY is an [email] setting (server_url, from, ca_file, ...). Prints
 * one line per try: "OK provider-id", "RETRY why" or "REJECTED why"; exits
 * 2 if the channel does not open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/notify/bo_ch_smtp.h"

static const char *const outcome_names[] = {[BO_SEND_OK] = "OK", [BO_SEND_RETRY] = "RETRY",
                                            [BO_SEND_REJECTED] = "REJECTED"};

static int configure(int argc, char **argv, bo_smtp_config_t *cfg)
{
    int i = 1;
    bo_smtp_config_defaults(cfg);
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        char *eq = strchr(argv[i], '=');
        bool known = false;
        if (!eq)
            return -1;
        *eq = '\0';
        if (!bo_smtp_config_key(cfg, argv[i], eq + 1, &known)) {
            fprintf(stderr, "smtp_send: [email] %s: %s\n", argv[i], known ? "bad value" : "no such setting");
            return -1;
        }
    }
    return i < argc ? i + 1 : -1;
}

int main(int argc, char **argv)
{
    bo_smtp_config_t cfg;
    int a = configure(argc, argv, &cfg);
    if (a < 0 || argc - a < 5) {
        fprintf(stderr, "usage: smtp_send [KEY=VALUE ...] -- TO KEY LANG SUBJECT TEXT [TIMES]\n");
        return 2;
    }
    bo_channel_t ch;
    kmsg_t msg = {""};
    if (bo_ch_smtp_open(&cfg, &ch, &msg) != K_OK) {
        fprintf(stderr, "smtp_send: %s\n", msg.text);
        return 2;
    }
    bo_notice_msg_t m = {.key = argv[a + 1], .to = argv[a], .lang = argv[a + 2], .subject = argv[a + 3],
                         .text = argv[a + 4], .json = ""};
    int times = argc - a > 5 ? atoi(argv[a + 5]) : 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < times; i++) {
        char id[72];
        msg.text[0] = '\0';
        bo_send_outcome_t out = ch.ops->send(ch.ctx, &m, id, &msg);
        printf("%s %s\n", outcome_names[out], out == BO_SEND_OK ? id : msg.text);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    fprintf(stderr, "smtp_send: %d tries in %lld ms; reports %d\n", times, ms, ch.ops->reports(ch.ctx, NULL, NULL));
    ch.ops->close(ch.ctx);
    return 0;
}
