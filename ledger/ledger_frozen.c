/* Daily freezes (ledger_frozen.h). */
#include "ledger/ledger_frozen.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

void ledger_frozen_iso(const ledger_frozen_t *f, char out[32])
{
    int off = abs(f->utc_offset_minutes);
    snprintf(out, 32, "%.10sT%.5s:00%c%02d:%02d", f->local, f->local + 11, f->utc_offset_minutes < 0 ? '-' : '+',
             off / 60 % 100, off % 60);
}

/* The outbox payload (docs/sync.md, "Uploading the outbox"); NULL when
 * out of memory. */
static cJSON *frozen_json(const ledger_frozen_t *f)
{
    char iso[32];
    ledger_frozen_iso(f, iso);
    cJSON *o = cJSON_CreateObject();
    if (o && !(kjson_add_str(o, "meter", f->meter) && kjson_add_str(o, "at", iso) &&
               kjson_add_int(o, "energy", f->energy) && ledger__add_bands(o, f->bands, f->bands_absent) &&
               kjson_add_time(o, "read_at", f->read_at))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return o;
}

static kerr_t insert(ledger_t *l, const ledger_frozen_t *f, bool *fresh, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO meter_frozen(meter, at, local, utc_offset_minutes, energy, sharp, peak, "
                               "flat, valley, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                               "ON CONFLICT (meter, at) DO NOTHING",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, f->meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->at);
    sqlite3_bind_text(st, 3, f->local, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, f->utc_offset_minutes);
    sqlite3_bind_int64(st, 5, f->energy);
    for (int b = 0; b < 4; b++)
        if (f->bands_absent)
            sqlite3_bind_null(st, 6 + b);
        else
            sqlite3_bind_int64(st, 6 + b, f->bands[b]);
    sqlite3_bind_int64(st, 10, f->read_at);
    rc = ledger__run(l, st, "storing the meter's freeze", msg);
    *fresh = rc == K_OK && sqlite3_changes(l->db) == 1;
    return rc;
}

kerr_t ledger_record_frozen(ledger_t *l, const ledger_frozen_t *f, bool *fresh, kmsg_t *msg)
{
    *fresh = false;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = insert(l, f, fresh, msg);
    if (rc == K_OK && *fresh)
        rc = ledger__outbox(l, "frozen", frozen_json(f), msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}
