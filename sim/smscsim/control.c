/* smscsim's control port: one command a line, one reply line each, "ok
 * ..." or "error ..." (docs/sim/smscsim.md, "Control"). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/common/simio.h"
#include "sim/smscsim/smsc.h"

#define MAX_WORDS 4
#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

typedef char *(*cmd_fn)(smsc_t *s, char **av, int ac);

static char *count_arg(int64_t *slot, const char *text, const char *name)
{
    if (!simio_parse_int(text, 0, 1000000, slot))
        return ERR("%s needs a count 0..1000000", name);
    return OK("%s", "");
}

static char *cmd_fail(smsc_t *s, char **av, int ac)
{
    (void)ac;
    return count_arg(&s->faults.fail, av[1], "fail");
}

static char *cmd_silent(smsc_t *s, char **av, int ac)
{
    (void)ac;
    return count_arg(&s->faults.silent, av[1], "silent");
}

static char *cmd_latency(smsc_t *s, char **av, int ac)
{
    (void)ac;
    if (!simio_parse_int(av[1], 0, 60000, &s->faults.latency))
        return ERR("latency needs milliseconds 0..60000");
    return OK("%s", "");
}

static char *cmd_refuse(smsc_t *s, char **av, int ac)
{
    (void)ac;
    return count_arg(&s->faults.refuse, av[1], "refuse");
}

static char *cmd_reject(smsc_t *s, char **av, int ac)
{
    (void)ac;
    char *end = NULL;
    unsigned long v = strtoul(av[1], &end, 16);
    if (!av[1][0] || *end || v == 0 || v > 0xFFFF)
        return ERR("reject needs a command_status in hex, 1..FFFF (0B: ESME_RINVDSTADR)");
    s->faults.reject = (uint32_t)v;
    return OK("%s", "");
}

static bool on_off(const char *w, bool *out)
{
    if (strcmp(w, "on") != 0 && strcmp(w, "off") != 0)
        return false;
    *out = strcmp(w, "on") == 0;
    return true;
}

static char *cmd_throttle(smsc_t *s, char **av, int ac)
{
    (void)ac;
    return on_off(av[1], &s->faults.throttle) ? OK("%s", "") : ERR("usage: throttle on|off");
}

static char *cmd_auto_receipt(smsc_t *s, char **av, int ac)
{
    (void)ac;
    return on_off(av[1], &s->faults.auto_receipt) ? OK("%s", "") : ERR("usage: auto-receipt on|off");
}

static char *cmd_drop(smsc_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    int n = 0;
    for (int i = 0; i < SMSC_CONNS; i++)
        if (s->conn[i].fd >= 0) {
            smsc_hang_up(&s->conn[i], "dropped by the control port");
            n++;
        }
    return OK("%d", n);
}

static char *cmd_receipt(smsc_t *s, char **av, int ac)
{
    (void)ac;
    if (strlen(av[2]) > 7)
        return ERR("a receipt's stat is at most 7 letters (DELIVRD, UNDELIV, EXPIRED, REJECTD ...)");
    return smsc_send_receipt(s, av[1], av[2]) ? OK("%s", "") : ERR("no ESME bound as receiver or transceiver");
}

static char *cmd_list(smsc_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < s->n_msgs; i++) {
        const smsc_msg_t *m = &s->msgs[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", m->id);
        cJSON_AddStringToObject(o, "ids", m->ids);
        cJSON_AddStringToObject(o, "to", m->to);
        cJSON_AddStringToObject(o, "from", m->from);
        cJSON_AddNumberToObject(o, "parts", m->parts);
        cJSON_AddNumberToObject(o, "data_coding", m->data_coding);
        cJSON_AddStringToObject(o, "text", m->text);
        cJSON_AddItemToArray(arr, o);
    }
    char *json = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

static char *cmd_count(smsc_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    int bound = 0;
    for (int i = 0; i < SMSC_CONNS; i++)
        bound += s->conn[i].fd >= 0 && s->conn[i].bound;
    return OK("submits=%llu binds=%llu receipts=%llu enquires=%llu throttled=%llu messages=%zu bound=%d",
              (unsigned long long)s->submits, (unsigned long long)s->binds, (unsigned long long)s->receipts_sent,
              (unsigned long long)s->enquires, (unsigned long long)s->throttled, s->n_msgs, bound);
}

static char *cmd_clear(smsc_t *s, char **av, int ac)
{
    (void)av;
    (void)ac;
    memset(&s->faults, 0, sizeof s->faults);
    memset(s->pending, 0, SMSC_PENDING * sizeof *s->pending);
    s->n_msgs = 0;
    s->submits = s->binds = s->receipts_sent = s->enquires = s->throttled = 0;
    return OK("%s", "");
}

static char *cmd_help(smsc_t *s, char **av, int ac);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"fail", 1, 1, "fail N"}, cmd_fail},
    {{"silent", 1, 1, "silent N"}, cmd_silent},
    {{"refuse", 1, 1, "refuse N"}, cmd_refuse},
    {{"reject", 1, 1, "reject STATUS"}, cmd_reject},
    {{"throttle", 1, 1, "throttle on|off"}, cmd_throttle},
    {{"auto-receipt", 1, 1, "auto-receipt on|off"}, cmd_auto_receipt},
    {{"latency", 1, 1, "latency MS"}, cmd_latency},
    {{"drop", 0, 0, "drop"}, cmd_drop},
    {{"receipt", 2, 2, "receipt ID STAT"}, cmd_receipt},
    {{"list", 0, 0, "list"}, cmd_list},
    {{"count", 0, 0, "count"}, cmd_count},
    {{"clear", 0, 0, "clear"}, cmd_clear},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, true,
};

static char *cmd_help(smsc_t *s, char **av, int ac)
{
    (void)s;
    (void)av;
    (void)ac;
    return simio_cmd_help(&table);
}

char *smsc_control(smsc_t *s, char *line)
{
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    if (!c)
        return reply;
    LOG_D(SMSC_LOG, "control: %s", av[0]);
    return c->fn(s, av, ac);
}
