/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/cashsim.md, "Control"). Every
 * change to the device is saved before the reply. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/clock.h"
#include "kiosk/app/log.h"
#include "sim/cashsim/csim.h"

#define MAX_WORDS 8
#define MAX_FAULT 1000000
#define MIN_LOST 6   /* more than the five the host can read */
#define MAX_LOST 254 /* 255 steps would bring the counter back where it was */

typedef char *(*cmd_fn)(csim_t *s, char **av);

#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

static const char *outcome_name(csim_insert_result_t r)
{
    switch (r) {
    case CSIM_IN_MASTER_INHIBIT: return "master-inhibit";
    case CSIM_IN_INHIBITED: return "inhibited";
    case CSIM_IN_REJECTED: return "rejected";
    case CSIM_IN_ESCROW: return "escrow";
    case CSIM_IN_STACKED: return "stacked";
    case CSIM_IN_JAMMED: return "jammed";
    }
    return "?";
}

/* TYPE (1..16) or a bill id; a well-formed id no type has is a note the
 * device does not know (type 0). False for anything else. */
static bool note_arg(const csim_t *s, const char *text, int *type)
{
    int64_t t;
    if (simio_parse_int(text, 1, CSIM_TYPES, &t)) {
        *type = (int)t;
        return true;
    }
    if (!csim_id_shape(text))
        return false;
    *type = csim_notes_find(s, text);
    return true;
}

static char *cmd_insert(csim_t *s, char **av)
{
    int type;
    csim_insert_result_t r;
    if (!note_arg(s, av[1], &type))
        return ERR("insert needs a bill type 1..%d or a bill id like CN0020A", CSIM_TYPES);
    const char *why = csim_insert(s, type, kclock_mono(NULL), &r);
    if (why)
        return ERR("%s", why);
    LOG_I(CSIM_LOG, "note %s inserted: %s", av[1], outcome_name(r));
    if (r == CSIM_IN_STACKED) {
        const csim_entry_t *e = &s->dev.journal[s->dev.n_journal - 1];
        return OK("stacked type=%d note=%lld value=%lld counter=%u", type, (long long)e->note, (long long)e->value,
                  s->dev.counter);
    }
    return OK("%s type=%d counter=%u", outcome_name(r), type, s->dev.counter);
}

static char *cmd_reject(csim_t *s, char **av)
{
    (void)av;
    s->faults.reject = true;
    return OK("%s", "");
}

static char *cmd_jam(csim_t *s, char **av)
{
    (void)av;
    s->faults.jam = true;
    return OK("%s", "");
}

static char *cmd_clear_jam(csim_t *s, char **av)
{
    bool stacked = strcmp(av[1], "stacked") == 0;
    if (!stacked && strcmp(av[1], "returned") != 0)
        return ERR("usage: clear-jam stacked|returned");
    const char *why = csim_clear_jam(s, stacked);
    return why ? ERR("%s", why) : OK("counter=%u", s->dev.counter);
}

/* A cash box change: its event, saved. */
static char *box_event(csim_t *s, uint8_t status)
{
    csim_event(s, 0, status);
    csim_state_save(s);
    return OK("counter=%u", s->dev.counter);
}

static char *cmd_remove_box(csim_t *s, char **av)
{
    (void)av;
    if (!s->dev.box_present)
        return ERR("the cash box is already removed");
    s->dev.box_present = false;
    return box_event(s, CSIM_ST_BOX_REMOVED);
}

static char *cmd_insert_box(csim_t *s, char **av)
{
    (void)av;
    if (s->dev.box_present)
        return ERR("the cash box is already in");
    s->dev.box_present = true;
    s->dev.box_full = false; /* an emptied box */
    return box_event(s, CSIM_ST_BOX_INSERTED);
}

static char *cmd_box_full(csim_t *s, char **av)
{
    (void)av;
    if (!s->dev.box_present || s->dev.box_full)
        return ERR("the cash box is %s", s->dev.box_present ? "already full" : "removed");
    s->dev.box_full = true;
    return box_event(s, CSIM_ST_BOX_FULL);
}

static char *cmd_power_cycle(csim_t *s, char **av)
{
    (void)av;
    LOG_I(CSIM_LOG, "power cycle");
    csim_power_cycle(s, CSIM_LOST_POWER);
    return OK("counter=%u", s->dev.counter);
}

