/* The collector's scheduled reading in `kioskctl worker` (ctl_scan.c). */
#ifndef KIOSK_CTL_CTL_SCAN_H
#define KIOSK_CTL_CTL_SCAN_H

#include "core/scan.h"
#include "kiosk/ctl/ctl.h"

typedef struct ctl_scan {
    int64_t every_ms;     /* --scan-every: the period for tests and benchmarks; 0: the settings' */
    scan_state_t state;
    scan_run_t run;       /* the pass under way */
    bool running;
    int64_t started_mono; /* when it started, for its report */
    unsigned passes;      /* passes finished */
} ctl_scan_t;

/* No scan yet; every_ms > 0 replaces the settings' scan_minutes. */
void ctl_scan_init(ctl_scan_t *sc, int64_t every_ms);

/* Starts a pass when one is due and reads meters for about budget_ms;
 * true while the pass is not finished (the worker comes back at once). */
bool ctl_scan_step(ctl_scan_t *sc, ctl_site_t *s, int64_t budget_ms);

#endif
