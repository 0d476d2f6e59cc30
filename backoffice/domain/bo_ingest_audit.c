/* Storing an audit row a kiosk uploaded (topic audit): the fleet's audit
 * trail, by (kiosk, ledger, the kiosk's audit id). */
#include <stdio.h>

#include "backoffice/domain/bo_ingest_int.h"

kerr_t bo__ingest_audit(const bo_in_t *in)
{
    bo_audit_t a;
    char dup[80];
    if (bo_decode_audit(in->row->payload, &a, in->reason) != K_OK) {
        *in->status = BO_REJECTED;
        return K_OK;
    }
    snprintf(dup, sizeof dup, "audit row %lld of this kiosk was received before", (long long)a.id);
    kerr_t rc = in->st->ops->log->audit_put(in->st->ctx, in->kiosk, in->row->ledger, &a, in->now, in->msg);
    return bo__ingest_once(in, rc, dup);
}
