/* Between the SQLite store's files: the tables each fills in and the
 * listings. The context of every op is the connection (sqlite3 *). */
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

/* The listing's rows into out (bo_sq_list.c). */
kerr_t bo__sq_list(void *ctx, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg);

#endif
