/* The kiosk side of the central commands' crash test: the back office's
 * commands (two credits, a relay trip and a close) accepted and run as the
 * worker runs them, against the fake meters, SIGKILLing itself at step
 * boundary K. Each start finishes what the last one left (as the worker's
 * start does) and is then handed every command again, as a back office
 * whose acknowledgement got lost would hand them. With CRASH_COMMANDS=refund
 * (crash_refund_test, metersim) it runs central refunds instead: two on a
 * Modbus meter, one on a DL/T 645 meter.
 *
 *   crash_cmd_child CONFIG K      K = 0 runs to the end
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash_util.h"
#include "engine/engine_central.h"
#include "kiosk/site/site.h"

static crash_steps_t steps;
static char dir[CFG_PATH_LEN];

typedef struct command_line {
    const char *id, *meter, *command, *params;
} command_line_t;

static const command_line_t credits[] = {
    {"c0000000-0000-4000-8000-000000000001", "000000000001", "credit",
     "{\"amount\":1500,\"currency\":\"CNY\",\"paid_by\":\"counter\",\"reference\":\"R1\"}"},
    {"c0000000-0000-4000-8000-000000000002", "000000000002", "relay_trip", "{}"},
    {"c0000000-0000-4000-8000-000000000003", "000000000003", "credit",
     "{\"amount\":700,\"currency\":\"CNY\",\"paid_by\":\"online\",\"reference\":\"R2\"}"},
    {"c0000000-0000-4000-8000-000000000004", "000000000002", "relay_close", "{}"},
};

static const command_line_t refunds[] = {
    {"r0000000-0000-4000-8000-000000000001", "000000000001", "refund", "{\"amount\":1000,\"currency\":\"CNY\"}"},
    {"r0000000-0000-4000-8000-000000000002", "000000000001", "refund", "{\"amount\":400,\"currency\":\"CNY\"}"},
    {"r0000000-0000-4000-8000-000000000003", "000000000002", "refund", "{\"amount\":100,\"currency\":\"CNY\"}"},
};

static const command_line_t *commands = credits;
static size_t n_commands = sizeof credits / sizeof credits[0];

static void one(engine_t *e, int i)
{
    ledger_command_t c = {.state = MCMD_RECEIVED, .issued_at = kclock_wall(NULL)};
    c.expires_at = c.issued_at + 3600 * 1000;
    snprintf(c.id, sizeof c.id, "%s", commands[i].id);
    snprintf(c.meter, sizeof c.meter, "%s", commands[i].meter);
    mcmd_from_name(commands[i].command, &c.command);
    snprintf(c.params, sizeof c.params, "%s", commands[i].params);
    snprintf(c.operator_name, sizeof c.operator_name, "crash");
    bool fresh;
    kmsg_t msg = {""};
    crash_must(engine_central_accept(e, &c, "{}", &fresh, &msg), &msg, "accept");
    ledger_command_t after;
    crash_must(engine_central_run(e, c.id, &after, &msg), &msg, "run");
    char line[160];
    snprintf(line, sizeof line, "command %s %s\n", c.id, mcmd_state_name(after.state));
    crash_append(dir, "child.log", line);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: crash_cmd_child CONFIG K\n");
        return 2;
    }
    steps.kill_at = atoi(argv[2]);
    const char *set = getenv("CRASH_COMMANDS");
    if (set && strcmp(set, "refund") == 0) {
        commands = refunds;
        n_commands = sizeof refunds / sizeof refunds[0];
    }
    kiosk_config_t cfg;
    site_t s;
    kmsg_t msg = {""};
    crash_config(argv[1], &cfg, dir, sizeof dir);
    steps.dir = dir;
    crash_must(site_open_link(&cfg, &s, NULL, NULL, &msg), &msg, "site");
    s.engine.step = crash_step;
    s.engine.step_ctx = &steps;
    engine_recovery_t rep;
    int done = 0;
    crash_must(engine_central_recover(&s.engine, &done, &msg), &msg, "central recovery");
    crash_must(engine_recover(&s.engine, &rep, &msg), &msg, "recovery");
    crash_must(engine_central_recover(&s.engine, &done, &msg), &msg, "central recovery after the sales'");
    for (size_t i = 0; i < n_commands; i++)
        one(&s.engine, (int)i);
    site_close(&s);
    printf("steps %d\n", steps.n);
    return 0;
}
