#include "sim/common/simio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/version.h"

enum { SEND_TIMEOUT_S = 2 };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

void simio_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int simio_stop_signal(void)
{
    return stop_signal;
}

int simio_listen_tcp(const char *addr, int port, kmsg_t *msg)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
        kmsg_set(msg, K_EINVAL, "--listen %s is not an IPv4 address", addr);
        return -1;
    }
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0) {
        kmsg_set(msg, K_EIO, "cannot listen on %s:%d: %s", addr, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int simio_port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    return getsockname(fd, (struct sockaddr *)&a, &len) == 0 ? ntohs(a.sin_port) : -1;
}

void simio_tune_conn(int fd, bool nodelay)
{
    struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (nodelay)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool simio_send_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* fsync on the folder, so that the rename itself survives a crash. */
static void sync_folder(const char *path)
{
    char *copy = strdup(path);
    int fd = copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

bool simio_write_file(const char *path, const char *text)
{
    size_t len = strlen(text), plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp)
        return false;
    snprintf(tmp, plen + 5, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write_all(fd, text, len) && (len && text[len - 1] == '\n' ? true : write_all(fd, "\n", 1)) &&
              fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    ok = ok && rename(tmp, path) == 0;
    free(tmp);
    if (ok)
        sync_folder(path);
    return ok;
}

bool simio_answer_lines(int fd, char *buf, size_t *n, size_t cap, simio_answer_fn answer, void *ctx)
{
    char *nl;
    while ((nl = memchr(buf, '\n', *n))) {
        *nl = '\0';
        char *reply = answer(ctx, buf);
        const char *line = reply ? reply : "error out of memory";
        bool ok = simio_send_all(fd, line, strlen(line)) && simio_send_all(fd, "\n", 1);
        free(reply);
        size_t used = (size_t)(nl - buf) + 1;
        memmove(buf, buf + used, *n - used);
        *n -= used;
        if (!ok)
            return false;
    }
    if (*n == cap) {
        simio_send_all(fd, "error line too long\n", 20);
        return false;
    }
    return true;
}

void simio_ctl_init(simio_ctl_t *c, const char *log, simio_answer_fn answer, void *ctx)
{
    memset(c, 0, sizeof *c);
    c->lfd = -1;
    for (int i = 0; i < SIMIO_CTL_CONNS; i++)
        c->conn[i].fd = -1;
    c->answer = answer;
    c->ctx = ctx;
    c->log = log;
}

static void ctl_close_conn(simio_ctl_conn_t *cc)
{
    if (cc->fd >= 0)
        close(cc->fd);
    cc->fd = -1;
    cc->n = 0;
}

static void ctl_accept(simio_ctl_t *c)
{
    int fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < SIMIO_CTL_CONNS; i++)
        if (c->conn[i].fd < 0) {
            simio_tune_conn(fd, false);
            c->conn[i].fd = fd;
            c->conn[i].n = 0;
            return;
        }
    LOG_W(c->log, "more than %d control connections: refusing one", SIMIO_CTL_CONNS);
    close(fd);
}

static void ctl_read(simio_ctl_t *c, simio_ctl_conn_t *cc)
{
    ssize_t r = recv(cc->fd, cc->buf + cc->n, sizeof cc->buf - cc->n, MSG_DONTWAIT);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r <= 0) {
        ctl_close_conn(cc);
        return;
    }
    cc->n += (size_t)r;
    if (!simio_answer_lines(cc->fd, cc->buf, &cc->n, sizeof cc->buf, c->answer, c->ctx))
        ctl_close_conn(cc);
}

nfds_t simio_ctl_poll_set(simio_ctl_t *c, struct pollfd *fds, nfds_t n)
{
    c->first = n;
    c->polled = 0;
    fds[n++] = (struct pollfd){.fd = c->lfd, .events = POLLIN};
    for (int i = 0; i < SIMIO_CTL_CONNS; i++)
        if (c->conn[i].fd >= 0) {
            c->slot[c->polled++] = i;
            fds[n++] = (struct pollfd){.fd = c->conn[i].fd, .events = POLLIN};
        }
    return n;
}

void simio_ctl_handle(simio_ctl_t *c, const struct pollfd *fds)
{
    const struct pollfd *p = fds + c->first;
    for (int k = 0; k < c->polled; k++)
        if (p[1 + k].revents & (POLLIN | POLLHUP | POLLERR))
            ctl_read(c, &c->conn[c->slot[k]]);
    if (p[0].revents & POLLIN)
        ctl_accept(c);
}

void simio_ctl_close(simio_ctl_t *c)
{
    for (int i = 0; i < SIMIO_CTL_CONNS; i++)
        ctl_close_conn(&c->conn[i]);
    if (c->lfd >= 0)
        close(c->lfd);
    c->lfd = -1;
}

bool simio_parse_int(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    char *end = NULL;
    if (!text || !*text || (*text != '-' && (*text < '0' || *text > '9')))
        return false;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int simio_split_words(char *line, char **av, int max)
{
    int n = 0;
    for (char *save = NULL, *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
        if (n == max)
            return max + 1;
        av[n++] = w;
    }
    return n;
}

char *simio_reply(const char *status, const char *fmt, ...)
{
    char *body = NULL, *line = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&body, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    if (asprintf(&line, body[0] ? "%s %s" : "%s%s", status, body) < 0)
        line = NULL;
    free(body);
    return line;
}

static const simio_cmd_t *cmd_at(const simio_cmds_t *t, size_t i)
{
    return (const simio_cmd_t *)(const void *)((const char *)t->first + i * t->size);
}

const simio_cmd_t *simio_cmd_find(const simio_cmds_t *t, char *line, char **av, int *ac, char **reply)
{
    int n = simio_split_words(line, av, t->max_words);
    *reply = NULL;
    if (n > t->max_words && t->refuse_more) {
        *reply = simio_reply("error", "too many words (try help)");
        return NULL;
    }
    n = n > t->max_words ? t->max_words : n;
    if (n == 0) {
        *reply = simio_reply("error", "empty command (try help)");
        return NULL;
    }
    for (size_t i = 0; i < t->n; i++) {
        const simio_cmd_t *c = cmd_at(t, i);
        if (strcmp(av[0], c->name) != 0)
            continue;
        if (n - 1 < c->min || n - 1 > c->max) {
            *reply = simio_reply("error", "usage: %s", c->usage);
            return NULL;
        }
        *ac = n;
        return c;
    }
    *reply = simio_reply("error", "unknown command '%s' (try help)", av[0]);
    return NULL;
}

char *simio_cmd_help(const simio_cmds_t *t)
{
    char text[1024] = "";
    for (size_t i = 0; i < t->n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", i ? "; " : "", cmd_at(t, i)->usage);
    return simio_reply("ok", "%s", text);
}

int simio_bad_usage(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try --help)\n");
    va_end(ap);
    return 2;
}

int simio_parse_args(const simio_cli_t *cli, int argc, char **argv)
{
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", cli->opts, NULL)) != -1) {
        log_level_t level;
        int rc = 0;
        if (c == 'h' || c == 'V') {
            if (c == 'h')
                fputs(cli->usage, stdout);
            else
                printf("%s %s\n", cli->name, KIOSK_VERSION);
            return 0;
        }
        if (c == '?')
            return simio_bad_usage(cli->name, "'%s' is not an option, or needs a value", argv[optind - 1]);
        if (c == 'L' && !log_parse_level(optarg, &level))
            rc = simio_bad_usage(cli->name, "'%s' is not a valid value for that option", optarg);
        else if (c == 'L')
            log_set_level(level);
        else
            rc = cli->take(c, optarg, cli->ctx);
        if (rc)
            return rc;
    }
    if (optind < argc)
        return simio_bad_usage(cli->name, "unexpected argument '%s'", argv[optind]);
    return -1;
}
