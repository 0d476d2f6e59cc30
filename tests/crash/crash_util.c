#include "crash_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kiosk/app/cli.h"

#include "support/support.h"

int crash_failures;

void crash_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    crash_failures++;
}

void crash_must(kerr_t rc, const kmsg_t *msg, const char *what)
{
    if (rc != K_OK) {
        fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, msg->text);
        exit(4);
    }
}

void crash_config(const char *path, kiosk_config_t *cfg, char *dir, size_t len)
{
    char name[] = "crash", cfgopt[600], *args[] = {name, cfgopt, NULL};
    snprintf(cfgopt, sizeof cfgopt, "--config=%s", path);
    cli_args_t a;
    kmsg_t msg = {""};
    crash_must(cli_split(2, args, &a, &msg), &msg, "arguments");
    crash_must(cli_load_config(&a, cfg, &msg), &msg, "configuration");
    cli_free(&a);
    snprintf(dir, len, "%s", path);
    *(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
}

int crash_run(char *const argv[], unsigned kill_after_us)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    if (kill_after_us) {
        usleep(kill_after_us);
        kill(pid, SIGKILL);
    }
    int status;
    waitpid(pid, &status, 0);
    return status;
}

int crash_ctl(const char *ctl_bin, const char *dir, const char *verb, const char *sub)
{
    char cfg[700], bin[600], v[32], s[32];
    snprintf(cfg, sizeof cfg, "--config=%s/kiosk.ini", dir);
    snprintf(bin, sizeof bin, "%s", ctl_bin);
    snprintf(v, sizeof v, "%s", verb);
    snprintf(s, sizeof s, "%s", sub ? sub : "");
    char *argv[] = {bin, cfg, v, sub ? s : NULL, NULL};
    int status = crash_run(argv, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *crash_step_name(const char *dir, int k)
{
    static char name[64];
    char *text = file_read(dir, "steps.log"), want[16];
    snprintf(want, sizeof want, "%d ", k);
    snprintf(name, sizeof name, "?");
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
        if (strncmp(line, want, strlen(want)) == 0)
            snprintf(name, sizeof name, "%s", line + strlen(want));
    free(text);
    return name;
}

bool crash_control(int port, const char *cmd)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char reply[64] = "";
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, cmd, strlen(cmd)) >= 0 &&
              read(fd, reply, sizeof reply - 1) >= 2 && strncmp(reply, "ok", 2) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

void crash_add_credit(crash_check_t *c, const char *meter, long long count, long long amount)
{
    if (c->n_credits == (int)(sizeof c->credits / sizeof c->credits[0])) {
        crash_fail("%s: more credits than the check holds", c->label);
        return;
    }
    crash_credit_t *cr = &c->credits[c->n_credits++];
    *cr = (crash_credit_t){.count = count, .amount = amount};
    snprintf(cr->meter, sizeof cr->meter, "%s", meter);
}

void crash_load_fake_journal(const char *dir, crash_check_t *c)
{
    char *text = file_read(dir, "journal"), meter[16];
    long long count, amount;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
        if (sscanf(line, "credit %15s %lld %lld", meter, &count, &amount) == 3)
            crash_add_credit(c, meter, count, amount);
    free(text);
    for (int i = 0; i < c->n_credits; i++)
        for (int j = i + 1; j < c->n_credits; j++)
            if (strcmp(c->credits[i].meter, c->credits[j].meter) == 0 && c->credits[i].count == c->credits[j].count)
                crash_fail("%s: meter %s credited twice with count %lld", c->label, c->credits[i].meter,
                           c->credits[i].count);
}

static void on_txn(void *ctx, const ledger_txn_t *t)
{
    crash_check_t *c = ctx;
    if ((t->state == TXN_CANCELLED && t->paid == 0) || (t->state == TXN_REFUNDED && c->refunds_allowed))
        return;
    if (t->state != TXN_DELIVERED) {
        crash_fail("%s: txn %.8s left %s (%s) after recovery", c->label, t->id, txn_state_name(t->state), t->reason);
        return;
    }
    int found = 0;
    for (int i = 0; i < c->n_credits; i++) {
        crash_credit_t *cr = &c->credits[i];
        if (strcmp(cr->meter, t->meter) == 0 && cr->count == t->purchase_count) {
            found++;
            cr->matched = true;
            if (cr->amount != t->paid)
                crash_fail("%s: txn %.8s paid %lld but the meter got %lld", c->label, t->id, (long long)t->paid,
                           cr->amount);
        }
    }
    if (found != 1)
        crash_fail("%s: txn %.8s delivered, but the meter has %d credits with its count %lld", c->label, t->id,
                   found, (long long)t->purchase_count);
    c->paid_delivered += t->paid;
}

void crash_match_ledger(ledger_t *l, crash_check_t *c)
{
    ledger_filter_t all = {0};
    ledger_list(l, &all, on_txn, c, NULL);
    long long credited = 0;
    for (int i = 0; i < c->n_credits; i++) {
        credited += c->credits[i].amount;
        if (!c->credits[i].matched)
            crash_fail("%s: meter %s got count %lld (%lld) that no delivered transaction explains", c->label,
                       c->credits[i].meter, c->credits[i].count, c->credits[i].amount);
    }
    if (credited != c->paid_delivered)
        crash_fail("%s: %lld paid and delivered, %lld credited to meters", c->label, c->paid_delivered, credited);
}

void crash_check_child_log(const char *dir, ledger_t *l, crash_check_t *c)
{
    char *text = file_read(dir, "child.log");
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        char id[UUID_STR_LEN], state[32];
        ledger_txn_t t;
        if (sscanf(line, "done %36s %31s", id, state) != 2)
            continue;
        if (ledger_get(l, id, &t, NULL) != K_OK)
            crash_fail("%s: the child finished %.8s, but the ledger lost it", c->label, id);
        else if (strcmp(txn_state_name(t.state), state) != 0)
            crash_fail("%s: the child saw %.8s %s, the ledger now says %s", c->label, id, state, txn_state_name(t.state));
    }
    free(text);
}

