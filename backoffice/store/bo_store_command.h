/* The storage interface (bo_store.h), its central commands part
 * (docs/collector.md, "Central commands"): the queue, what was handed to
 * each kiosk, and the outcomes. */
#ifndef BACKOFFICE_STORE_BO_STORE_COMMAND_H
#define BACKOFFICE_STORE_BO_STORE_COMMAND_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define BO_CMD_ENVELOPE_MAX 4096

/* A command as stored. */
typedef struct bo_cmd_rec {
    char id[37], kiosk[65], meter[33], command[24], state[16];
    char operator_name[65], reason[256], batch[37];
    char retry_of[37];  /* a batch's retry: the attempt it follows ("": none) */
    int64_t attempt;    /* a batch's attempt at the meter, from 1 */
    int64_t not_before; /* not handed to the kiosk before then (0: at once) */
    char params[1024];  /* JSON text */
    char outcome[256];  /* what the kiosk said, or why the back office ended it */
    char txn[37];       /* a credit's sale */
    bool has_after;
    int64_t balance_after, count_after;
    int64_t issued_at, expires_at, sent_at, acked_at, executed_at, updated_at; /* 0: not yet */
    char envelope[BO_CMD_ENVELOPE_MAX]; /* the signed envelope handed to the kiosk */
} bo_cmd_rec_t;

/* Told each command a kiosk is to pick up. */
typedef void (*bo_cmd_cb)(void *arg, const bo_cmd_rec_t *c);

typedef struct bo_st_cmd {
    /* Adds c (K_ECONFLICT: its id is taken). */
    kerr_t (*add)(void *ctx, const bo_cmd_rec_t *c, kmsg_t *msg);
    kerr_t (*get)(void *ctx, const char *id, bo_cmd_rec_t *c, bool *found, kmsg_t *msg);
    /* Stores c's state, outcome, txn, balance and count after, and times. */
    kerr_t (*set)(void *ctx, const bo_cmd_rec_t *c, kmsg_t *msg);
    /* Calls fn for the kiosk's commands to hand over at now (queued, or sent
     * and not acknowledged; not expired), oldest first, at most limit. */
    kerr_t (*pending_each)(void *ctx, const char *kiosk, int64_t now, int limit, bo_cmd_cb fn, void *arg,
                           kmsg_t *msg);
    /* Ends as expired, with why, every command whose expiry is at or before
     * now and that its kiosk never acknowledged: queued, or handed to a long
     * poll whose kiosk had gone (a later outcome from the kiosk still
     * replaces it); *n how many. */
    kerr_t (*expire_due)(void *ctx, int64_t now, const char *why, int64_t *n, kmsg_t *msg);
    /* The kiosk that runs a site's commands: its active kiosk first by id
     * (*found false if the site has none). */
    kerr_t (*site_kiosk)(void *ctx, const char *site, char kiosk[65], bool *found, kmsg_t *msg);
} bo_st_cmd_t;

/* A batch as stored (docs/collector.md, "Batches"). */
typedef struct bo_cmd_batch {
    char id[37], command[24], state[16]; /* state: open, cancelled */
    char operator_name[65], reason[256], created_by[96];
    char params[1024];   /* JSON text: the parameters each meter's command takes */
    char selection[128]; /* "site S1" or "meters N" */
    int64_t run_at, retries, expiry_s, created_at, cancelled_at;
} bo_cmd_batch_t;

/* Told each meter of a site. */
typedef void (*bo_meter_id_cb)(void *arg, const char *meter);

typedef struct bo_st_batch {
    /* Adds b (K_ECONFLICT: its id is taken). */
    kerr_t (*add)(void *ctx, const bo_cmd_batch_t *b, kmsg_t *msg);
    kerr_t (*get)(void *ctx, const char *id, bo_cmd_batch_t *b, bool *found, kmsg_t *msg);
    /* Every meter registered on site, by id. */
    kerr_t (*site_meters)(void *ctx, const char *site, bo_meter_id_cb fn, void *arg, kmsg_t *msg);
    /* Marks the batch cancelled at now and its commands still queued
     * cancelled with why; *n how many commands. */
    kerr_t (*cancel)(void *ctx, const char *id, int64_t now, const char *why, int64_t *n, kmsg_t *msg);
    /* Calls fn for each attempt of an open batch that ended failed,
     * unknown (not a credit) or expired, is within the batch's retries and
     * has no retry yet, oldest first, at most limit (the domain's rule,
     * bo_batch_retry_due, decides; this keeps the scan to candidates). */
    kerr_t (*ended_each)(void *ctx, int limit, bo_cmd_cb fn, void *arg, kmsg_t *msg);
} bo_st_batch_t;

#endif
