/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/printsim.md, "Control"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/printsim/prsim.h"

#define MAX_WORDS 4
#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

typedef char *(*cmd_fn)(prsim_t *s, char **av);

/* "12 12 12 1E": the answers to DLE EOT 1..4 now. */
static void status_hex(const prsim_dev_t *d, char out[12])
{
    snprintf(out, 12, "%02X %02X %02X %02X", prsim_status_byte(d, 1), prsim_status_byte(d, 2),
             prsim_status_byte(d, 3), prsim_status_byte(d, 4));
}

/* ok with the new status, logged. */
static char *changed(prsim_t *s)
{
    char hex[12];
    status_hex(&s->printer.dev, hex);
    LOG_I(PRSIM_LOG, "printer now: paper %s, cover %s, %s, error %s (status %s)", prsim_paper_name(s->printer.dev.paper),
          s->printer.dev.cover_open ? "open" : "closed", s->printer.dev.offline ? "offline" : "online",
          prsim_error_name(s->printer.dev.error), hex);
    return OK("status=%s", hex);
}

static bool on_off(const char *text, bool *out)
{
    if (strcmp(text, "on") != 0 && strcmp(text, "off") != 0)
        return false;
    *out = strcmp(text, "on") == 0;
    return true;
}

static char *cmd_paper(prsim_t *s, char **av)
{
    if (!prsim_paper_parse(av[1], &s->printer.dev.paper))
        return ERR("usage: paper ok|near-end|out");
    return changed(s);
}

static char *cmd_cover(prsim_t *s, char **av)
{
    if (strcmp(av[1], "open") != 0 && strcmp(av[1], "closed") != 0)
        return ERR("usage: cover open|closed");
    s->printer.dev.cover_open = strcmp(av[1], "open") == 0;
    return changed(s);
}

static char *cmd_offline(prsim_t *s, char **av)
{
    if (!on_off(av[1], &s->printer.dev.offline))
        return ERR("usage: offline on|off");
    return changed(s);
}

static char *cmd_error(prsim_t *s, char **av)
{
    if (!prsim_error_parse(av[1], &s->printer.dev.error))
        return ERR("usage: error none|mechanical|cutter|unrecoverable|auto-recoverable");
    return changed(s);
}

static char *cmd_state(prsim_t *s, char **av)
{
    (void)av;
    char *json = prsim_state_json(s);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

static char *cmd_last(prsim_t *s, char **av)
{
    (void)av;
    if (!s->out.last[0])
        return ERR("no receipt yet");
    return OK("%s.txt %s.png", s->out.last, s->out.last);
}

static char *cmd_help(prsim_t *s, char **av);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"paper", 1, 1, "paper ok|near-end|out"}, cmd_paper},
    {{"cover", 1, 1, "cover open|closed"}, cmd_cover},
    {{"offline", 1, 1, "offline on|off"}, cmd_offline},
    {{"error", 1, 1, "error none|mechanical|cutter|unrecoverable|auto-recoverable"}, cmd_error},
    {{"state", 0, 0, "state"}, cmd_state},
    {{"last", 0, 0, "last"}, cmd_last},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, false,
};

static char *cmd_help(prsim_t *s, char **av)
{
    (void)s;
    (void)av;
    return simio_cmd_help(&table);
}

char *prsim_control(prsim_t *s, char *line)
{
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    return c ? c->fn(s, av) : reply;
}

static bool add_counts(cJSON *o, const prsim_t *s)
{
    const prsim_printer_t *p = &s->printer;
    return kjson_add_int(o, "receipts", (int64_t)p->receipts) && kjson_add_int(o, "discarded", (int64_t)p->discarded) &&
           kjson_add_int(o, "status_queries", (int64_t)p->queries) &&
           kjson_add_int(o, "unknown_bytes", (int64_t)p->unknown) &&
           kjson_add_int(o, "tcp_bytes", (int64_t)s->tcp.bytes) && kjson_add_int(o, "pty_bytes", (int64_t)s->serial.bytes) &&
           kjson_add_int(o, "connections", (int64_t)s->connections);
}

char *prsim_state_json(const prsim_t *s)
{
    const prsim_dev_t *d = &s->printer.dev;
    char hex[12], last[PRSIM_PATH_MAX + 8];
    status_hex(d, hex);
    snprintf(last, sizeof last, "%s.txt", s->out.last);
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "paper", prsim_paper_name(d->paper)) &&
              kjson_add_str(o, "cover", d->cover_open ? "open" : "closed") &&
              cJSON_AddBoolToObject(o, "offline", d->offline) && kjson_add_str(o, "error", prsim_error_name(d->error)) &&
              kjson_add_str(o, "status", hex) && cJSON_AddBoolToObject(o, "printable", prsim_printable(d)) &&
              add_counts(o, s) && cJSON_AddBoolToObject(o, "pty_hung", s->pty.master >= 0 && s->pty.hung) &&
              kjson_add_str(o, "last", s->out.last[0] ? last : NULL) &&
              cJSON_AddBoolToObject(o, "receipt_spoiled", s->printer.page.spoiled);
    char *text = ok ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    return text;
}
