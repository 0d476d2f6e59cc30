/* smscsim started for a benchmark (smpp_bench, notice_outbox_bench): its
 * own process in a temporary folder, its ports read back. */
#ifndef BENCH_BENCH_SMSC_H
#define BENCH_BENCH_SMSC_H

#include "support/simclient.h"

typedef struct bench_smsc {
    sc_sim_t sim; /* the folder, the process, the control port */
    int smpp;     /* the SMPP port */
} bench_smsc_t;

/* Reads "--smscsim PATH" and "COUNT_FLAG N" from argv into *smscsim and
 * *n (left as they are when absent); exits with usage unless smscsim is
 * given and *n is at least min. */
void bench_smsc_args(const char *name, int argc, char **argv, const char *count_flag, int min, const char **smscsim,
                     int *n);

/* Starts smscsim on ports the kernel picks; exits if it cannot. */
void bench_smsc_start(bench_smsc_t *b, const char *name, const char *smscsim);

/* Stops smscsim and removes its folder. */
void bench_smsc_stop(bench_smsc_t *b);

#endif
