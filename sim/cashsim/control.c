/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/cashsim.md, "Control"). Every
 * change to the device is saved before the reply. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
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

/* bad-answer HEADER: the next request is not carried out and is answered
 * with HEADER and no data (0: an ACK without the data it should carry). */
static char *cmd_bad_answer(csim_t *s, char **av)
{
    int64_t h;
    if (!simio_parse_int(av[1], 0, 255, &h))
        return ERR("bad-answer needs a header 0..255 (0: an ACK with no data, 65: neither ACK nor NAK)");
    s->faults.bad_answer = true;
    s->faults.bad_header = (uint8_t)h;
    return OK("%s", "");
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
    char bad[24] = "";
    if (f->bad_answer)
        snprintf(bad, sizeof bad, " bad-answer=%u", f->bad_header);
    return OK("reject=%d jam=%d silent=%u lose-reply=%u echo=%s%s", f->reject, f->jam, f->silent, f->lose_reply,
              s->echo ? "on" : "off", bad);
}

static char *cmd_clear(csim_t *s, char **av)
{
    (void)av;
    memset(&s->faults, 0, sizeof s->faults);
    return OK("%s", "");
}

static char *cmd_help(csim_t *s, char **av);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"insert", 1, 1, "insert TYPE|BILLID"}, cmd_insert},
    {{"reject", 0, 0, "reject"}, cmd_reject},
    {{"jam", 0, 0, "jam"}, cmd_jam},
    {{"clear-jam", 1, 1, "clear-jam stacked|returned"}, cmd_clear_jam},
    {{"remove-box", 0, 0, "remove-box"}, cmd_remove_box},
    {{"insert-box", 0, 0, "insert-box"}, cmd_insert_box},
    {{"box-full", 0, 0, "box-full"}, cmd_box_full},
    {{"power-cycle", 0, 0, "power-cycle"}, cmd_power_cycle},
    {{"lose-events", 1, 1, "lose-events N"}, cmd_lose_events},
    {{"silent", 1, 1, "silent N"}, cmd_silent},
    {{"lose-reply", 1, 1, "lose-reply N"}, cmd_lose_reply},
    {{"bad-answer", 1, 1, "bad-answer HEADER"}, cmd_bad_answer},
    {{"echo", 1, 1, "echo on|off"}, cmd_echo},
    {{"state", 0, 0, "state"}, cmd_state},
    {{"faults", 0, 0, "faults"}, cmd_faults},
    {{"clear", 0, 0, "clear"}, cmd_clear},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, false,
};

static char *cmd_help(csim_t *s, char **av)
{
    (void)s;
    (void)av;
    return simio_cmd_help(&table);
}

char *csim_control(csim_t *s, char *line)
{
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    return c ? c->fn(s, av) : reply;
}
