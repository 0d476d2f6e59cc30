/* Central commands' crash test: crash_cmd_child runs two central credits
 * and two relay commands against the fake meters and is SIGKILLed at each
 * step boundary in turn; then it starts again (finishing what the crash
 * left, and handed every command again). The fake meters' journal and
 * relay log are the witnesses: no credit applied twice or lost, no relay
 * command sent twice, every command final and reported once.
 *
 *   crash_cmd_test CHILD
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crash_util.h"
#include "support/support.h"

static char *child_bin;

static void make_site(char *dir, size_t len)
{
    char cfg[1000];
    if (!tmpdir_make(dir, len))
        exit(2);
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n"
             "[delivery]\nattempts = 2\nretry_base_ms = 100\n[log]\nlevel = error\n",
             dir, dir);
    if (!file_write(dir, "kiosk.ini", cfg) ||
        !file_write(dir, "meters", "000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n"
                                   "000000000003 100000000003 7 0\n"))
        exit(2);
}

static int lines(const char *dir, const char *file, const char *line)
{
    char path[700], buf[200];
    int n = 0;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    while (f && fgets(buf, sizeof buf, f))
        n += strncmp(buf, line, strlen(line)) == 0;
    if (f)
        fclose(f);
    return n;
}

static void check_commands(const char *dir, const char *label)
{
    sqlite3 *db = crash_open_ledger_db(dir, label);
    if (!db)
        return;
    if (crash_sql_int(db, "SELECT count(*) FROM meter_command") != 4 ||
        crash_sql_int(db, "SELECT count(*) FROM meter_command WHERE state NOT IN ('done', 'failed', 'unknown')") != 0)
        crash_fail("%s: a command is missing or not final", label);
    if (crash_sql_int(db, "SELECT count(*) FROM meter_command WHERE command = 'credit' AND state = 'done'") != 2)
        crash_fail("%s: a central credit did not end done", label);
    if (crash_sql_int(db, "SELECT count(*) FROM meter_command c JOIN txn t ON t.id = c.txn_id JOIN payment p ON p.txn_id = t.id "
              "AND p.method = 'central' AND p.ref = c.id WHERE c.command = 'credit' AND t.state = 'delivered'") != 2)
        crash_fail("%s: a credit's sale is not delivered with its one central payment", label);
    if (crash_sql_int(db, "SELECT count(*) FROM payment WHERE method = 'central'") != 2)
        crash_fail("%s: central payments booked: %lld", label, crash_sql_int(db, "SELECT count(*) FROM payment WHERE method = 'central'"));
    if (crash_outcomes_once(db) != 4)
        crash_fail("%s: a command's outcome is not in the outbox exactly once", label);
    const char *relays[][2] = {{"relay 000000000002 trip", "c0000000-0000-4000-8000-000000000002"},
                               {"relay 000000000002 close", "c0000000-0000-4000-8000-000000000004"}};
    for (int i = 0; i < 2; i++) {
        int sent = lines(dir, "relays", relays[i][0]);
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT state = 'done' FROM meter_command WHERE id = '%s'", relays[i][1]);
        if (sent > 1 || (crash_sql_int(db, sql) == 1 && sent != 1))
            crash_fail("%s: '%s' reached the meter %d times", label, relays[i][0], sent);
    }
    sqlite3_close(db);
    crash_check_t c = {.label = label};
    crash_load_fake_journal(dir, &c);
    ledger_t *l;
    kmsg_t msg;
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, &msg) == K_OK) {
        crash_match_ledger(l, &c);
        ledger_close(l);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: crash_cmd_test CHILD\n");
        return 2;
    }
    child_bin = argv[1];
    int k;
    for (k = 1; k < 200; k++) {
        char dir[512], label[96];
        make_site(dir, sizeof dir);
        bool killed = crash_kill_and_recover(child_bin, dir, k, label, sizeof label);
        check_commands(dir, label);
        tmpdir_remove(dir);
        if (!killed)
            break;
    }
    printf("%d kill points\n", k - 1);
    if (k < 8)
        crash_fail("only %d step boundaries: the child did not run the commands", k - 1);
    return crash_failures ? 1 : 0;
}
