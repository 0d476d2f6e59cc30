/* A test's side of alipaysim: keys made for the test, the simulator
 * started in a fresh folder, the Alipay client opened on it, and a
 * merchant's notify endpoint that keeps what it is sent. */
#ifndef TESTS_ALIPAY_ALI_FIX_H
#define TESTS_ALIPAY_ALI_FIX_H

#include <pthread.h>
#include <stdbool.h>

#include "backoffice/pay/bo_alipay.h"
#include "support/simclient.h"

#define ALI_FIX_NOTES 16

typedef struct ali_fix {
    sc_sim_t sc; /* sc.control: the simulator's control port */
    int http;    /* its gateway's port */
    char app_priv[600], app_pub[600], ali_priv[600], ali_pub[600], other_priv[600];
    bo_alipay_cfg_t cfg;
    bo_provider_t p;
    struct MHD_Daemon *recv; /* the merchant's notify endpoint */
    int recv_port;
    char notify_url[128];
    pthread_mutex_t mu;
    char *notes[ALI_FIX_NOTES]; /* bodies received, in order */
    int n_notes, refuse_next;   /* refuse_next: answer "fail" to that many first */
} ali_fix_t;

/* Makes the keys, starts alipaysim (its path in $ALIPAYSIM) and the
 * notify endpoint, opens the client with timeout_s. */
void fix_up(ali_fix_t *f, int timeout_s);

/* Closes the client, stops both servers, removes the folder. */
void fix_down(ali_fix_t *f);

/* A control command that must answer ok; its reply in reply. */
void fix_ctl(ali_fix_t *f, const char *cmd, char *reply, size_t len);

/* Waits up to ms for at least n notifications; returns how many came. */
int fix_wait_notes(ali_fix_t *f, int n, int ms);

/* Places a kiosk order (BO_PROV_NATIVE) of fen; asserts it was placed. */
void fix_order(ali_fix_t *f, const char *no, int64_t fen);

#endif
