/* The back office's storage: every read and write the domain makes, as a
 * context plus a const ops table (as the kiosk's drivers are), so another
 * database engine can come in behind the same table without the domain
 * changing. The SQLite implementation is store_sqlite/; no engine's type
 * appears here. Times are int64 milliseconds since the epoch (UTC), money
 * int64 minor units.
 *
 * Every op returns kerr_t with the human text in msg: K_EIO for a storage
 * failure, K_ECONFLICT where a row breaks a uniqueness rule (the op's
 * comment says when that is an answer, such as a duplicate). Ops that may
 * find nothing to change say so in *changed or *found. Writes made between
 * begin and commit are one transaction; outside one each op stands alone. */
#ifndef BACKOFFICE_STORE_BO_STORE_H
#define BACKOFFICE_STORE_BO_STORE_H

#include "backoffice/base/bo_rows.h"
#include "backoffice/store/bo_store_bill.h"
#include "backoffice/store/bo_store_command.h"
#include "backoffice/store/bo_store_console.h"
#include "backoffice/store/bo_store_fleet.h"
#include "backoffice/store/bo_store_meter.h"
#include "backoffice/store/bo_store_notice.h"
#include "backoffice/store/bo_store_org.h"
#include "backoffice/store/bo_store_post.h"
#include "backoffice/store/bo_store_recon.h"
#include "backoffice/store/bo_store_sched.h"
#include "backoffice/store/bo_store_tariff.h"
#include "backoffice/store/bo_store_upload.h"
#include "backoffice/store/bo_store_writeoff.h"
#include "base/err.h"

/* The listings and reports, each a table of rows (bo_rows.h) with the
 * columns the command line prints; what each holds is its SQL's comment in
 * the implementation. */
typedef enum bo_listing {
    BO_LIST_SITES,
    BO_LIST_KIOSKS, /* the fleet with each kiosk's last heartbeat, code, key and ledger */
    BO_LIST_CUSTOMERS,
    BO_LIST_METERS, /* args.id: a site ("": every site); args.from: now. Each meter with its latest state */
    BO_LIST_CARDS,
    BO_LIST_TARIFFS,
    BO_LIST_SETTINGS,
    BO_LIST_COUNTS,
    BO_LIST_GRANTS,     /* live grants */
    BO_LIST_GRANTS_ALL, /* revoked ones too */
    BO_LIST_QUARANTINE_HELD,
    BO_LIST_QUARANTINE_ALL,
    BO_LIST_ACCOUNTS,
    BO_LIST_ACCOUNT,        /* args.id: the account */
    BO_LIST_ACCOUNT_METERS, /* args.id: its meters, bound now and before */
    BO_LIST_ACCOUNT_CARDS,  /* args.id: the cards of its meters */
    BO_LIST_GROUPS,
    BO_LIST_OPERATORS,
    BO_REPORT_SALES_DAY, /* args.from, args.to for these five */
    BO_REPORT_SALES_SITE,
    BO_REPORT_SALES_METHOD,
    BO_REPORT_ENERGY,
    BO_REPORT_REJECTED,
    BO_REPORT_ALERTS,
    BO_REPORT_QUARANTINE,
    BO_REPORT_AUDIT, /* args.kiosk ("": all), args.from (since), args.action ("": any) */
    BO_LIST_COMMANDS, /* central commands, newest first: args.id the meter ("": all), args.action the state ("": any) */
    BO_LIST_METER_ONE,   /* args.id: the meter; args.from: now: as BO_LIST_METERS */
    BO_REPORT_METER_DAY, /* args.id: the meter, args.from, args.to: its energy by day, month or year */
    BO_REPORT_METER_MONTH,
    BO_REPORT_METER_YEAR,
    BO_LIST_ALERTS, /* args.open_only: those neither acknowledged nor cleared */
    BO_LIST_BATCHES,      /* args.id: one batch ("": all, newest first); each with its counts by state */
    BO_LIST_BATCH_METERS, /* args.id: the batch; each meter's latest attempt and its outcome */
    BO_LIST_BATCH_COUNTS, /* args.id: the batch; how many meters' latest attempts are in each state */
    BO_LIST_NOTICES,      /* args.id: an account ("": all), args.action: a state ("": any); newest first, masked */
    BO_REPORT_INCOME_DAY, /* args.from, args.to: income by period, site and method (these three) */
    BO_REPORT_INCOME_MONTH,
    BO_REPORT_INCOME_YEAR,
    BO_REPORT_MONEY,         /* args.from, args.to: every recharge, refund and charge, oldest first */
    BO_REPORT_ACCOUNT_MONTH, /* args.id: an account, args.from, args.to: its usage and fees by month */
    BO_LIST_METER_TOPUPS, /* args.id: the meter; its last 10 sales that put credit on it, newest first */
    BO_LIST_METERS_PAGE,  /* as BO_LIST_METERS, only the meters args.offset .. args.offset + args.limit - 1 */
    BO_LIST_METERS_COUNT, /* args.id: a site ("": every site); one row, n: how many meters BO_LIST_METERS lists */
} bo_listing_t;

/* A listing's parameters (those it does not use are ignored). */
typedef struct bo_list_args {
    const char *id;
    const char *kiosk, *action;
    int64_t from, to;
    int64_t utc_offset_ms; /* the sales and income reports: their days, months and years are UTC + this */
    bool open_only;
    int64_t offset, limit; /* a page, for the listings that take one */
} bo_list_args_t;

