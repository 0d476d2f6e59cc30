/* alipaysim's control port: one command a line, one reply line each,
 * "ok ..." or "error ..." (docs/sim/alipaysim.md, "Control"): the buyer's
 * phone (scan, pay), the state of a trade, and the faults. */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/alipaysim/alisim.h"
#include "sim/common/simio.h"

#define MAX_WORDS 4
#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

typedef char *(*cmd_fn)(alisim_t *s, char **av, int ac);

static char *buyer(alisim_t *s, const char *no, bool pay)
{
    as_trade_t *t = as_trade_find(s, no);
    const char *why = "";
    if (!t)
        return ERR("no trade %s was placed", no);
    bool ok = pay ? as_pay(s, t, &why) : as_scan(s, t, &why);
    return ok ? OK("%s %s", as_state_name(t->state), t->trade_no) : ERR("%s", why);
}

static char *cmd_scan(alisim_t *s, char **av, int ac)
{
    (void)ac;
    return buyer(s, av[1], false);
}

static char *cmd_pay(alisim_t *s, char **av, int ac)
{
    (void)ac;
    return buyer(s, av[1], true);
}

static char *cmd_state(alisim_t *s, char **av, int ac)
{
    (void)ac;
    const as_trade_t *t = as_trade_find(s, av[1]);
    if (!t)
        return ERR("no trade %s was placed", av[1]);
    return OK("%s total=%lld refunded=%lld refunds=%d notified=%d", as_state_name(t->state), (long long)t->total,
              (long long)t->refunded, t->n_refunds, t->notified);
}

static char *cmd_stall(alisim_t *s, char **av, int ac)
{
    (void)ac;
    int64_t n, ms;
    if (!simio_parse_int(av[1], 0, 1000, &n) || !simio_parse_int(av[2], 0, 120000, &ms))
        return ERR("stall needs a count 0..1000 and milliseconds 0..120000");
    s->faults.stall = (int)n;
    s->faults.stall_ms = ms;
    return OK("%s", "");
}

static char *cmd_refund_fail(alisim_t *s, char **av, int ac)
{
    (void)ac;
    int64_t n;
    if (!simio_parse_int(av[1], 0, 1000, &n))
        return ERR("refund-fail needs a count 0..1000");
    s->faults.refund_fail = (int)n;
    return OK("%s", "");
}

static char *cmd_dup(alisim_t *s, char **av, int ac)
{
    (void)av, (void)ac;
    s->faults.dup_notify = true;
    return OK("%s", "");
}

static char *cmd_late(alisim_t *s, char **av, int ac)
{
    (void)ac;
    if (!simio_parse_int(av[1], 0, 600000, &s->faults.late_ms))
        return ERR("late-notify needs milliseconds 0..600000");
    return OK("%s", "");
}

static char *cmd_pending(alisim_t *s, char **av, int ac)
{
    (void)av, (void)ac;
    int n = 0;
    for (int i = 0; i < ALISIM_NOTES; i++)
        n += s->notes[i].used;
    return OK("%d", n);
}

static char *cmd_help(alisim_t *s, char **av, int ac);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"scan", 1, 1, "scan OUT_TRADE_NO"}, cmd_scan},
    {{"pay", 1, 1, "pay OUT_TRADE_NO"}, cmd_pay},
    {{"state", 1, 1, "state OUT_TRADE_NO"}, cmd_state},
    {{"stall", 2, 2, "stall N MS"}, cmd_stall},
    {{"refund-fail", 1, 1, "refund-fail N"}, cmd_refund_fail},
    {{"dup-notify", 0, 0, "dup-notify"}, cmd_dup},
    {{"late-notify", 1, 1, "late-notify MS"}, cmd_late},
    {{"pending", 0, 0, "pending"}, cmd_pending},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, true,
};

static char *cmd_help(alisim_t *s, char **av, int ac)
{
    (void)s, (void)av, (void)ac;
    return simio_cmd_help(&table);
}

char *as_control(void *ctx, char *line)
{
    alisim_t *s = ctx;
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    if (!c)
        return reply;
    LOG_D(ALISIM_LOG, "control: %s", av[0]);
    pthread_mutex_lock(&s->mu);
    char *out = c->fn(s, av, ac);
    pthread_mutex_unlock(&s->mu);
    return out;
}
