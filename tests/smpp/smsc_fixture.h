/* A test's side of an SMSC process (smscsim, or the npm smpp one): start
 * it, wait for its ports, open the SMS channel on it, stop it. */
#ifndef TESTS_SMPP_SMSC_FIXTURE_H
#define TESTS_SMPP_SMSC_FIXTURE_H

#include <stdbool.h>

#include "backoffice/notify/bo_ch_smpp.h"
#include "support/simclient.h"

typedef struct smsc_fix {
    sc_sim_t sc; /* sc.control: the control port (smscsim only) */
    int smpp;    /* the SMPP port */
    bo_channel_t ch;
    bo_delivery_report_t got[16];
    int n_got;
} smsc_fix_t;

/* Starts argv (NULL-ended) in a fresh folder; it must write "smpp P" (and
 * for smscsim "control P") to the file named by the word PORTS in argv. */
bool fix_start(smsc_fix_t *f, const char *const *argv);

/* Opens the channel on the SMSC with c's settings (host and port filled in). */
void fix_open(smsc_fix_t *f, bo_smpp_config_t c);

/* Calls reports() at least once, and again until want reports have come
 * or ms have passed; returns how many came. */
int fix_reports(smsc_fix_t *f, int want, int ms);

/* Closes the channel, stops the SMSC and removes the folder. */
void fix_stop(smsc_fix_t *f);

#endif
