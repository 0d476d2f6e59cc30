/* The back office's central commands, the link's part (docs/sync.md,
 * "Central commands"): a long poll for the commands queued for this kiosk,
 * the check of each signed command against the pinned key, and the
 * acknowledgement once it is recorded (or refused). What a command does
 * is the engine's (engine/engine_central.c). */
#ifndef SYNC_SYNC_COMMANDS_H
#define SYNC_SYNC_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/sync_client.h"

/* A command as its signed document says. */
typedef struct sync_command {
    char id[65];
    char kiosk[65];
    char meter[33];
    char command[24];
    char params[1024]; /* JSON text */
    char operator_name[65];
    char batch[37];
    int64_t issued_at, expires_at; /* ms */
} sync_command_t;

/* Says true to give up a poll under way (the worker stopping). */
typedef bool (*sync_stop_fn)(void *ctx);

/* Asks for the commands queued for this kiosk, waiting up to wait_s
 * seconds (30 at most) for one: K_OK with *n envelopes (each the signed
 * envelope's JSON text; free them with sync_commands_free), none when the
 * wait ended with nothing; K_ETIMEOUT without an answer; K_EDEVICE for an
 * error status. stop (may be NULL) ends the wait early. */
kerr_t sync_commands_poll(sync_client_t *c, int wait_s, sync_stop_fn stop, void *stop_ctx, char ***envelopes,
                          size_t *n, kmsg_t *msg);

/* Frees what sync_commands_poll handed over. */
void sync_commands_free(char **envelopes, size_t n);

/* Acknowledges command id: received (recorded durably) or refused with
 * reason. */
kerr_t sync_commands_ack(sync_client_t *c, const char *id, bool refused, const char *reason, kmsg_t *msg);

/* Checks a command's envelope: its signature with the pinned key
 * (sync.pubkey), its kind (meter_command), that it is for kiosk and not
 * expired at now (ms, the kiosk's clock). K_OK with *out filled; else
 * K_EDENIED with the reason for refusing it in msg, out->id filled when
 * the envelope names one (so the refusal can be acknowledged). */
kerr_t sync_command_check(const char *pubkey_b64, const char *kiosk, const char *envelope, int64_t now,
                          sync_command_t *out, kmsg_t *msg);

#endif
