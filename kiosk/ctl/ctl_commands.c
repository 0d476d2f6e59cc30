/* The worker's central commands (ctl_commands.h). */
#include "kiosk/ctl/ctl_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/log.h"
#include "engine/engine_central.h"
#include "sync/sync_commands.h"

#define WAIT_DEFAULT_S 25

/* The settings document's command_wait_seconds, else the default. */
static int wait_seconds(ledger_t *l)
{
    ledger_doc_t d;
    bool found = false;
    kmsg_t ignore;
    int wait = WAIT_DEFAULT_S;
    if (ledger_doc_get(l, "settings", &d, &found, &ignore) != K_OK || !found)
        return wait;
    cJSON *b = cJSON_Parse(d.body);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "settings"),
                                                      "command_wait_seconds");
    if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 30)
        wait = (int)v->valuedouble;
    cJSON_Delete(b);
    free(d.body);
    return wait;
}

static bool stopping(void *ctx)
{
    return atomic_load(&((ctl_commands_t *)ctx)->stop);
}

static void enqueue(ctl_commands_t *k, char **env, size_t n)
{
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < n; i++) {
        if (k->n == k->cap) {
            size_t cap = k->cap ? k->cap * 2 : 8;
            char **q = realloc(k->queue, cap * sizeof *q);
            if (!q)
                break;
            k->queue = q;
            k->cap = cap;
        }
        k->queue[k->n++] = env[i];
        env[i] = NULL;
    }
    atomic_store(&k->ready, k->n > 0);
    pthread_mutex_unlock(&k->lock);
}

/* The long poll, again and again; after a failure it waits (backing off
 * with jitter) so a back office that is down is not hammered. What it
 * brought is handled by the worker before it asks again: until the kiosk
 * acknowledges them, the back office would hand the same commands back. */
static void *poll_loop(void *arg)
{
    ctl_commands_t *k = arg;
    unsigned failures = 0;
    while (!atomic_load(&k->stop)) {
        char **env = NULL;
        size_t n = 0;
        kmsg_t msg = {""};
        if (sync_commands_poll(k->poll, k->wait_s, stopping, k, &env, &n, &msg) == K_OK) {
            failures = 0;
            enqueue(k, env, n);
            sync_commands_free(env, n);
            while (atomic_load(&k->ready) && !atomic_load(&k->stop))
                usleep(5 * 1000);
            continue;
        }
        int64_t wait = backoff_delay_ms(++failures, k->cfg->sync_retry_base_ms, k->cfg->sync_retry_max_ms, 0x80000000u);
        if (!atomic_load(&k->stop))
            LOG_D("worker", "command poll: %s; again in %lld ms", msg.text, (long long)wait);
        for (int64_t slept = 0; slept < wait && !atomic_load(&k->stop); slept += 50)
            usleep(50 * 1000);
    }
    return NULL;
}

