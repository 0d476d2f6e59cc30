/* What the back-office benchmarks share (bench_bo.h). */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_bo.h"

#define BENCH_METER "000012345678"

bool bench_bo_kiosks(boh_t *h, int n, bool tls)
{
    if (!boh_meter(h, BENCH_METER, "S1") ||
        boh_cli(h, NULL, 0, "site grant S2 --from-site S1 --reason 'the benchmark kiosks'") != 0)
        return false;
    for (int k = 3; k <= n; k++) {
        char args[64], name[16];
        snprintf(args, sizeof args, "kiosk add K%d --site S1 --by-hand", k);
        snprintf(name, sizeof name, "K%d", k);
        if (boh_cli(h, NULL, 0, args) != 0 || !boh_kiosk_key(h, name) || (tls && !boh_kiosk_cert(h, name)))
            return false;
    }
    return true;
}

char *bench_bo_batch(unsigned first, int rows)
{
    size_t cap = (size_t)rows * 900 + 32, len = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    len += (size_t)snprintf(b, cap, "{\"rows\":[");
    for (int i = 0; i < rows; i++) {
        char id[37];
        boh_uuid(id, first + (unsigned)i);
        boh_txn_t t = {(long long)first + i, 5, 5000, id, "delivered", BENCH_METER, "cash", "2026-11-21", "null"};
        len += (size_t)snprintf(b + len, cap - len, "%s", i ? "," : "");
        len += (size_t)boh_txn_row(b + len, cap - len, &t);
    }
    snprintf(b + len, cap - len, "]}");
    return b;
}
