/* Central refunds' crash test (docs/collector.md, "Central refunds"):
 * crash_cmd_child (CRASH_COMMANDS=refund) runs two refunds on a Modbus
 * meter of metersim and one on a DL/T 645 meter, SIGKILLed at each step
 * boundary in turn, then started again (finishing what the crash left, and
 * handed every command again). metersim's journal is the witness: each
 * refund reached the meter at most once, exactly the ones the ledger says
 * done, at the purchase count of their intent; none on DL/T 645; every
 * command final and reported once.
 *
 *   crash_refund_test CHILD METERSIM
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crash_util.h"
#include "support/simclient.h"
#include "support/support.h"

#define BALANCE 5000

static char *child_bin, *sim_bin;
static sc_sim_t sim;

/* metersim's journal of meter (caller deletes), or NULL. */
static cJSON *journal(const char *meter)
{
    static char text[1 << 16];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "state %s", meter);
    if (!sc_control(&sim, cmd, text, sizeof text))
        return NULL;
    cJSON *o = cJSON_Parse(text + 3), *j = cJSON_DetachItemFromObject(o, "journal");
    cJSON_Delete(o);
    return j;
}

static void make_site(char *dir, size_t len)
{
    const char *extra[] = {"--meters", "2", "--baud", "9600", "--speed", "0", "--log-level", "error", NULL};
    char cfg[1200], reg[400], reply[200];
    if (!tmpdir_make(dir, len) || !sc_write_key(dir) || !sc_start(&sim, sim_bin, dir, extra) ||
        !sc_control(&sim, "set 000000000001 balance 5000", reply, sizeof reply))
        exit(2);
    snprintf(reg, sizeof reg,
             "meter,customer,protocol,gateway\n000000000001,100000000001,modbus,127.0.0.1:%d/1\n"
             "000000000002,100000000002,dlt645,127.0.0.1:%d\n",
             sim.modbus, sim.dlt645);
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = modbus\nmaster_key_file = %s/master.key\n"
             "timeout_ms = 500\n[registry]\npath = %s/meters.csv\n[log]\nlevel = error\n",
             dir, dir, dir);
    if (!file_write(dir, "meters.csv", reg) || !file_write(dir, "kiosk.ini", cfg))
        exit(2);
}

/* Each refund metersim took is one the ledger says done, at its count. */
static void check_journal(sqlite3 *db, const char *label)
{
    cJSON *j = journal("000000000001"), *e;
    int took = 0;
    cJSON_ArrayForEach(e, j)
    {
        char sql[300];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM central_refund WHERE state = 'done' AND purchase_count = %lld AND amount = %lld",
                 (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "count")),
                 (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "amount")));
        took++;
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "kind")), "refund") != 0 || crash_sql_int(db, sql) != 1)
            crash_fail("%s: metersim took a refund the ledger does not have done once (count %g)", label,
                       cJSON_GetNumberValue(cJSON_GetObjectItem(e, "count")));
    }
    cJSON_Delete(j);
    if (crash_sql_int(db, "SELECT count(*) FROM central_refund WHERE state = 'done'") != took)
        crash_fail("%s: the ledger has %lld refunds done, metersim took %d", label,
                   crash_sql_int(db, "SELECT count(*) FROM central_refund WHERE state = 'done'"), took);
    j = journal("000000000002");
    if (cJSON_GetArraySize(j) != 0)
        crash_fail("%s: the DL/T 645 meter's journal is not empty", label);
    cJSON_Delete(j);
}

static void check(const char *dir, const char *label)
{
    sqlite3 *db = crash_open_ledger_db(dir, label);
    if (!db)
        return;
    if (crash_sql_int(db, "SELECT count(*) FROM meter_command") != 3 ||
        crash_sql_int(db, "SELECT count(*) FROM meter_command WHERE state NOT IN ('done', 'failed')") != 0)
        crash_fail("%s: a refund is missing or not done or failed", label);
    if (crash_sql_int(db, "SELECT count(*) FROM meter_command WHERE meter = '000000000002' AND state = 'failed' "
              "AND (reason LIKE 'the profile defines no refund%' OR reason LIKE 'interrupted after its intent%')") != 1)
        crash_fail("%s: the DL/T 645 refund did not fail (no refund in its profile, or settled by its count)", label);
    if (crash_outcomes_once(db) != 3)
        crash_fail("%s: a refund's outcome is not in the outbox exactly once", label);
    check_journal(db, label);
    sqlite3_close(db);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: crash_refund_test CHILD METERSIM\n");
        return 2;
    }
    child_bin = argv[1];
    sim_bin = argv[2];
    setenv("CRASH_COMMANDS", "refund", 1);
    int k, done_runs = 0;
    for (k = 1; k < 100; k++) {
        char dir[512], label[96];
        make_site(dir, sizeof dir);
        bool killed = crash_kill_and_recover(child_bin, dir, k, label, sizeof label);
        check(dir, label);
        sc_stop(&sim);
        tmpdir_remove(dir);
        done_runs++;
        if (!killed)
            break;
    }
    printf("%d kill points\n", k - 1);
    if (k < 6)
        crash_fail("only %d step boundaries: the child did not run the refunds", k - 1);
    return crash_failures ? 1 : 0;
}
