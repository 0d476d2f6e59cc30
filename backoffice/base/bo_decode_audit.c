/* The payload of topic audit: one row of a kiosk's audit log. */
#include <string.h>

#include "backoffice/base/bo_decode.h"
#include "backoffice/base/bo_json.h"

/* Printable text only: an audit row is read by people and exported as CSV. */
static kerr_t no_controls(const char *name, const char *s, kmsg_t *msg)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 && *c != '\t')
            return kmsg_set(msg, K_EINVAL, "'%s' holds a control character", name);
    return K_OK;
}

kerr_t bo_decode_audit(const cJSON *p, bo_audit_t *a, kmsg_t *msg)
{
    memset(a, 0, sizeof *a);
    kerr_t rc = bo_json_int(p, "id", 1, INT64_MAX, &a->id, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "at", &a->at, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "actor", a->actor, sizeof a->actor, msg);
    if (rc == K_OK && !a->actor[0])
        rc = kmsg_set(msg, K_EINVAL, "'actor' must not be empty");
    if (rc == K_OK)
        rc = bo_json_str(p, "action", a->action, sizeof a->action, msg);
    if (rc == K_OK && !bo_id_valid(a->action, sizeof a->action - 1))
        rc = kmsg_set(msg, K_EINVAL, "'action' must be 1 to %zu of [A-Za-z0-9._-]", sizeof a->action - 1);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "target", a->target, sizeof a->target, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "reason", a->reason, sizeof a->reason, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "detail", a->detail, sizeof a->detail, msg);
    const char *names[] = {"actor", "target", "reason", "detail"};
    const char *texts[] = {a->actor, a->target, a->reason, a->detail};
    for (int i = 0; rc == K_OK && i < 4; i++)
        rc = no_controls(names[i], texts[i], msg);
    return rc;
}