/* N events the host will never read: "stacker OK" statuses, so that what
 * is left in the buffer carries no money. */
static char *cmd_lose_events(csim_t *s, char **av)
{
    int64_t n;
    if (!simio_parse_int(av[1], MIN_LOST, MAX_LOST, &n))
        return ERR("lose-events needs a count %d..%d", MIN_LOST, MAX_LOST);
    for (int64_t i = 0; i < n; i++)
        csim_event(s, 0, CSIM_ST_STACKER_OK);
    csim_state_save(s);
    LOG_I(CSIM_LOG, "fault: %lld events the host cannot read", (long long)n);
    return OK("counter=%u", s->dev.counter);
}

static char *set_count(unsigned *counter, const char *name, const char *text)
{
    int64_t n;
    if (!simio_parse_int(text, 0, MAX_FAULT, &n))
        return ERR("%s needs a count 0..%d", name, MAX_FAULT);
    *counter = (unsigned)n;
    return OK("%s", "");
}

static char *cmd_silent(csim_t *s, char **av)
{
    return set_count(&s->faults.silent, av[0], av[1]);
}

static char *cmd_lose_reply(csim_t *s, char **av)
{
    return set_count(&s->faults.lose_reply, av[0], av[1]);
}

static char *cmd_echo(csim_t *s, char **av)
{
    if (strcmp(av[1], "on") != 0 && strcmp(av[1], "off") != 0)
        return ERR("usage: echo on|off");
    s->echo = strcmp(av[1], "on") == 0;
    return OK("%s", "");
}

static char *cmd_state(csim_t *s, char **av)
{
    (void)av;
    char *json = csim_state_json(s, false);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

static char *cmd_faults(csim_t *s, char **av)
{
    (void)av;
    const csim_faults_t *f = &s->faults;
    return OK("reject=%d jam=%d silent=%u lose-reply=%u echo=%s", f->reject, f->jam, f->silent, f->lose_reply,
              s->echo ? "on" : "off");
}

static char *cmd_clear(csim_t *s, char **av)
{
    (void)av;
    memset(&s->faults, 0, sizeof s->faults);
    return OK("%s", "");
}

static char *cmd_help(csim_t *s, char **av);

static const struct command {
    const char *name;
    int args; /* words after the name */
    cmd_fn fn;
    const char *usage;
} commands[] = {
    {"insert", 1, cmd_insert, "insert TYPE|BILLID"},
    {"reject", 0, cmd_reject, "reject"},
    {"jam", 0, cmd_jam, "jam"},
    {"clear-jam", 1, cmd_clear_jam, "clear-jam stacked|returned"},
    {"remove-box", 0, cmd_remove_box, "remove-box"},
    {"insert-box", 0, cmd_insert_box, "insert-box"},
    {"box-full", 0, cmd_box_full, "box-full"},
    {"power-cycle", 0, cmd_power_cycle, "power-cycle"},
    {"lose-events", 1, cmd_lose_events, "lose-events N"},
    {"silent", 1, cmd_silent, "silent N"},
    {"lose-reply", 1, cmd_lose_reply, "lose-reply N"},
    {"echo", 1, cmd_echo, "echo on|off"},
    {"state", 0, cmd_state, "state"},
    {"faults", 0, cmd_faults, "faults"},
    {"clear", 0, cmd_clear, "clear"},
    {"help", 0, cmd_help, "help"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static char *cmd_help(csim_t *s, char **av)
{
    (void)s;
    (void)av;
    char text[1024] = "";
    for (size_t i = 0; i < N_COMMANDS; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", i ? "; " : "", commands[i].usage);
    return OK("%s", text);
}

char *csim_control(csim_t *s, char *line)
{
    char *av[MAX_WORDS];
    int ac = simio_split_words(line, av, MAX_WORDS);
    if (ac == 0)
        return ERR("empty command (try help)");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const struct command *c = &commands[i];
        if (strcmp(av[0], c->name) != 0)
            continue;
        if (ac - 1 != c->args)
            return ERR("usage: %s", c->usage);
        return c->fn(s, av);
    }
    return ERR("unknown command '%s' (try help)", av[0]);
}
