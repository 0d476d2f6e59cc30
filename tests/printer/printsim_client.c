#include "printer/printsim_client.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/support.h"

static bool read_ports(void *ctx)
{
    ps_sim_t *s = ctx;
    char *text = file_read(s->sc.dir, "ports");
    char pty[600];
    bool ok = text && sscanf(text, "printer %d control %d pty %599s", &s->printer, &s->sc.control, pty) == 3;
    free(text);
    return ok;
}

bool ps_start(ps_sim_t *s, const char *bin, const char *dir, const char *const *extra)
{
    char ports[600], log[600];
    memset(s, 0, sizeof *s);
    snprintf(s->sc.dir, sizeof s->sc.dir, "%s", dir);
    snprintf(s->link, sizeof s->link, "%s/lp", dir);
    snprintf(s->out, sizeof s->out, "%s/out", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(log, sizeof log, "%s/printsim.log", dir);
    unlink(ports);
    const char *argv[] = {bin,   "--out",       s->out,  "--tcp", "0", "--link", s->link, "--ports-file",
                          ports, "--log-level", "debug", NULL};
    return sc_launch(&s->sc, log, argv, extra, read_ports, s);
}

int64_t ps_state_int(const ps_sim_t *s, const char *key)
{
    char reply[4096];
    if (!sc_control(&s->sc, "state", reply, sizeof reply))
        return -1;
    cJSON *o = cJSON_Parse(reply + 3); /* after "ok " */
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    int64_t n = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
    cJSON_Delete(o);
    return n;
}

bool ps_wait_state(const ps_sim_t *s, const char *key, int64_t want, int timeout_ms)
{
    for (int64_t end = sc_now_ms() + timeout_ms; sc_now_ms() < end; usleep(10000))
        if (ps_state_int(s, key) >= want)
            return true;
    return false;
}

bool ps_wait_receipt(const ps_sim_t *s, unsigned n, char *txt, size_t cap, int timeout_ms)
{
    snprintf(txt, cap, "%s/receipt-%04u.txt", s->out, n);
    for (int64_t end = sc_now_ms() + timeout_ms; sc_now_ms() < end; usleep(10000))
        if (access(txt, R_OK) == 0)
            return true;
    return false;
}

char *ps_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while (mem && (c = fgetc(f)) != EOF)
        fputc(c, mem);
    fclose(f);
    if (mem)
        fclose(mem);
    return buf;
}

char *ps_zbar(const char *path)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    int status = pclose(p);
    if (status != 0 || n == 0)
        return NULL;
    buf[n] = '\0';
    if (buf[n - 1] == '\n')
        buf[n - 1] = '\0';
    return strdup(buf);
}