void crash_append(const char *dir, const char *name, const char *line)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        perror(path);
        exit(3);
    }
    close(fd);
}

void crash_step(void *ctx, const char *step)
{
    crash_steps_t *s = ctx;
    char line[96];
    snprintf(line, sizeof line, "%d %s\n", ++s->n, step);
    crash_append(s->dir, "steps.log", line);
    if (s->n == s->kill_at && s->cut) {
        line[strcspn(line, "\n")] = '\0';
        s->cut(line);
    }
    if (s->n == s->kill_at)
        kill(getpid(), SIGKILL);
}

int crash_run_child(char *child, const char *dir, int k)
{
    char cfg[700], kk[16];
    snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
    snprintf(kk, sizeof kk, "%d", k);
    char *argv[] = {child, cfg, kk, NULL};
    return crash_run(argv, 0);
}

bool crash_kill_and_recover(char *child, const char *dir, int k, char *label, size_t len)
{
    int st = crash_run_child(child, dir, k);
    bool killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    snprintf(label, len, "kill at %d (%s)", k, crash_step_name(dir, k));
    if (!killed && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        crash_fail("%s: the child failed (status %d)", label, st);
    if (killed && crash_run_child(child, dir, 0) != 0)
        crash_fail("%s: the restart failed", label);
    return killed;
}

void *crash_open_ledger_db(const char *dir, const char *label)
{
    char path[700];
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    if (sqlite3_open(path, &db) == SQLITE_OK)
        return db;
    sqlite3_close(db);
    crash_fail("%s: the ledger does not open", label);
    return NULL;
}

long long crash_outcomes_once(void *db)
{
    return crash_sql_int(db, "SELECT count(*) FROM (SELECT json_extract(payload, '$.id') AS id, count(*) AS n "
                             "FROM outbox WHERE topic = 'command' GROUP BY 1 HAVING n = 1)");
}

long long crash_sql_int(void *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
