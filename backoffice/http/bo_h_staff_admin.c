/* Staff changed over HTTP (sync/openapi.yaml; docs/console.md, "Staff"):
 * operators added, moved to another group, disabled and enabled, given a
 * console password; permission groups set; as the command line makes
 * them (bo_staff.h, bo_console.h), each audited with the caller. An
 * organisation's session manages only its organisation's operators, and
 * no session grants a permission it does not hold (bo_staff_guard.c). A
 * PIN or password is hashed here and forgotten: never answered or logged. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_console.h"
#include "backoffice/domain/bo_org.h"
#include "backoffice/domain/bo_report.h"
#include "backoffice/domain/bo_staff.h"
#include "backoffice/http/bo_server.h"

/* What a request changes. */
typedef enum staff_change { OP_ADD, OP_GROUP, OP_DISABLE, OP_ENABLE, OP_PASSWORD, GROUP_SET } staff_change_t;

/* A change as the request gives it, its secret already hashed. */
typedef struct staff_req {
    staff_change_t kind;
    const char *name, *group, *org;
    char hash[crypto_pwhash_STRBYTES];
    char perms[256];
} staff_req_t;

/* The caller as the guard sees it: a console session's organisation and
 * permissions, or the utility's staff certificate (all). */
static bo_staff_actor_t actor_of(const bo_req_t *q)
{
    return (bo_staff_actor_t){q->org, q->console_op[0] ? (perm_set_t)q->console_perms : PERM_ALL};
}

/* "perms": an array of names (or "all") as text "a,b"; K_EINVAL if not. */
static kerr_t perms_text(const cJSON *b, char *out, size_t len, kmsg_t *msg)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "perms"), *e;
    perm_set_t set;
    char bad[64] = "";
    size_t n = 0;
    out[0] = '\0';
    if (!cJSON_IsArray(p))
        return kmsg_set(msg, K_EINVAL, "give 'perms': a list of permission names (docs/staff.md)");
    cJSON_ArrayForEach(e, p) {
        if (!cJSON_IsString(e) || n + strlen(e->valuestring) + 2 > len)
            return kmsg_set(msg, K_EINVAL, "'perms' holds names of permissions only");
        n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "," : "", e->valuestring);
    }
    if (n && !perm_parse_set(out, &set, bad, sizeof bad))
        return kmsg_set(msg, K_EINVAL, "'%s' is not a permission; see docs/staff.md for the names", bad);
    return K_OK;
}

/* Reads the body into s (the secret hashed, outside the lock); K_EINVAL
 * saying what is missing. */
static kerr_t parse(bo_req_t *q, const cJSON *b, void *arg, kmsg_t *msg)
{
    staff_req_t *s = arg;
    const char *secret = bo_json_str_ref(b, s->kind == OP_ADD ? "pin" : "password");
    if (s->kind == OP_ADD || s->kind == GROUP_SET)
        s->name = bo_json_str_ref(b, "name");
    else
        s->name = q->arg[0];
    s->group = bo_json_str_ref(b, "group");
    s->org = bo_json_str_ref(b, "org");
    if (!s->org)
        s->org = "";
    if (!s->name || !bo_id_valid(s->name, BO_STAFF_NAME_MAX))
        return kmsg_set(msg, K_EINVAL, "give 'name': 1 to 32 letters, digits, '.', '_', '-'");
    if ((s->kind == OP_ADD || s->kind == OP_GROUP) && (!s->group || !bo_id_valid(s->group, BO_STAFF_NAME_MAX)))
        return kmsg_set(msg, K_EINVAL, "give 'group': the name of a permission group");
    if (s->kind == GROUP_SET)
        return perms_text(b, s->perms, sizeof s->perms, msg);
    if (s->kind == OP_ADD)
        return bo_staff_pin_hash(secret ? secret : "", s->hash, msg);
    if (s->kind == OP_PASSWORD)
        return bo_console_password_hash(secret ? secret : "", s->hash, msg);
    return K_OK;
}

/* Adds the operator, then puts it in its organisation; if that fails the
 * operator is disabled again (it has no console password yet, so it
 * could not have signed in meanwhile). */
static kerr_t add(bo_store_t *st, const bo_who_t *who, const staff_req_t *s, kmsg_t *msg)
{
    kmsg_t undo = {{0}};
    kerr_t rc = bo_operator_add(st, who, s->name, s->group, s->hash, msg);
    if (rc || !s->org[0])
        return rc;
    rc = bo_org_staff(st, who, s->name, s->org, msg);
    if (rc)
        bo_operator_disable(st, who, s->name, true, &undo);
    return rc;
}

