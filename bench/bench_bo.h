/* What the back-office benchmarks share: enrolled kiosks uploading signed
 * batches of delivered sales (the harness's server, tests/backoffice). */
#ifndef BENCH_BENCH_BO_H
#define BENCH_BENCH_BO_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/bo_harness.h"

/* Kiosks K3..Kn (K1 and K2 come with the harness), each with its upload
 * key and, if tls, its client certificate; a meter for each kiosk on S1,
 * whose meters S2 (K2's site) is granted as well. */
bool bench_bo_kiosks(boh_t *h, int n, bool tls);

/* A batch (malloc'd JSON) of rows delivered sales of kiosk Kkiosk's meter
 * numbered from first: seqs first.., transaction ids boh_uuid(first..).
 * NULL if out of memory. */
char *bench_bo_batch(unsigned first, int rows, int kiosk);

/* Kiosks K1..Kn upload batches batches of rows sales each at once through
 * h, each as its own thread (over TLS with its certificate if tls), the
 * numbers of this run (run_no) their own; each batch's round trip into
 * lat (n * batches entries), the batches not answered 200 with every row
 * taken counted in *failed (the first of each kiosk said on stderr). The
 * seconds taken. */
double bench_bo_run(boh_t *h, int n, int batches, int rows, bool tls, unsigned run_no, int64_t *lat, int *failed);

#endif
