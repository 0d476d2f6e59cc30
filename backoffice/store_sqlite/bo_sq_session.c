/* The web console's passwords and sessions in SQLite (bo_store_console.h). */
#include "backoffice/store_sqlite/bo_sq_int.h"

#define LOGIN "storing a console password"
#define SESSION "storing a console session"

static kerr_t login_get(void *ctx, const char *name, bo_login_rec_t *out, bool *found, kmsg_t *msg)
{
    bo_cur_t *st = NULL;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT pw_hash, failures, locked_until FROM console_login WHERE operator = ?1", "t", name);
    *out = (bo_login_rec_t){.failures = 0};
    if (rc == K_OK && *found) {
        bo_db_copy(st, 0, out->hash, sizeof out->hash);
        out->failures = (int)bo_cur_int(st, 1);
        out->locked_until = bo_cur_int(st, 2);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t password_put(void *ctx, const char *name, const char *hash, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, LOGIN,
                       "INSERT INTO console_login VALUES (?1, ?2, 0, 0, ?3) ON CONFLICT (operator) DO UPDATE SET "
                       "pw_hash = ?2, failures = 0, locked_until = 0, updated_at = ?3",
                       "tti", name, hash, at);
}

static kerr_t login_mark(void *ctx, const char *name, int failures, int64_t locked_until, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, LOGIN,
                       "UPDATE console_login SET failures = ?2, locked_until = ?3 WHERE operator = ?1", "tii", name,
                       (int64_t)failures, locked_until);
}

static kerr_t session_put(void *ctx, const bo_session_rec_t *s, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, SESSION, "INSERT INTO console_session VALUES (?1, ?2, ?3, ?4, ?5)", "tttii",
                       s->id, s->operator_name, s->csrf, s->created_at, s->seen_at);
}

static kerr_t session_get(void *ctx, const char *id, bo_session_rec_t *out, bool *found, kmsg_t *msg)
{
    bo_cur_t *st = NULL;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT id, operator, csrf, created_at, seen_at FROM console_session WHERE id = ?1", "t",
                            id);
    *out = (bo_session_rec_t){.created_at = 0};
    if (rc == K_OK && *found) {
        bo_db_copy(st, 0, out->id, sizeof out->id);
        bo_db_copy(st, 1, out->operator_name, sizeof out->operator_name);
        bo_db_copy(st, 2, out->csrf, sizeof out->csrf);
        out->created_at = bo_cur_int(st, 3);
        out->seen_at = bo_cur_int(st, 4);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t session_touch(void *ctx, const char *id, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, SESSION, "UPDATE console_session SET seen_at = ?2 WHERE id = ?1", "ti", id, at);
}

static kerr_t session_drop(void *ctx, const char *id, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, SESSION, "DELETE FROM console_session WHERE id = ?1", "t", id);
}

static kerr_t session_drop_operator(void *ctx, const char *name, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, SESSION, "DELETE FROM console_session WHERE operator = ?1", "t", name);
}

static kerr_t session_purge(void *ctx, int64_t idle_before, int64_t made_before, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, SESSION, "DELETE FROM console_session WHERE seen_at < ?1 OR created_at < ?2",
                       "ii", idle_before, made_before);
}

const bo_st_console_t bo__sq_console = {
    .login_get = login_get,
    .password_put = password_put,
    .login_mark = login_mark,
    .session_put = session_put,
    .session_get = session_get,
    .session_touch = session_touch,
    .session_drop = session_drop,
    .session_drop_operator = session_drop_operator,
    .session_purge = session_purge,
};
