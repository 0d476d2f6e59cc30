/* Shared by the simulators: stop signals, listening sockets, whole sends,
 * durable files, and the line-per-command control connections. */
#ifndef SIM_COMMON_SIMIO_H
#define SIM_COMMON_SIMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <getopt.h>
#include <poll.h>

#include "base/err.h"

/* SIGTERM and SIGINT ask the simulator to stop (without SA_RESTART, so a
 * poll returns at once); SIGPIPE is ignored. */
void simio_catch_signals(void);

/* The signal that asked to stop, or 0. */
int simio_stop_signal(void);

/* A TCP socket listening on addr:port (0: the kernel picks), or -1 with
 * msg saying why. */
int simio_listen_tcp(const char *addr, int port, kmsg_t *msg);

/* The port a socket is bound to, or -1. */
int simio_port_of(int fd);

/* Bounds every send on an accepted connection to 2 s, so that a peer that
 * stopped reading cannot stall the loop; with nodelay, small answers leave
 * at once (TCP_NODELAY). */
void simio_tune_conn(int fd, bool nodelay);

/* Sends all n bytes (retrying after EINTR); false if the peer is gone. */
bool simio_send_all(int fd, const void *p, size_t n);

/* Replaces path with text (a newline is added if it lacks one): a tmp file
 * is written and fsynced, renamed over path, and the folder is fsynced, so
 * a reader sees the old file or the new one, whole, even after a crash.
 * False (errno set) if any step failed. */
bool simio_write_file(const char *path, const char *text);

/* Answers one control command line (NUL-terminated, no newline); returns
 * a malloc'd reply line without newline (NULL: out of memory). */
typedef char *(*simio_answer_fn)(void *ctx, char *line);

/* Answers every whole line in buf[0..*n) on fd and keeps the rest. False
 * if the connection must be closed: a send failed, or cap bytes hold no
 * newline (then "error line too long" is sent first). */
bool simio_answer_lines(int fd, char *buf, size_t *n, size_t cap, simio_answer_fn answer, void *ctx);

/* ---- the control port: a listening socket and its connections ---- */

#define SIMIO_CTL_CONNS 16
#define SIMIO_CTL_LINE 4096
/* Poll entries the control port can take: its listener and every connection. */
#define SIMIO_CTL_POLLFDS (1 + SIMIO_CTL_CONNS)

typedef struct simio_ctl_conn {
    int fd; /* -1 = free */
    char buf[SIMIO_CTL_LINE];
    size_t n;
} simio_ctl_conn_t;

typedef struct simio_ctl {
    int lfd; /* -1 = not listening */
    simio_ctl_conn_t conn[SIMIO_CTL_CONNS];
    simio_answer_fn answer;
    void *ctx;
    const char *log; /* the simulator's log name */
    nfds_t first;    /* where simio_ctl_poll_set put the listener */
    int polled, slot[SIMIO_CTL_CONNS];
} simio_ctl_t;

/* No listener and no connection yet; each line will be answered by
 * answer(ctx, line), and a refused connection logged under log. */
void simio_ctl_init(simio_ctl_t *c, const char *log, simio_answer_fn answer, void *ctx);

/* Puts the listener and the open connections at fds[n..] and returns the
 * new count. */
nfds_t simio_ctl_poll_set(simio_ctl_t *c, struct pollfd *fds, nfds_t n);

/* After poll: reads every ready connection (answering its whole lines,
 * closing it when the peer left or a send failed), then accepts a new one
 * (refused when all SIMIO_CTL_CONNS are taken). Reading first, a descriptor
 * closed and reused within one round is never read under its old events. */
void simio_ctl_handle(simio_ctl_t *c, const struct pollfd *fds);

/* Closes every connection and the listener. */
void simio_ctl_close(simio_ctl_t *c);

/* Parses a whole decimal number in [lo, hi] and nothing else. */
bool simio_parse_int(const char *text, int64_t lo, int64_t hi, int64_t *out);

/* Splits a control line into at most max words (spaces and tabs between);
 * returns how many, or max + 1 if there were more (av holds the first
 * max). */
int simio_split_words(char *line, char **av, int max);

/* One control command: its name, how many words may follow it, its usage
 * line. A simulator's table has entries beginning with one (then its own
 * typed function), and a simio_cmds_t describes the table. */
typedef struct simio_cmd {
    const char *name;
    int min, max; /* words after the name */
    const char *usage;
} simio_cmd_t;

typedef struct simio_cmds {
    const simio_cmd_t *first; /* the first entry's simio_cmd_t */
    size_t n, size;           /* how many entries, and the bytes of one */
    int max_words;            /* words a line may have, its name included */
    bool refuse_more;         /* more words: "too many words"; false: the rest are dropped */
} simio_cmds_t;

/* Splits line into av (room for t->max_words words) and finds the command
 * it names: returns that entry with *ac its words, or NULL with *reply the
 * error reply ("empty command", "unknown command", "too many words" or
 * "usage: ..."; NULL if out of memory). */
const simio_cmd_t *simio_cmd_find(const simio_cmds_t *t, char *line, char **av, int *ac, char **reply);

/* The reply to help: "ok " and every usage line, "; " between them. */
char *simio_cmd_help(const simio_cmds_t *t);

/* A control reply line, "STATUS" or "STATUS <formatted text>", malloc'd
 * (NULL: out of memory). */
char *simio_reply(const char *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A simulator's command line: its name (for messages), its --help text,
 * its long options, and take(c, arg, ctx) for each option other than
 * --help, --version and --log-level (0 to go on, or an exit status). */
typedef struct simio_cli {
    const char *name, *usage;
    const struct option *opts; /* must include help 'h', version 'V', log-level 'L' */
    int (*take)(int c, const char *arg, void *ctx);
    void *ctx;
} simio_cli_t;

/* Prints "NAME: <message> (try --help)" on stderr; returns 2. */
int simio_bad_usage(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses argv with getopt_long: --help and --version print and end (0),
 * --log-level sets the level, a stray argument or unknown option is a bad
 * usage. Returns -1 to go on, or the exit status. */
int simio_parse_args(const simio_cli_t *cli, int argc, char **argv);

#endif