int ctl_commands_start(ctl_t *c, ctl_site_t *s, sync_client_t *link, ctl_commands_t *k)
{
    memset(k, 0, sizeof *k);
    k->cfg = &c->cfg;
    k->link = link;
    k->open = true;
    pthread_mutex_init(&k->lock, NULL);
    int done = 0;
    kmsg_t msg = {""};
    if (engine_central_recover(&s->engine, &done, &msg) != K_OK)
        fprintf(stderr, "worker: central commands at start: %s\n", msg.text);
    else if (done)
        printf("worker: %d central commands finished at start\n", done);
    if (!link)
        return CTL_EXIT_OK;
    k->wait_s = wait_seconds(s->ledger);
    if (sync_client_open(&c->cfg, &k->poll, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "the command poll's link: %s", msg.text);
    if (pthread_create(&k->thread, NULL, poll_loop, k) != 0)
        return ctl_fail(CTL_EXIT_FAIL, "could not start the command poll's thread");
    k->running = true;
    return CTL_EXIT_OK;
}

bool ctl_commands_ready(ctl_commands_t *k)
{
    return atomic_load(&k->ready);
}

static ledger_command_t as_ledger(const sync_command_t *s)
{
    ledger_command_t c = {.issued_at = s->issued_at, .expires_at = s->expires_at, .state = MCMD_RECEIVED};
    snprintf(c.id, sizeof c.id, "%s", s->id);
    snprintf(c.meter, sizeof c.meter, "%s", s->meter);
    if (!mcmd_from_name(s->command, &c.command))
        c.command = MCMD_COUNT;
    snprintf(c.params, sizeof c.params, "%s", s->params);
    snprintf(c.operator_name, sizeof c.operator_name, "%s", s->operator_name);
    return c;
}

static void ack(ctl_commands_t *k, const char *id, bool refused, const char *why)
{
    kmsg_t msg = {""};
    if (id[0] && sync_commands_ack(k->link, id, refused, why, &msg) != K_OK)
        fprintf(stderr, "worker: acknowledging command %.8s: %s (it comes again and is answered then)\n", id,
                msg.text);
}

/* A command recorded before (its acknowledgement was lost): acknowledged
 * again as it was, and nothing else; false if it is new. */
static bool known(ctl_site_t *s, ctl_commands_t *k, const char *id)
{
    ledger_command_t c;
    bool found = false;
    kmsg_t msg = {""};
    if (!id[0] || ledger_command_get(s->ledger, id, &c, &found, &msg) != K_OK || !found)
        return false;
    ack(k, id, c.state == MCMD_REFUSED, c.state == MCMD_REFUSED ? c.reason : "");
    return true;
}

/* One envelope: checked, recorded (or refused), acknowledged, run. */
static void handle(ctl_site_t *s, ctl_commands_t *k, const char *env)
{
    sync_command_t sc;
    kmsg_t why = {""}, msg = {""};
    bool fresh = false;
    engine_t *e = &s->engine;
    kerr_t rc = sync_command_check(k->cfg->sync_pubkey, k->cfg->kiosk_id, env, kclock_wall(e->clk), &sc, &why);
    if (known(s, k, sc.id))
        return;
    ledger_command_t c = as_ledger(&sc);
    if (rc == K_OK && c.command == MCMD_COUNT)
        rc = kmsg_set(&why, K_EDENIED, "no such command '%s'", sc.command);
    if (rc != K_OK) {
        if (engine_central_refuse(e, &c, env, why.text, &msg) != K_OK)
            fprintf(stderr, "worker: recording a refused command: %s\n", msg.text);
        ack(k, c.id, true, why.text);
        return;
    }
    rc = engine_central_accept(e, &c, env, &fresh, &msg);
    if (rc != K_OK && rc != K_EDENIED) {
        fprintf(stderr, "worker: command %.8s not recorded: %s (not acknowledged)\n", c.id, msg.text);
        return;
    }
    ack(k, c.id, rc == K_EDENIED, rc == K_EDENIED ? msg.text : "");
    if (rc == K_EDENIED)
        return;
    ledger_command_t after;
    if (engine_central_run(e, c.id, &after, &msg) != K_OK)
        fprintf(stderr, "worker: command %.8s: %s\n", c.id, msg.text);
    else
        printf("worker: command %.8s %s %s: %s%s%s\n", c.id, mcmd_name(c.command), c.meter,
               mcmd_state_name(after.state), after.reason[0] ? ": " : "", after.reason);
    k->open = true;
}

static void upload(ctl_site_t *s, ctl_commands_t *k)
{
    sync_upload_result_t r;
    kmsg_t msg = {""};
    if (k->link && sync_upload(k->link, s->ledger, &r, &msg) != K_OK)
        fprintf(stderr, "worker: uploading the commands' outcomes: %s (the next round sends them)\n", msg.text);
}

void ctl_commands_turn(ctl_site_t *s, ctl_commands_t *k)
{
    pthread_mutex_lock(&k->lock);
    char **q = k->queue;
    size_t n = k->n;
    k->queue = NULL;
    k->n = k->cap = 0;
    atomic_store(&k->ready, false);
    pthread_mutex_unlock(&k->lock);
    for (size_t i = 0; i < n; i++) {
        handle(s, k, q[i]);
        free(q[i]);
    }
    free(q);
    int done = 0;
    kmsg_t msg = {""};
    if (k->open && engine_central_recover(&s->engine, &done, &msg) != K_OK)
        fprintf(stderr, "worker: central commands: %s\n", msg.text);
    ledger_command_t open;
    size_t left = 0;
    k->open = ledger_command_open(s->ledger, &open, 1, &left, &msg) != K_OK || left > 0;
    if (n || done)
        upload(s, k);
}

void ctl_commands_stop(ctl_commands_t *k)
{
    atomic_store(&k->stop, true);
    if (k->running)
        pthread_join(k->thread, NULL);
    k->running = false;
    sync_client_close(k->poll);
    for (size_t i = 0; i < k->n; i++)
        free(k->queue[i]);
    free(k->queue);
    pthread_mutex_destroy(&k->lock);
}
