/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/paysim.md, "Control"). Faults
 * live in memory only; the journal is changed by the ECR alone. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/log.h"
#include "kiosk/app/timefmt.h"
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
    const char *name;
    int min, max; /* words after the name */
    cmd_fn fn;
    const char *usage;
} commands[] = {
    {"approve", 0, 0, cmd_approve, "approve"},
    {"decline", 1, 1, cmd_decline, "decline CODE"},
    {"timeout-before", 0, 0, cmd_timeout_before, "timeout-before"},
    {"timeout-after", 0, 0, cmd_timeout_after, "timeout-after"},
    {"drop-after", 0, 0, cmd_drop_after, "drop-after"},
    {"slow", 1, 1, cmd_slow, "slow MS"},
    {"card-wait", 1, 1, cmd_card_wait, "card-wait MS"},
    {"clear", 0, 0, cmd_clear, "clear"},
    {"state", 0, 0, cmd_state, "state"},
    {"time", 0, 1, cmd_time, "time [YYYY-MM-DDTHH:MM:SS|wall]"},
    {"help", 0, 0, cmd_help, "help"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static char *cmd_help(psim_t *s, char **av, int ac)
{
    (void)s;
    (void)av;
    (void)ac;
    char text[1024] = "";
    for (size_t i = 0; i < N_COMMANDS; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", i ? "; " : "", commands[i].usage);
    return OK("%s", text);
}

char *psim_control(psim_t *s, char *line)
{
    char *av[MAX_WORDS];
    int ac = simio_split_words(line, av, MAX_WORDS);
    if (ac > MAX_WORDS)
        return ERR("too many words (try help)");
    if (ac == 0)
        return ERR("empty command (try help)");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const struct command *c = &commands[i];
        if (strcmp(av[0], c->name) != 0)
            continue;
        if (ac - 1 < c->min || ac - 1 > c->max)
            return ERR("usage: %s", c->usage);
        LOG_D(PSIM_LOG, "control: %s", av[0]);
        return c->fn(s, av, ac);
    }
    return ERR("unknown command '%s' (try help)", av[0]);
}
