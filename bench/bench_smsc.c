#include "bench/bench_smsc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "support/support.h"

static bool read_ports(void *ctx)
{
    bench_smsc_t *b = ctx;
    char *text = file_read(b->sim.dir, "ports");
    bool ok = text && sscanf(text, "smpp %d\ncontrol %d", &b->smpp, &b->sim.control) == 2;
    free(text);
    return ok;
}

void bench_smsc_args(const char *name, int argc, char **argv, const char *count_flag, int min, const char **smscsim,
                     int *n)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--smscsim"))
            *smscsim = argv[i + 1];
        else if (!strcmp(argv[i], count_flag))
            *n = atoi(argv[i + 1]);
    }
    if (!*smscsim || *n < min) {
        char usage[160];
        snprintf(usage, sizeof usage, "usage: %s --smscsim PATH [%s N (%d or more)]", name, count_flag, min);
        bench_die(name, usage);
    }
}

void bench_smsc_start(bench_smsc_t *b, const char *name, const char *smscsim)
{
    if (!tmpdir_make(b->sim.dir, sizeof b->sim.dir))
        bench_die(name, "cannot make a temporary folder");
    char ports[600], log[600];
    snprintf(ports, sizeof ports, "%s/ports", b->sim.dir);
    snprintf(log, sizeof log, "%s/smscsim.log", b->sim.dir);
    const char *args[] = {smscsim, "--port", "0", "--control", "0", "--ports-file", ports, NULL};
    if (!sc_launch(&b->sim, log, args, NULL, read_ports, b))
        bench_die(name, "smscsim did not start");
}

void bench_smsc_stop(bench_smsc_t *b)
{
    sc_stop(&b->sim);
    tmpdir_remove(b->sim.dir);
}
