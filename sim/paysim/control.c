/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/paysim.md, "Control"). Faults
 * live in memory only; the journal is changed by the ECR alone. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/timefmt.h"
#include "sim/paysim/psim.h"

#define MAX_WORDS 8

typedef char *(*cmd_fn)(psim_t *s, char **av, int ac);

#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

static char *set_outcome(psim_t *s, psim_outcome_t o, uint8_t code, const char *name)
{
    s->faults.outcome = o;
    s->faults.decline_code = code;
    LOG_I(PSIM_LOG, "control: the next authorisation: %s", name);
    return OK("%s", "");
}

static char *cmd_approve(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    return set_outcome(s, PSIM_APPROVE, 0, "approve");
}

/* decline CODE: the result code in hex, 01..FF, as the profile writes it. */
static char *cmd_decline(psim_t *s, char **av, int ac)
{
    (void)ac;
    char *end = NULL;
    size_t len = strlen(av[1]);
    unsigned long v = strtoul(av[1], &end, 16);
    if (len < 1 || len > 2 || *end || av[1][0] == '-' || av[1][0] == '+' || v < 1 || v > 0xFF)
        return ERR("decline needs a result code in hex, 01..FF (05 do not honour)");
    return set_outcome(s, PSIM_DECLINE, (uint8_t)v, "decline");
}

static char *cmd_timeout_before(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    s->faults.timeout_before = true;
    return OK("%s", "");
}

static char *cmd_timeout_after(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    return set_outcome(s, PSIM_TIMEOUT_AFTER, 0, "timeout-after");
}

static char *cmd_drop_after(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    return set_outcome(s, PSIM_DROP_AFTER, 0, "drop-after");
}

static char *cmd_slow(psim_t *s, char **av, int ac)
{
    (void)ac;
    if (!simio_parse_int(av[1], 0, PSIM_MAX_MS, &s->faults.slow_ms))
        return ERR("slow needs milliseconds 0..%d", PSIM_MAX_MS);
    return OK("%s", "");
}

static char *cmd_card_wait(psim_t *s, char **av, int ac)
{
    (void)ac;
    if (!simio_parse_int(av[1], 0, PSIM_MAX_MS, &s->faults.card_wait_ms))
        return ERR("card-wait needs milliseconds 0..%d", PSIM_MAX_MS);
    return OK("%s", "");
}

/* stray-completion: 80 00 00 and 06 0F 00 to the ECR now, unasked;
 * stray-completion next: the same before the next command's answer. */
static char *cmd_stray_completion(psim_t *s, char **av, int ac)
{
    if (ac == 2 && strcmp(av[1], "next") != 0)
        return ERR("usage: stray-completion [next]");
    if (ac == 2) {
        s->faults.stray_next = true;
        return OK("%s", "");
    }
    if (s->ecr_fd < 0)
        return ERR("no ECR is connected to send the stray completion to (stray-completion next waits for one)");
    LOG_I(PSIM_LOG, "stray-completion: 80 00 00 and 06 0F 00 go out unasked");
    if (!psim_pt_stray(s))
        return ERR("the ECR link broke while the stray completion went out");
    return OK("%s", "");
}

/* no-reference: from now on (until clear) the status information names no
 * reference (3C), as a terminal that does not echo it. */
static char *cmd_no_reference(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    s->faults.no_reference = true;
    LOG_I(PSIM_LOG, "no-reference: the status information leaves out 3C until clear");
    return OK("%s", "");
}

static char *cmd_clear(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    memset(&s->faults, 0, sizeof s->faults);
    s->faults.outcome = PSIM_APPROVE;
    return OK("%s", "");
}

static char *cmd_state(psim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    char *json = psim_state_json(s, true);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

/* time: shows the terminal's clock; time T freezes it at T (UTC); time
 * wall lets it run with the system clock again. */
static char *cmd_time(psim_t *s, char **av, int ac)
{
    char when[32];
    int64_t ms;
    if (ac == 2 && strcmp(av[1], "wall") == 0) {
        s->clock_frozen = false;
    } else if (ac == 2) {
        if (!ktime_parse(av[1], &ms))
            return ERR("time needs YYYY-MM-DDTHH:MM:SS (UTC) or wall");
        s->clock_frozen = true;
        s->frozen_ms = ms;
    }
    ktime_format_iso(psim_clock(s), when, sizeof when);
    return OK("%s%s", when, s->clock_frozen ? " frozen" : "");
}

static char *cmd_help(psim_t *s, char **av, int ac);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"approve", 0, 0, "approve"}, cmd_approve},
    {{"decline", 1, 1, "decline CODE"}, cmd_decline},
    {{"timeout-before", 0, 0, "timeout-before"}, cmd_timeout_before},
    {{"timeout-after", 0, 0, "timeout-after"}, cmd_timeout_after},
    {{"drop-after", 0, 0, "drop-after"}, cmd_drop_after},
    {{"slow", 1, 1, "slow MS"}, cmd_slow},
    {{"card-wait", 1, 1, "card-wait MS"}, cmd_card_wait},
    {{"stray-completion", 0, 1, "stray-completion [next]"}, cmd_stray_completion},
    {{"no-reference", 0, 0, "no-reference"}, cmd_no_reference},
    {{"clear", 0, 0, "clear"}, cmd_clear},
    {{"state", 0, 0, "state"}, cmd_state},
    {{"time", 0, 1, "time [YYYY-MM-DDTHH:MM:SS|wall]"}, cmd_time},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, true,
};

static char *cmd_help(psim_t *s, char **av, int ac)
{
    (void)s;
    (void)av;
    (void)ac;
    return simio_cmd_help(&table);
}

char *psim_control(psim_t *s, char *line)
{
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    if (!c)
        return reply;
    LOG_D(PSIM_LOG, "control: %s", av[0]);
    return c->fn(s, av, ac);
}
