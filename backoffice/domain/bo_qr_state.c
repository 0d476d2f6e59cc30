#include "backoffice/domain/bo_qr_state.h"

#include <stddef.h>
#include <string.h>

typedef struct edge {
    const char *from, *event, *to;
    bool notify;
} edge_t;

/* Missing from the table: cancel from paid or paid_late (refused: the
 * money is in, the kiosk must book it). An event that leaves the state as
 * it is answers the same again: retries are safe. */
static const edge_t edges[] = {
    {"pending", "pay", "paid", false},         {"pending", "cancel", "cancelled", false},
    {"pending", "expire", "expired", false},   {"expired", "pay", "paid_late", true},
    {"cancelled", "pay", "paid_late", true},   {"expired", "cancel", "expired", false},
    {"cancelled", "cancel", "cancelled", false}, {"expired", "expire", "expired", false},
    {"cancelled", "expire", "cancelled", false}, {"paid", "pay", "paid", false},
    {"paid", "expire", "paid", false},         {"paid_late", "pay", "paid_late", false},
    {"paid_late", "expire", "paid_late", false},
};

bool bo_qr_next(const char *state, const char *event, const char **to, bool *notify)
{
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        if (strcmp(edges[i].from, state) == 0 && strcmp(edges[i].event, event) == 0) {
            *to = edges[i].to;
            *notify = edges[i].notify;
            return true;
        }
    return false;
}

bool bo_qr_is_paid(const char *state)
{
    return strcmp(state, "paid") == 0 || strcmp(state, "paid_late") == 0;
}
