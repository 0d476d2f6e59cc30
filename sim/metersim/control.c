/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/metersim.md, "Control"). Every
 * change to a meter is saved before the reply. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/timefmt.h"
#include "sim/metersim/msim.h"

#define MAX_WORDS 32
#define MAX_FAULT 1000000
#define MAX_DELAY_MS 600000
#define MAX_SPEED 1000000
#define MAX_CONSUME_WH 1000000000

typedef char *(*cmd_fn)(msim_t *s, char **av, int ac);

#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

static bool parse_on(const char *text, bool *on)
{
    static const char *const yes[] = {"on", "true", "yes", "1"}, *const no[] = {"off", "false", "no", "0"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, yes[i]) == 0 || strcmp(text, no[i]) == 0) {
            *on = strcmp(text, yes[i]) == 0;
            return true;
        }
    return false;
}

static char *set_fault(unsigned *counter, const char *name, const char *text)
{
    int64_t n;
    if (!simio_parse_int(text, 0, MAX_FAULT, &n))
        return ERR("%s needs a count 0..%d", name, MAX_FAULT);
    *counter = (unsigned)n;
    return OK("%s", "");
}

static char *cmd_drop(msim_t *s, char **av, int ac)
{
    (void)ac;
    return set_fault(&s->faults.drop, av[0], av[1]);
}

static char *cmd_lose(msim_t *s, char **av, int ac)
{
    (void)ac;
    return set_fault(&s->faults.lose_reply, av[0], av[1]);
}

static char *cmd_corrupt(msim_t *s, char **av, int ac)
{
    (void)ac;
    return set_fault(&s->faults.corrupt, av[0], av[1]);
}

static char *cmd_garbage(msim_t *s, char **av, int ac)
{
    (void)ac;
    return set_fault(&s->faults.garbage, av[0], av[1]);
}

static char *cmd_split(msim_t *s, char **av, int ac)
{
    (void)ac;
    return set_fault(&s->faults.split, av[0], av[1]);
}

static char *cmd_delay(msim_t *s, char **av, int ac)
{
    (void)ac;
    if (!simio_parse_int(av[1], 0, MAX_DELAY_MS, &s->extra_delay_ms))
        return ERR("delay needs milliseconds 0..%d", MAX_DELAY_MS);
    return OK("%s", "");
}

static char *cmd_faults(msim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    const msim_faults_t *f = &s->faults;
    return OK("drop=%u lose-reply=%u corrupt=%u garbage=%u split=%u delay=%lld", f->drop, f->lose_reply, f->corrupt,
              f->garbage, f->split, (long long)s->extra_delay_ms);
}

/* Bus statistics since start, for benchmarks: wire time of the bytes
 * exchanged, without delays or noise. */
static char *cmd_stats(msim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    return OK("exchanges=%lld bytes=%lld wire_us=%lld baud=%lld", (long long)s->stat_exchanges,
              (long long)s->stat_bytes, (long long)s->stat_wire_us, (long long)s->baud);
}

static char *cmd_clear(msim_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    memset(&s->faults, 0, sizeof s->faults);
    s->extra_delay_ms = 0;
    return OK("%s", "");
}

static char *cmd_speed(msim_t *s, char **av, int ac)
{
    (void)ac;
    msim_advance(s, kclock_mono(NULL)); /* time so far at the old speed */
    if (!simio_parse_int(av[1], 0, MAX_SPEED, &s->speed))
        return ERR("speed needs a whole factor 0..%d", MAX_SPEED);
    return OK("%s", "");
}

static char *cmd_time(msim_t *s, char **av, int ac)
{
    char when[32];
    int64_t ms;
    msim_advance(s, kclock_mono(NULL));
    if (ac == 2 && !ktime_parse(av[1], &ms))
        return ERR("time needs YYYY-MM-DDTHH:MM:SS (UTC)");
    if (ac == 2) {
        s->sim_ms = ms;
        msim_changed(s);
    }
    ktime_format_iso(s->sim_ms, when, sizeof when);
    return OK("%s", when);
}

static char *cmd_state(msim_t *s, char **av, int ac)
{
    const msim_meter_t *m = NULL;
    msim_advance(s, kclock_mono(NULL));
    if (ac == 2 && !(m = msim_find(s, av[1])))
        return ERR("no meter %s", av[1]);
    char *json = msim_state_json(s, m);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

/* The meter named by av[1], or NULL with *err set. */
static msim_meter_t *meter_arg(msim_t *s, char **av, char **err)
{
    msim_meter_t *m = msim_find(s, av[1]);
    if (!m)
        *err = ERR("no meter %s (meters are named by their 12 digits)", av[1]);
    return m;
}

static char *cmd_online(msim_t *s, char **av, int ac)
{
    (void)ac;
    char *err = NULL;
    msim_meter_t *m = meter_arg(s, av, &err);
    if (!m)
        return err;
    m->offline = strcmp(av[0], "offline") == 0;
    msim_changed(s);
    return OK("%s", "");
}

static char *cmd_tamper(msim_t *s, char **av, int ac)
{
    static const char *const kinds[] = {"cover", "terminal", "magnetic", "reverse"};
    (void)ac;
    char *err = NULL;
    msim_meter_t *m = meter_arg(s, av, &err);
    bool on;
    if (!m)
        return err;
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(av[2], kinds[i]) == 0 && parse_on(av[3], &on)) {
            m->tamper = on ? m->tamper | (1u << i) : m->tamper & ~(1u << i);
            msim_changed(s);
            return OK("%s", "");
        }
    return ERR("tamper needs ADDR cover|terminal|magnetic|reverse on|off");
}

