/* A test's side of a metersim process: start it in a temporary folder,
 * talk to its three ports with raw bytes, stop it. */
#ifndef TESTS_SUPPORT_SIMCLIENT_H
#define TESTS_SUPPORT_SIMCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct sc_sim {
    pid_t pid;
    int dlt645, modbus, control; /* ports */
    char dir[512];
} sc_sim_t;

/* Writes the test master key (00 01 .. 0F, mode 600) to dir/master.key. */
bool sc_write_key(const char *dir);

/* Starts bin with --state dir/state.json --ports-file dir/ports
 * --master-key dir/master.key --log-level info, then extra (NULL-ended),
 * stderr to dir/metersim.log; waits up to 5 s for the ports file. */
bool sc_start(sc_sim_t *s, const char *bin, const char *dir, const char *const *extra);

/* Forks and execs bin with argv (NULL-ended, argv[0] included), stdout
 * and stderr appended to log; the child gets SIGTERM if the test dies.
 * Returns the child's pid, or -1. */
pid_t sc_spawn(const char *bin, const char *log, const char *const *argv);

/* Starts argv[0] with argv (NULL-ended) and then extra (NULL-ended, may
 * be NULL) through sc_spawn, and waits up to 5 s until ready(ctx) reads
 * the ports file whole. False if it could not start, it ended first (pid
 * 0), or it never got ready (then it is stopped). */
bool sc_launch(sc_sim_t *s, const char *log, const char *const *argv, const char *const *extra,
               bool (*ready)(void *ctx), void *ctx);

/* Runs bin with exactly args (NULL-ended) and returns its exit status;
 * stdout and stderr go to dir/stderr. */
int sc_run(const char *bin, const char *dir, const char *const *args);

/* SIGTERM, then waits; returns the exit status (-1 if it had to be killed). */
int sc_stop(sc_sim_t *s);

/* A TCP connection to 127.0.0.1:port, or -1. */
int sc_connect(int port);

/* One control command; copies the reply line (newline removed) into reply
 * and returns true if it starts with "ok". */
bool sc_control(const sc_sim_t *s, const char *cmd, char *reply, size_t len);

/* Sends req and collects bytes until one whole DL/T 645 frame decodes or
 * timeout_ms passes; *got is what arrived. True if a frame decoded. */
bool sc_dlt(int fd, const uint8_t *req, size_t n, uint8_t *raw, size_t cap, size_t *got, int timeout_ms);

/* Sends an ADU and reads one MBAP-framed answer; returns its length, or 0
 * if none came within timeout_ms. */
size_t sc_modbus(int fd, const uint8_t *req, size_t n, uint8_t *out, size_t cap, int timeout_ms);

/* Milliseconds on the monotonic clock. */
int64_t sc_now_ms(void);

#endif