/* What an online backup wrote (the backup op). */
typedef struct bo_backup_info {
    int64_t pages, bytes; /* the copy's size */
    int schema;           /* its schema version */
} bo_backup_info_t;

typedef struct bo_store_ops {
    const char *engine; /* "sqlite" */
    /* Closes the store and frees its context. */
    void (*close)(void *ctx);
    /* Starts a write transaction (one writer at a time: it waits for others). */
    kerr_t (*begin)(void *ctx, kmsg_t *msg);
    /* Starts a write transaction that may run beside other keyed ones
     * (PostgreSQL; SQLite: begin): keys name all the transaction touches
     * that another keyed one could (its kiosk, meters, sales), and those
     * with a key in common wait for each other. Only the ops said to be
     * keyed write in it; any other write fails K_EBUSY, as does then the
     * commit, and the caller does the work again after begin
     * (docs/instances.md). */
    kerr_t (*begin_keyed)(void *ctx, const char *const *keys, size_t n, kmsg_t *msg);
    kerr_t (*commit)(void *ctx, kmsg_t *msg);
    /* Abandons the transaction, if one is open; never fails. */
    void (*rollback)(void *ctx);
    /* *ours says whether this process leads the periodic jobs (billing,
     * scheduled runs, batches' retries, the silence check, the notice
     * outbox): always on SQLite (one server per file); on PostgreSQL the
     * one instance holding a session advisory lock, kept until its
     * connection ends (a killed instance's passes to another's next try).
     * Asked again before each pass: false once the connection that took
     * the lock was lost, even if made again (the lock went with it), until
     * the lock is taken again on the new one. */
    kerr_t (*lead)(void *ctx, bool *ours, kmsg_t *msg);
    /* Checks that the database answers a trivial query on the store's own
     * connection within timeout_ms (the health probe); K_EIO and why if not. */
    kerr_t (*ping)(void *ctx, int timeout_ms, kmsg_t *msg);
    /* Opens a watch, on a connection of its own, for changes to central
     * commands and QR orders made by any process (PostgreSQL: LISTEN, the
     * changing transaction NOTIFYing); *w NULL if the engine has none
     * (SQLite: one server, whose own changes wake its long polls). */
    kerr_t (*watch_open)(const char *database, void **w, kmsg_t *msg);
    /* Waits up to timeout_ms for changes: how many notices came (0: none),
     * -1 if the watch's connection is lost. */
    int (*watch_wait)(void *w, int timeout_ms);
    void (*watch_close)(void *w);
    /* Fills out (bo_rows_init is the op's) with the listing's rows. */
    kerr_t (*list)(void *ctx, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg);
    /* Copies the whole database as it stood at one instant to a new file
     * at path (mode 600) while others go on writing, then checks the
     * copy's integrity; path appears only once the copy is whole and
     * checked. K_ECONFLICT if path exists, K_ECORRUPT if the check fails,
     * K_ESTATE on an engine backed up otherwise (PostgreSQL:
     * docs/backup.md). */
    kerr_t (*backup)(void *ctx, const char *path, bo_backup_info_t *out, kmsg_t *msg);
    const bo_st_fleet_t *fleet;     /* sites, kiosks, settings, enrolment codes, heartbeats */
    const bo_st_docs_t *docs;       /* document versions, tariffs, blocked cards */
    const bo_st_staff_t *staff;     /* permission groups and operators */
    const bo_st_meters_t *meters;   /* customers, meters, accounts and bindings, scope and grants */
    const bo_st_counts_t *counts;   /* purchase counts and leases */
    const bo_st_upload_t *upload;   /* first answers, signed batches, kiosk ledgers, uploaded rows */
    const bo_st_log_t *log;         /* the audit trail and staff alerts */
    const bo_st_qr_t *qr;           /* QR orders and notices */
    const bo_st_held_t *held;       /* quarantine */
    const bo_st_cmd_t *cmd;         /* central commands to meters */
    const bo_st_batch_t *batch;     /* batches of central commands */
    const bo_st_bill_t *bill;       /* daily billing */
    const bo_st_notice_t *notice;   /* contacts, notice levels and memory, the notice outbox */
    const bo_st_post_t *post;       /* post-paid accounts, bills, payments */
    const bo_st_charge_t *charge;   /* charge items, charges applied, apportionment */
    const bo_st_console_t *console; /* the web console's passwords and sessions */
    const bo_st_tariffv_t *tariffv; /* tariff versions in force from an instant */
    const bo_st_sched_t *sched;     /* the periodic runs serve made */
    const bo_st_writeoff_t *writeoff; /* debts written off at an account's closing */
    const bo_st_org_t *org;         /* organisations, buildings, rooms; what their staff see */
    const bo_st_recon_t *recon;     /* QR reconciliation: paid orders, differences */
    const struct bo_st_refund *refund; /* QR refunds (bo_store_refund.h) */
} bo_store_ops_t;

/* An open store: what the domain is handed. */
typedef struct bo_store {
    void *ctx;
    const bo_store_ops_t *ops;
} bo_store_t;

/* How a front end opens the store it was built with (path: the
 * [server] database setting), without knowing the engine. */
typedef kerr_t (*bo_store_open_fn)(const char *path, bo_store_t *out, kmsg_t *msg);

#endif
