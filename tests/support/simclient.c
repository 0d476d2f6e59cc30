#include "simclient.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "drivers/gateway/dlt645_frame.h"
#include "support/support.h"

#define MAX_ARGS 40

int64_t sc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool sc_write_key(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const char key[] = "000102030405060708090a0b0c0d0e0f\n";
    bool ok = fd >= 0 && write(fd, key, sizeof key - 1) == (ssize_t)(sizeof key - 1);
    if (fd >= 0)
        close(fd);
    return ok;
}

pid_t sc_spawn(const char *bin, const char *log, const char *const *argv)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* A simulator must not outlive a test that died (it would hold
         * the test's output open and stall the runner). */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        char *copy[MAX_ARGS] = {NULL};
        for (int i = 0; argv[i] && i < MAX_ARGS - 1; i++)
            copy[i] = strdup(argv[i]);
        execv(bin, copy);
        _exit(127);
    }
    return pid;
}

bool sc_launch(sc_sim_t *s, const char *log, const char *const *argv, const char *const *extra,
               bool (*ready)(void *ctx), void *ctx)
{
    const char *all[MAX_ARGS] = {NULL};
    int n = 0;
    for (int i = 0; argv[i] && n < MAX_ARGS - 1; i++)
        all[n++] = argv[i];
    for (int i = 0; extra && extra[i] && n < MAX_ARGS - 1; i++)
        all[n++] = extra[i];
    if ((s->pid = sc_spawn(all[0], log, all)) < 0)
        return false;
    for (int i = 0; i < 500; i++) {
        if (ready(ctx))
            return true;
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return false;
        }
        usleep(10000);
    }
    sc_stop(s);
    return false;
}

static bool read_ports(void *ctx)
{
    sc_sim_t *s = ctx;
    char *text = file_read(s->dir, "ports");
    bool ok = text && sscanf(text, "dlt645 %d modbus %d control %d", &s->dlt645, &s->modbus, &s->control) == 3;
    free(text);
    return ok;
}

bool sc_start(sc_sim_t *s, const char *bin, const char *dir, const char *const *extra)
{
    char state[600], ports[600], key[600], log[600];
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(state, sizeof state, "%s/state.json", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(key, sizeof key, "%s/master.key", dir);
    snprintf(log, sizeof log, "%s/metersim.log", dir);
    unlink(ports);
    const char *argv[] = {bin, "--state", state, "--ports-file", ports, "--master-key", key, "--log-level", "info", NULL};
    return sc_write_key(dir) && sc_launch(s, log, argv, extra, read_ports, s);
}

int sc_run(const char *bin, const char *dir, const char *const *args)
{
    char log[600];
    const char *argv[MAX_ARGS] = {bin};
    int n = 1, status;
    for (int i = 0; args[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = args[i];
    snprintf(log, sizeof log, "%s/stderr", dir);
    unlink(log);
    pid_t pid = sc_spawn(bin, log, argv);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int sc_stop(sc_sim_t *s)
{
    int status = 0, rc = -1;
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            s->pid = 0;
            return rc;
        }
        usleep(10000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    return -1;
}

int sc_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Reads whatever arrives within the time left; -1 on EOF or error, 0 on
 * timeout. */
static ssize_t recv_until(int fd, uint8_t *buf, size_t cap, int64_t deadline)
{
    int64_t left = deadline - sc_now_ms();
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (left <= 0 || poll(&p, 1, (int)left) <= 0)
        return 0;
    ssize_t r = recv(fd, buf, cap, 0);
    return r > 0 ? r : -1;
}

bool sc_control(const sc_sim_t *s, const char *cmd, char *reply, size_t len)
{
    int fd = sc_connect(s->control);
    if (fd < 0)
        return false;
    static char buf[1 << 20];
    size_t got = 0;
    bool sent = send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) == (ssize_t)strlen(cmd) &&
                send(fd, "\n", 1, MSG_NOSIGNAL) == 1;
    int64_t deadline = sc_now_ms() + 3000;
    while (sent && got + 1 < sizeof buf && !memchr(buf, '\n', got)) {
        ssize_t r = recv_until(fd, (uint8_t *)buf + got, sizeof buf - 1 - got, deadline);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (reply && len)
        snprintf(reply, len, "%s", buf);
    return strncmp(buf, "ok", 2) == 0;
}

bool sc_dlt(int fd, const uint8_t *req, size_t n, uint8_t *raw, size_t cap, size_t *got, int timeout_ms)
{
    dlt645_stream_t st;
    dlt645_frame_t f;
    memset(&st, 0, sizeof st);
    *got = 0;
    if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n)
        return false;
    int64_t deadline = sc_now_ms() + timeout_ms;
    while (*got < cap) {
        ssize_t r = recv_until(fd, raw + *got, cap - *got, deadline);
        if (r <= 0)
            return false;
        dlt645_stream_feed(&st, raw + *got, (size_t)r);
        *got += (size_t)r;
        if (dlt645_stream_next(&st, &f))
            return true;
    }
    return false;
}

size_t sc_modbus(int fd, const uint8_t *req, size_t n, uint8_t *out, size_t cap, int timeout_ms)
{
    size_t got = 0, want = 6;
    if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n)
        return 0;
    int64_t deadline = sc_now_ms() + timeout_ms;
    while (got < want) {
        ssize_t r = recv_until(fd, out + got, want - got, deadline);
        if (r <= 0)
            return 0;
        got += (size_t)r;
        if (got == 6)
            want = 6 + (size_t)(out[4] << 8 | out[5]);
        if (want > cap)
            return 0;
    }
    return got;
}
