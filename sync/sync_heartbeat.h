/* The heartbeat (docs/sync.md, "Heartbeat and notices"): the kiosk tells
 * the back office how it is; the answer says which signed documents are
 * current and which notices (late QR payments) wait. */
#ifndef SYNC_SYNC_HEARTBEAT_H
#define SYNC_SYNC_HEARTBEAT_H

#include "sync/sync_docs.h"
#include "sync/sync_notice.h"

#define SYNC_MAX_DEVICES 8

/* One device's state, as staff read it in the back office. */
typedef struct sync_device {
    const char *name;   /* cash, terminal, card_reader, printer, gateway */
    const char *status; /* ok, missing, fault, paper_low, ... */
    const char *detail; /* may be NULL */
} sync_device_t;

typedef struct sync_health {
    int64_t outbox_depth;
    const char *last_error; /* the link's failure while it stands, "" once an upload went through */
    const char *paper;      /* ok, low, out; NULL: no printer, or not known (left out) */
    sync_device_t devices[SYNC_MAX_DEVICES];
    int n_devices;
} sync_health_t;

/* What the answer carried. */
typedef struct sync_beat {
    sync_doc_versions_t versions; /* in sync_doc_kinds order; 0 = not said */
    sync_notice_t notices[SYNC_MAX_NOTICES];
    size_t n_notices;
} sync_beat_t;

/* Sends the heartbeat and reads its answer into out; the link's state in l
 * records whether the back office answered. K_ETIMEOUT: no answer;
 * K_EDEVICE: an error status; K_EINVAL: an answer that makes no sense. */
kerr_t sync_heartbeat(sync_client_t *c, ledger_t *l, const sync_health_t *h, sync_beat_t *out, kmsg_t *msg);

/* Reads a heartbeat's answer ({"documents": {kind: version}, "notices":
 * [...]}); K_EINVAL without documents; notices that make no sense are
 * skipped. */
kerr_t sync_beat_parse(const char *text, sync_beat_t *out, kmsg_t *msg);

#endif
