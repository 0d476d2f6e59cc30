/* Between the SQLite store's files: the tables each fills in and the
 * listings. The context of every op is the connection (bo_db_t *). */
#ifndef BACKOFFICE_STORE_SQLITE_BO_SQ_INT_H
#define BACKOFFICE_STORE_SQLITE_BO_SQ_INT_H

#include "backoffice/store/bo_store.h"
#include "backoffice/store_sqlite/bo_db.h"

extern const bo_st_fleet_t bo__sq_fleet;   /* bo_sq_fleet.c */
extern const bo_st_docs_t bo__sq_docs;     /* bo_sq_docs.c */
extern const bo_st_staff_t bo__sq_staff;   /* bo_sq_docs.c */
extern const bo_st_meters_t bo__sq_meters; /* bo_sq_meters.c */
extern const bo_st_counts_t bo__sq_counts; /* bo_sq_counts.c */
extern const bo_st_upload_t bo__sq_upload; /* bo_sq_upload.c */
extern const bo_st_log_t bo__sq_log;       /* bo_sq_upload.c */
extern const bo_st_qr_t bo__sq_qr;         /* bo_sq_qr.c */
extern const bo_st_held_t bo__sq_held;     /* bo_sq_qr.c */
extern const bo_st_cmd_t bo__sq_cmd;       /* bo_sq_command.c */
extern const bo_st_batch_t bo__sq_batch;   /* bo_sq_batch.c */
extern const bo_st_bill_t bo__sq_bill;     /* bo_sq_bill.c */
extern const bo_st_notice_t bo__sq_notice; /* bo_sq_notice.c */
extern const bo_st_post_t bo__sq_post;     /* bo_sq_post.c */
extern const bo_st_charge_t bo__sq_charge; /* bo_sq_charge.c */
extern const bo_st_console_t bo__sq_console; /* bo_sq_session.c */
extern const bo_st_tariffv_t bo__sq_tariffv; /* bo_sq_tariff.c */
extern const bo_st_sched_t bo__sq_sched;     /* bo_sq_sched.c */
extern const bo_st_writeoff_t bo__sq_writeoff; /* bo_sq_writeoff.c */
extern const bo_st_recon_t bo__sq_recon;       /* bo_sq_recon.c */
extern const bo_st_org_t bo__sq_org;         /* bo_sq_org.c */
extern const struct bo_st_refund bo__sq_refund; /* bo_sq_refund.c */

/* A central command's columns, in the order bo__sq_read_cmd reads them. */
#define BO_SQ_CMD_COLS                                                                                         \
    "id, kiosk, meter, command, state, operator, reason, batch, params, outcome, txn_id, balance_after, "    \
    "count_after, issued_at, expires_at, coalesce(sent_at, 0), coalesce(acked_at, 0), coalesce(executed_at, 0), " \
    "updated_at, envelope, not_before, attempt, retry_of"

/* Income by period (fmt: strftime's, of the local time: UTC + offset ms,
 * as the sales report by day), site and method: delivered sales, their
 * amount, and what was refunded of sales made in the period; from and to
 * bound the span, mine is more of the WHERE ("" or " AND ..."): the income
 * report and an organisation's. */
#define BO_SQ_INCOME(fmt, from, to, offset, mine)                                                                 \
    "SELECT strftime('" fmt "', (created_at + " offset ") / 1000, 'unixepoch') AS period, site, method, currency, "    \
    "sum(CASE WHEN state = 'delivered' THEN 1 ELSE 0 END) AS sales, "                                               \
    "sum(CASE WHEN state = 'delivered' THEN delivered ELSE 0 END) AS amount, sum(refunded) AS refunded FROM sale "   \
    "WHERE created_at >= " from " AND created_at < " to " AND (state = 'delivered' OR refunded > 0)" mine           \
    " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"

/* The row st is on (BO_SQ_CMD_COLS) into c (bo_sq_command.c). */
void bo__sq_read_cmd(bo_cur_t *st, bo_cmd_rec_t *c);

/* The listing's rows into out (bo_sq_list.c). */
kerr_t bo__sq_list(void *ctx, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg);

/* The store's backup op (bo_sq_backup.c): SQLite's online backup. */
kerr_t bo__sq_backup(void *ctx, const char *path, bo_backup_info_t *out, kmsg_t *msg);

/* The rows of sql with three text parameters (NULL binds "") into out
 * (bo_sq_list.c). */
kerr_t bo__sq_rows(void *ctx, const char *sql, const char *p1, const char *p2, const char *p3, bo_rows_t *out,
                   kmsg_t *msg);

/* Every row of st (bo_db_first's, on its first row if row) into out, then
 * st ended (bo_sq_list.c). */
kerr_t bo__sq_fill(void *ctx, bo_cur_t *st, bool row, bo_rows_t *out, kmsg_t *msg);

#endif
