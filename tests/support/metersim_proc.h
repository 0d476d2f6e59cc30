/* Starting and steering a metersim process from a test: it runs in its own
 * process and speaks the real protocols; the test talks to its control
 * port. */
#ifndef TESTS_SUPPORT_METERSIM_PROC_H
#define TESTS_SUPPORT_METERSIM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct metersim {
    pid_t pid;
    int dlt645, modbus, control; /* ports */
    char dir[512];               /* state.json, master.key, ports */
} metersim_t;

/* Writes the test master key (00 01 .. 0F, mode 600) to dir/master.key. */
bool metersim_write_key(const char *dir);

/* Starts bin with its state in dir (N meters created on first start) at
 * the given baud, and waits until it listens. */
bool metersim_start(metersim_t *m, const char *bin, const char *dir, int meters, int baud);

/* Sends one control command; copies the reply line (without "ok ") into
 * reply. False if the reply is not "ok". */
bool metersim_control(metersim_t *m, const char *cmd, char *reply, size_t len);

/* The JSON state of one meter (heap string, caller frees), or NULL. */
char *metersim_meter_json(metersim_t *m, const char *meter);

/* Stops the process (SIGTERM, then wait). */
void metersim_stop(metersim_t *m);

#endif