static char *cmd_consume(msim_t *s, char **av, int ac)
{
    (void)ac;
    char *err = NULL;
    msim_meter_t *m = meter_arg(s, av, &err);
    int64_t wh;
    if (!m)
        return err;
    if (!simio_parse_int(av[2], 0, MAX_CONSUME_WH, &wh))
        return ERR("consume needs ADDR and whole Wh 0..%d", MAX_CONSUME_WH);
    msim_advance(s, kclock_mono(NULL));
    msim_book(s, m, wh);
    msim_changed(s);
    return OK("balance=%lld relay=%s", (long long)m->balance, m->relay_open ? "open" : "closed");
}

static char *cmd_button(msim_t *s, char **av, int ac)
{
    (void)ac;
    char *err = NULL;
    msim_meter_t *m = meter_arg(s, av, &err);
    if (!m)
        return err;
    if (!m->close_armed)
        return ERR("meter %s has no \"close allowed\" command waiting", m->addr);
    m->relay_open = false;
    m->close_armed = false;
    msim_changed(s);
    return OK("%s", "");
}

/* freeze [ADDR]: the daily freeze now (simulated time, to the minute), of
 * one meter or all, as at midnight. */
static char *cmd_freeze(msim_t *s, char **av, int ac)
{
    msim_meter_t *one = NULL;
    char *err = NULL;
    if (ac == 2 && !(one = meter_arg(s, av, &err)))
        return err;
    msim_advance(s, kclock_mono(NULL));
    int64_t t = s->sim_ms / 60000 * 60000;
    for (size_t i = 0; i < s->n; i++)
        if (!one || one == &s->meters[i]) {
            s->meters[i].frozen_ms = 0; /* forced: taken again within the minute too */
            msim_freeze(&s->meters[i], t);
        }
    msim_changed(s);
    return OK("%s", "");
}

/* set ADDR FIELD VALUE...: the value is the rest of the line. */
static char *cmd_set(msim_t *s, char **av, int ac)
{
    char *err = NULL, value[MSIM_TARIFF_LEN] = "";
    msim_meter_t *m = meter_arg(s, av, &err);
    if (!m)
        return err;
    for (int i = 3; i < ac; i++)
        snprintf(value + strlen(value), sizeof value - strlen(value), "%s%s", i > 3 ? " " : "", av[i]);
    msim_advance(s, kclock_mono(NULL));
    const char *why = msim_set_field(s, m, av[2], value);
    if (why)
        return ERR("%s", why);
    msim_changed(s);
    return OK("%s", "");
}

/* card-insert METER FILE [ISSUER-KEY]: the meter's card slot. */
static char *cmd_card_insert(msim_t *s, char **av, int ac)
{
    return msim_card_insert(s, av[1], av[2], ac == 4 ? av[3] : NULL);
}

static char *cmd_help(msim_t *s, char **av, int ac);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"drop", 1, 1, "drop N"}, cmd_drop},
    {{"lose-reply", 1, 1, "lose-reply N"}, cmd_lose},
    {{"corrupt", 1, 1, "corrupt N"}, cmd_corrupt},
    {{"garbage", 1, 1, "garbage N"}, cmd_garbage},
    {{"split", 1, 1, "split N"}, cmd_split},
    {{"delay", 1, 1, "delay MS"}, cmd_delay},
    {{"faults", 0, 0, "faults"}, cmd_faults},
    {{"stats", 0, 0, "stats"}, cmd_stats},
    {{"clear", 0, 0, "clear"}, cmd_clear},
    {{"offline", 1, 1, "offline ADDR"}, cmd_online},
    {{"online", 1, 1, "online ADDR"}, cmd_online},
    {{"tamper", 3, 3, "tamper ADDR cover|terminal|magnetic|reverse on|off"}, cmd_tamper},
    {{"set", 3, MAX_WORDS - 1, "set ADDR FIELD VALUE"}, cmd_set},
    {{"consume", 2, 2, "consume ADDR WH"}, cmd_consume},
    {{"freeze", 0, 1, "freeze [ADDR]"}, cmd_freeze},
    {{"button", 1, 1, "button ADDR"}, cmd_button},
    {{"card-insert", 2, 3, "card-insert METER FILE [ISSUER-KEY-FILE]"}, cmd_card_insert},
    {{"state", 0, 1, "state [ADDR]"}, cmd_state},
    {{"speed", 1, 1, "speed X"}, cmd_speed},
    {{"time", 0, 1, "time [YYYY-MM-DDTHH:MM:SS]"}, cmd_time},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, false,
};

static char *cmd_help(msim_t *s, char **av, int ac)
{
    (void)s;
    (void)av;
    (void)ac;
    return simio_cmd_help(&table);
}

char *msim_control(msim_t *s, char *line)
{
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    return c ? c->fn(s, av, ac) : reply;
}
