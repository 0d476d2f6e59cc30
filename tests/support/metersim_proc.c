#include "metersim_proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

bool metersim_write_key(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    if (!file_write(dir, "master.key", "000102030405060708090a0b0c0d0e0f\n"))
        return false;
    return chmod(path, 0600) == 0;
}

static bool read_ports(metersim_t *m)
{
    char *text = file_read(m->dir, "ports");
    if (!text)
        return false;
    bool ok = sscanf(text, "dlt645 %d modbus %d control %d", &m->dlt645, &m->modbus, &m->control) == 3;
    free(text);
    return ok;
}

bool metersim_start(metersim_t *m, const char *bin, const char *dir, int meters, int baud)
{
    memset(m, 0, sizeof *m);
    snprintf(m->dir, sizeof m->dir, "%s", dir);
    if (!metersim_write_key(dir))
        return false;
    char state[600], ports[600], key[600], n[16], b[16];
    snprintf(state, sizeof state, "%s/state.json", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(key, sizeof key, "%s/master.key", dir);
    snprintf(n, sizeof n, "%d", meters);
    snprintf(b, sizeof b, "%d", baud);
    unlink(ports);
    m->pid = fork();
    if (m->pid == 0) {
        execl(bin, bin, "--state", state, "--meters", n, "--ports-file", ports, "--master-key", key, "--baud", b,
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) { /* up to 5 s */
        if (read_ports(m))
            return true;
        int status;
        if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
            m->pid = 0;
            return false;
        }
        usleep(10000);
    }
    metersim_stop(m);
    return false;
}

bool metersim_control(metersim_t *m, const char *cmd, char *reply, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)m->control)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    char line[512];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    bool ok = write(fd, line, (size_t)n) == n;
    size_t got = 0;
    static char buf[1 << 20];
    while (ok && got + 1 < sizeof buf) {
        ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        if (memchr(buf, '\n', got))
            break;
    }
    close(fd);
    buf[got] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    ok = ok && strncmp(buf, "ok", 2) == 0;
    if (reply && len) {
        const char *body = strncmp(buf, "ok ", 3) == 0 ? buf + 3 : buf;
        snprintf(reply, len, "%s", body);
    }
    return ok;
}

char *metersim_meter_json(metersim_t *m, const char *meter)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "state %s", meter);
    char *reply = malloc(1 << 20);
    if (reply && metersim_control(m, cmd, reply, 1 << 20))
        return reply;
    free(reply);
    return NULL;
}

void metersim_stop(metersim_t *m)
{
    if (m->pid > 0) {
        kill(m->pid, SIGTERM);
        int status;
        for (int i = 0; i < 300 && waitpid(m->pid, &status, WNOHANG) == 0; i++)
            usleep(10000);
        kill(m->pid, SIGKILL);
        waitpid(m->pid, &status, 0);
    }
    m->pid = 0;
}