/* Checks and makes the change (the caller holds the lock). */
static kerr_t run(bo_req_t *q, const cJSON *b, const bo_who_t *who, void *arg, kmsg_t *msg)
{
    const staff_req_t *s = arg;
    (void)b;
    bo_store_t *st = &q->s->store;
    bo_staff_actor_t a = actor_of(q);
    perm_set_t set = 0;
    char bad[64];
    kerr_t rc = K_OK;
    switch (s->kind) {
    case OP_ADD:
        rc = bo_staff_may_add(st, &a, s->name, s->group, s->org, msg);
        return rc ? rc : add(st, who, s, msg);
    case OP_GROUP:
        rc = bo_staff_may_manage(st, &a, s->name, msg);
        if (rc == K_OK)
            rc = bo_staff_group_perms(st, s->group, &set, msg);
        if (rc == K_OK)
            rc = bo_staff_may_grant(&a, set, msg);
        return rc ? rc : bo_operator_group(st, who, s->name, s->group, msg);
    case OP_DISABLE:
        if (q->console_op[0] && strcmp(q->console_op, s->name) == 0)
            return kmsg_set(msg, K_ESTATE, "you may not disable yourself: ask another operator");
        rc = bo_staff_may_manage(st, &a, s->name, msg);
        return rc ? rc : bo_operator_disable(st, who, s->name, true, msg);
    case OP_ENABLE:
        rc = bo_staff_may_act_for(st, &a, s->name, msg);
        return rc ? rc : bo_operator_disable(st, who, s->name, false, msg);
    case OP_PASSWORD:
        rc = bo_staff_may_act_for(st, &a, s->name, msg);
        return rc ? rc : bo_console_password_set(st, who, s->name, s->hash, msg);
    case GROUP_SET:
        perm_parse_set(s->perms, &set, bad, sizeof bad);
        rc = bo_staff_may_set_group(st, &a, s->name, set, msg);
        return rc ? rc : bo_group_set(st, who, s->name, s->perms, msg);
    }
    return kmsg_set(msg, K_EINVAL, "no such change");
}

static const bo_h_change_ops_t staff_ops = {parse, run};

/* Makes a change of kind; the hashed secret is wiped after. */
static void change(bo_req_t *q, bo_resp_t *r, staff_change_t kind)
{
    staff_req_t s = {.kind = kind};
    bo_h_change(q, r, &staff_ops, &s);
    sodium_memzero(s.hash, sizeof s.hash);
}

/* POST /v1/admin/operators {"name", "group", "pin", "org"}. */
void bo_h_admin_operator_add(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, OP_ADD);
}

/* POST /v1/admin/operators/{name}/group {"group"}. */
void bo_h_admin_operator_group(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, OP_GROUP);
}

/* POST /v1/admin/operators/{name}/disable. */
void bo_h_admin_operator_disable(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, OP_DISABLE);
}

/* POST /v1/admin/operators/{name}/enable. */
void bo_h_admin_operator_enable(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, OP_ENABLE);
}

/* POST /v1/admin/operators/{name}/password {"password"}. */
void bo_h_admin_operator_password(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, OP_PASSWORD);
}

/* POST /v1/admin/groups {"name", "perms": [...]}. */
void bo_h_admin_group_set(bo_req_t *q, bo_resp_t *r)
{
    change(q, r, GROUP_SET);
}

/* GET /v1/admin/operators: the central operators the caller sees (name,
 * group, state, updated, org). */
void bo_h_admin_operators(bo_req_t *q, bo_resp_t *r)
{
    bo_staff_actor_t a = actor_of(q);
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_staff_operators(&q->s->store, &a, &rows, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_error(r, 500, "internal", "the listing failed: %s; retry later", msg.text);
    else
        bo_h_answer_rows(q, r, &rows);
}

/* GET /v1/admin/groups: the permission groups (name, perms); they hold no
 * organisation's data, so every session sees them. */
void bo_h_admin_groups(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t none = {0};
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_report_rows(&q->s->store, BO_LIST_GROUPS, &none, &rows, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_error(r, 500, "internal", "the listing failed: %s; retry later", msg.text);
    else
        bo_h_answer_rows(q, r, &rows);
}
