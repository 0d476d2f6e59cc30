/* A long Chinese notice end to end (docs/notices.md, "End to end"): a
 * notice whose text takes three SMS parts, queued in the notice outbox of
 * a real `backoffice serve`, handed by its worker over SMPP to the SMSC
 * written with the npm smpp package (tests/smsc/server.js), which logs
 * each submit_sm: three parts in UCS-2 (data_coding 8) under one
 * concatenation reference, 1/3 to 3/3, joined into the notice's text;
 * delivered by its receipt, and sent once across more passes and a
 * restart of the server. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backoffice/store_sqlite/bo_sqlite.h"
#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"

/* 150 characters: 67 + 67 + 16 in UCS-2 with a six-byte UDH. */
static const char TEXT[] =
    "尊敬的用户：因供电线路检修，您所在小区将于12月8日9:00至17:00停电，表号000000000001的用电将暂停。"
    "检修期间请关闭大功率电器，并妥善保管冰箱内的食品。如遇紧急情况请拨打物业服务中心电话，"
    "给您带来的不便，敬请谅解。恢复供电后无需任何操作，电表将自动恢复供电，余额不受影响。谢谢！";

typedef struct npm {
    char dir[256];
    pid_t pid;
    int port;
} npm_t;

/* Starts the npm SMSC, its stdout into dir/npm.out; its port. */
static void npm_start(npm_t *n)
{
    char out[320], ports[320], line[64] = "";
    assert_true(tmpdir_make(n->dir, sizeof n->dir));
    snprintf(out, sizeof out, "%s/npm.out", n->dir);
    snprintf(ports, sizeof ports, "%s/npm.ports", n->dir);
    n->pid = fork();
    assert_true(n->pid >= 0);
    if (n->pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        execl(getenv("NODE"), "node", getenv("SMSC_JS"), "--ports-file", ports, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200 && sscanf(line, "smpp %d", &n->port) != 1; i++) {
        usleep(100000);
        char *text = file_read(n->dir, "npm.ports");
        snprintf(line, sizeof line, "%s", text ? text : "");
        free(text);
    }
    if (n->port <= 0)
        fail_msg("the npm SMSC did not start: is tests/smsc/node_modules there (scripts/install-deps runs npm ci)?");
}

static void npm_stop(npm_t *n)
{
    kill(n->pid, SIGTERM);
    waitpid(n->pid, NULL, 0);
    tmpdir_remove(n->dir);
}

/* The SMSC's log lines of event ev, as a JSON array (to delete). */
static cJSON *events(const npm_t *n, const char *ev)
{
    cJSON *all = cJSON_CreateArray();
    char *log = file_read(n->dir, "npm.out");
    for (char *line = log ? strtok(log, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        cJSON *o = cJSON_Parse(line);
        const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(o, "event"));
        if (e && strcmp(e, ev) == 0)
            cJSON_AddItemToArray(all, o);
        else
            cJSON_Delete(o);
    }
    free(log);
    return all;
}

static int num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    return cJSON_IsNumber(v) ? v->valueint : -1;
}

/* Waits up to 30 s for the notice's row to be delivered. */
static bool delivered(boh_t *h)
{
    for (int i = 0; i < 300; i++) {
        if (boh_count(h, "SELECT count(*) FROM notice_outbox WHERE key = 'outage:A1:20261208' AND state = 'delivered' "
                         "AND report = 'DELIVRD'") == 1)
            return true;
        usleep(100000);
    }
    return false;
}

/* Queues the notice in the server's outbox as the domain does. */
static void queue(boh_t *h, bool *added)
{
    char path[300];
    bo_store_t st;
    kmsg_t msg = {{0}};
    snprintf(path, sizeof path, "%s/bo.db", h->dir);
    assert_int_equal(bo_sqlite_open(path, &st, &msg), K_OK);
    bo_out_new_t n = {"outage:A1:20261208", "sms", "A1", "000000000001", "supply_cut", "zh_CN", "8613812345678",
                      "86138****5678", "停电通知", TEXT, "{}", 0, 0};
    assert_int_equal(st.ops->notice->enqueue(st.ctx, &n, added, &msg), K_OK);
    st.ops->close(st.ctx);
}

static void three_parts_in_ucs2_joined_and_sent_once(void **state)
{
    (void)state;
    npm_t n;
    boh_t h;
    char ini[1024], pw[320];
    npm_start(&n);
    snprintf(pw, sizeof pw, "%s/smsc.password", n.dir);
    assert_true(file_write(n.dir, "smsc.password", "secret\n"));
    assert_int_equal(chmod(pw, 0600), 0);
    snprintf(ini, sizeof ini,
             "[notices]\nsms = true\nretry_min_seconds = 1\nretry_max_seconds = 2\n"
             "[sms]\nhost = 127.0.0.1\nport = %d\nsystem_id = kiosk\npassword_file = %s\nsource = 95588\n",
             n.port, pw);
    assert_true(boh_setup(&h, false, ini));
    assert_true(boh_meter(&h, "000000000001", "S1"));
    assert_int_equal(boh_clif(&h, "account open A1 --customer C0 --meter 000000000001"), 0);
    bool added = false;
    queue(&h, &added);
    assert_true(added);
    queue(&h, &added); /* the same notice again: its key holds it once */
    assert_false(added);
    assert_true(delivered(&h));
    sleep(2); /* more of the worker's passes */
    assert_int_equal(boh_stop(&h), 0);
    assert_true(boh_start(&h));
    sleep(2); /* and a restart: nothing goes again */
    cJSON *parts = events(&n, "submit"), *whole = events(&n, "message");
    char *log = cJSON_PrintUnformatted(parts);
    fprintf(stderr, "%s\n", log);
    free(log);
    assert_int_equal(cJSON_GetArraySize(parts), 3);
    int ref = num(cJSON_GetArrayItem(parts, 0), "ref");
    assert_true(ref >= 0);
    size_t joined_len = 0;
    char joined[sizeof TEXT] = "";
    for (int i = 0; i < 3; i++) {
        const cJSON *p = cJSON_GetArrayItem(parts, i);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(p, "to")), "8613812345678");
        assert_int_equal(num(p, "data_coding"), 8);
        assert_int_equal(num(p, "esm_class") & 0x40, 0x40); /* a UDH in front */
        assert_int_equal(num(p, "ref"), ref);
        assert_int_equal(num(p, "total"), 3);
        assert_int_equal(num(p, "seq"), i + 1);
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(p, "text"));
        assert_non_null(t);
        assert_true(joined_len + strlen(t) < sizeof joined);
        memcpy(joined + joined_len, t, strlen(t) + 1);
        joined_len += strlen(t);
    }
    assert_string_equal(joined, TEXT);
    assert_int_equal(cJSON_GetArraySize(whole), 1);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(whole, 0), "text")), TEXT);
    assert_int_equal(boh_count(&h, "SELECT count(*) FROM notice_outbox"), 1);
    assert_int_equal(boh_count(&h, "SELECT attempts FROM notice_outbox"), 1);
    cJSON_Delete(parts);
    cJSON_Delete(whole);
    boh_teardown(&h);
    npm_stop(&n);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_parts_in_ucs2_joined_and_sent_once),
    };
    return ktest_run("bo_sms_long", tests, sizeof tests / sizeof tests[0], argc, argv);
}
