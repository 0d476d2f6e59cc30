/* The ledger schema and its forward migrations. The file's
 * PRAGMA user_version is the number of migrations applied. To change the
 * schema, append a migration; never edit one that has shipped. */
#include <stdio.h>

#include "ledger/ledger_int.h"

static const char *const v1[] = {
    /* One row per top-up. State names are those of core/txn.c. */
    "CREATE TABLE txn ("
    "  id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),"
    "  state TEXT NOT NULL,"
    "  meter TEXT NOT NULL,"
    "  customer TEXT NOT NULL DEFAULT '',"
    "  method TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  currency TEXT NOT NULL CHECK (length(currency) = 3),"
    "  amount INTEGER NOT NULL CHECK (amount >= 0),"
    "  paid INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),"
    "  delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0),"
    "  refunded INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0),"
    "  purchase_count INTEGER CHECK (purchase_count > 0),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  retry_at INTEGER NOT NULL DEFAULT 0,"
    "  retries INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;",
    /* One purchase count per meter: the exactly-once rule's anchor. */
    "CREATE UNIQUE INDEX txn_meter_count ON txn(meter, purchase_count) WHERE purchase_count IS NOT NULL;"
    "CREATE INDEX txn_state ON txn(state, retry_at);"
    "CREATE INDEX txn_created ON txn(created_at);",
    /* Append-only history: every transition, in order. */
    "CREATE TABLE txn_event ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  txn_id TEXT NOT NULL REFERENCES txn(id),"
    "  event TEXT NOT NULL,"
    "  from_state TEXT NOT NULL,"
    "  to_state TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX txn_event_txn ON txn_event(txn_id, seq);"
    "CREATE TRIGGER txn_event_no_update BEFORE UPDATE ON txn_event"
    "  BEGIN SELECT RAISE(ABORT, 'txn_event is append-only'); END;"
    "CREATE TRIGGER txn_event_no_delete BEFORE DELETE ON txn_event"
    "  BEGIN SELECT RAISE(ABORT, 'txn_event is append-only'); END;",
    /* Each accepted payment: a bank note, a card approval, a QR order. */
    "CREATE TABLE payment ("
    "  id INTEGER PRIMARY KEY,"
    "  txn_id TEXT NOT NULL REFERENCES txn(id),"
    "  method TEXT NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  currency TEXT NOT NULL,"
    "  denomination INTEGER NOT NULL DEFAULT 0,"
    "  ref TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX payment_txn ON payment(txn_id);",
    /* Each time credit was sent, with the purchase count it carried. */
    "CREATE TABLE delivery_attempt ("
    "  id INTEGER PRIMARY KEY,"
    "  txn_id TEXT NOT NULL REFERENCES txn(id),"
    "  meter TEXT NOT NULL,"
    "  purchase_count INTEGER NOT NULL CHECK (purchase_count > 0),"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  channel TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  result TEXT,"
    "  applied INTEGER CHECK (applied IN (0, 1)),"
    "  detail TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "CREATE INDEX attempt_txn ON delivery_attempt(txn_id, id);"
    "CREATE INDEX attempt_meter ON delivery_attempt(meter, purchase_count);",
    /* Money given back: card reversals, refunds, operator settlements. */
    "CREATE TABLE refund ("
    "  id INTEGER PRIMARY KEY,"
    "  txn_id TEXT NOT NULL REFERENCES txn(id),"
    "  method TEXT NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  ref TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX refund_txn ON refund(txn_id);",
    /* What the back office has yet to hear, in order; idempotent by seq. */
    "CREATE TABLE outbox ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  topic TEXT NOT NULL,"
    "  event_seq INTEGER UNIQUE REFERENCES txn_event(seq),"
    "  payload TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  attempts INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE INDEX outbox_unsent ON outbox(seq) WHERE sent_at IS NULL;",
    /* Money taken since the last collection, per method and denomination. */
    "CREATE TABLE cash_counter ("
    "  method TEXT NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  denomination INTEGER NOT NULL,"
    "  count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),"
    "  total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),"
    "  PRIMARY KEY (method, currency, denomination)"
    ") STRICT;"
    "CREATE TABLE cash_collection ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  operator TEXT NOT NULL,"
    "  last_payment_id INTEGER NOT NULL,"
    "  report TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE cashbox_event ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT ''"
    ") STRICT;",
    /* Usage-inspection and device alerts, with their evidence. */
    "CREATE TABLE alert ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  meter TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  evidence TEXT NOT NULL DEFAULT '',"
    "  acknowledged_at INTEGER,"
    "  acknowledged_by TEXT"
    ") STRICT;",
    /* Every staff and system action that is not a sale: who, what, why. */
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  target TEXT NOT NULL DEFAULT '',"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;",
    NULL,
};

/* Version 2: meter readings, for usage inspection and consumption reports. */
static const char *const v2[] = {
    "CREATE TABLE meter_reading ("
    "  id INTEGER PRIMARY KEY,"
    "  meter TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  energy INTEGER NOT NULL,"
    "  sharp INTEGER NOT NULL,"
    "  peak INTEGER NOT NULL,"
    "  flat INTEGER NOT NULL,"
    "  valley INTEGER NOT NULL,"
    "  balance INTEGER NOT NULL,"
    "  purchase_count INTEGER NOT NULL,"
    "  relay_open INTEGER NOT NULL CHECK (relay_open IN (0, 1)),"
    "  flags INTEGER NOT NULL"
    ") STRICT;",
    "CREATE INDEX meter_reading_meter ON meter_reading(meter, at);",
    "CREATE INDEX alert_meter ON alert(meter, at);",
    NULL,
};

/* Version 3: payments by devices. A card authorisation is written before it
 * is sent (its reference is how the terminal's answer is recognised); a
 * bill acceptor's event counter moves with what was booked from it; a
 * note's escrow decision is written before the note is routed. */
static const char *const v3[] = {
    "CREATE TABLE card_auth ("
    "  id INTEGER PRIMARY KEY,"
    "  txn_id TEXT NOT NULL REFERENCES txn(id),"
    "  reference TEXT NOT NULL UNIQUE,"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  started_at INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  outcome TEXT CHECK (outcome IN ('approved', 'declined', 'not_received')),"
    "  result_code INTEGER,"
    "  receipt INTEGER,"
    "  trace INTEGER,"
    "  masked_pan TEXT NOT NULL DEFAULT '',"
    "  card_type TEXT NOT NULL DEFAULT '',"
    "  lines TEXT NOT NULL DEFAULT ''"
    ") STRICT;",
    "CREATE INDEX card_auth_txn ON card_auth(txn_id);",
    "CREATE TABLE cash_device ("
    "  serial TEXT PRIMARY KEY NOT NULL,"
    "  last_counter INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;",
    "CREATE TABLE cash_escrow ("
    "  id INTEGER PRIMARY KEY,"
    "  txn_id TEXT REFERENCES txn(id),"
    "  counter INTEGER NOT NULL,"
    "  bill_type INTEGER NOT NULL,"
    "  value INTEGER NOT NULL,"
    "  decision TEXT NOT NULL CHECK (decision IN ('stack', 'return')),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  decided_at INTEGER NOT NULL,"
    "  outcome TEXT CHECK (outcome IN ('stacked', 'returned', 'unknown')),"
    "  resolved_at INTEGER"
    ") STRICT;",
    "ALTER TABLE cash_collection ADD COLUMN last_refund_id INTEGER NOT NULL DEFAULT 0;",
    NULL,
};

/* Version 4: meter cards. A sale written onto a card names that card (its
 * serial, 16 hex digits), so that only the same card can finish it. */
static const char *const v4[] = {
    "ALTER TABLE txn ADD COLUMN card TEXT NOT NULL DEFAULT '';",
    NULL,
};

/* Version 5: the meter cards this kiosk issued. A row is written before the
 * card is (state issuing) and becomes active once the card holds it; a
 * replacement makes the card it replaces `replaced`; an issue abandoned for
 * another card is `void`. One generation per meter. */
static const char *const v5[] = {
    "CREATE TABLE meter_card ("
    "  serial TEXT PRIMARY KEY NOT NULL CHECK (length(serial) = 16),"
    "  meter TEXT NOT NULL,"
    "  customer TEXT NOT NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('user', 'replacement')),"
    "  generation INTEGER NOT NULL CHECK (generation BETWEEN 0 AND 255),"
    "  state TEXT NOT NULL CHECK (state IN ('issuing', 'active', 'replaced', 'void')),"
    "  replaces TEXT NOT NULL DEFAULT '',"
    "  operator TEXT NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;",
    "CREATE UNIQUE INDEX meter_card_generation ON meter_card(meter, generation) WHERE state <> 'void';",
    NULL,
};

/* Version 6: staff. Permission groups (a comma-separated list of the names
 * of core/perm.h) and operators with their PIN hash (Argon2id) and the
 * lockout count. */
static const char *const v6[] = {
    "CREATE TABLE op_group ("
    "  name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 32),"
    "  perms TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;",
    "CREATE TABLE operator ("
    "  name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 32),"
    "  group_name TEXT NOT NULL REFERENCES op_group(name),"
    "  pin_hash TEXT NOT NULL,"
    "  card TEXT NOT NULL DEFAULT '',"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;",
    NULL,
};

/* Version 7: the back-office link's own state (one row): when it last got
 * an answer, the last failure, failures in a row. */
static const char *const v7[] = {
    "CREATE TABLE sync_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  last_ok_at INTEGER NOT NULL DEFAULT 0,"
    "  last_error_at INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  failures INTEGER NOT NULL DEFAULT 0"
    ") STRICT;",
    "INSERT INTO sync_state(id) VALUES (1);",
    NULL,
};

/* Version 8: the signed documents from the back office as applied (one
 * row per kind, its version only going forward), and one booking per QR
 * order: a late payment's notice seen twice books nothing twice. */
static const char *const v8[] = {
    "CREATE TABLE document ("
    "  kind TEXT PRIMARY KEY NOT NULL,"
    "  version INTEGER NOT NULL CHECK (version > 0),"
    "  etag TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL,"
    "  envelope TEXT NOT NULL,"
    "  applied_at INTEGER NOT NULL"
    ") STRICT;",
    "CREATE UNIQUE INDEX payment_qr_order ON payment(ref) WHERE method = 'qr';",
    NULL,
};

/* Version 9: where a group or an operator comes from: made at this kiosk
 * (`local`) or by the back office's signed document `staff` (`central`). */
static const char *const v9[] = {
    "ALTER TABLE op_group ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'central'));",
    "ALTER TABLE operator ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'central'));",
    NULL,
};

/* Version 10: the ledger's own identity, made once with the file and never
 * reused (ledger_identity.c fills the row; docs/ledger.md, "Identity"). */
static const char *const v10[] = {
    "CREATE TABLE ledger_identity ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  id TEXT NOT NULL CHECK (length(id) = 36),"
    "  created_at INTEGER NOT NULL"
    ") STRICT;",
    NULL,
};

/* Version 11: a reading of a single-rate meter has no bands: the four band
 * columns may be NULL, all four together (the table is rebuilt, as SQLite
 * cannot drop a NOT NULL). */
static const char *const v11[] = {
    "CREATE TABLE meter_reading_v11 ("
    "  id INTEGER PRIMARY KEY,"
    "  meter TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  energy INTEGER NOT NULL,"
    "  sharp INTEGER,"
    "  peak INTEGER,"
    "  flat INTEGER,"
    "  valley INTEGER,"
    "  balance INTEGER NOT NULL,"
    "  purchase_count INTEGER NOT NULL,"
    "  relay_open INTEGER NOT NULL CHECK (relay_open IN (0, 1)),"
    "  flags INTEGER NOT NULL,"
    "  CHECK ((sharp IS NULL) = (peak IS NULL) AND (peak IS NULL) = (flat IS NULL)"
    "         AND (flat IS NULL) = (valley IS NULL))"
    ") STRICT;",
    "INSERT INTO meter_reading_v11 (id, meter, at, energy, sharp, peak, flat, valley, balance, purchase_count,"
    "  relay_open, flags) SELECT id, meter, at, energy, sharp, peak, flat, valley, balance, purchase_count,"
    "  relay_open, flags FROM meter_reading;",
    "DROP TABLE meter_reading;",
    "ALTER TABLE meter_reading_v11 RENAME TO meter_reading;",
    "CREATE INDEX meter_reading_meter ON meter_reading(meter, at);",
    NULL,
};

/* Version 12: the back office's central commands as received, by id (a
 * command seen again is not run again), with their state and outcome
 * (ledger_command.c; docs/collector.md, "Central commands"); one central
 * payment per command. */
static const char *const v12[] = {
    "CREATE TABLE meter_command ("
    "  id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),"
    "  meter TEXT NOT NULL,"
    "  command TEXT NOT NULL,"
    "  params TEXT NOT NULL DEFAULT '{}',"
    "  operator TEXT NOT NULL DEFAULT '',"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('received', 'acting', 'done', 'failed', 'refused', 'expired',"
    "    'unknown')),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  txn_id TEXT REFERENCES txn(id),"
    "  balance_after INTEGER,"
    "  count_after INTEGER,"
    "  envelope TEXT NOT NULL DEFAULT '',"
    "  received_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ") STRICT;",
    "CREATE INDEX meter_command_open ON meter_command(state) WHERE state IN ('received', 'acting');",
    "CREATE UNIQUE INDEX payment_central_command ON payment(ref) WHERE method = 'central';",
    NULL,
};

/* Version 13: scheduled reading (docs/collector.md). A reading says where
 * it comes from (core/scan.h: scan, sale, staff, command; those stored
 * before say staff); meter_miss holds, per meter that did not answer a
 * scan, its misses in a row since it last answered (the row goes when it
 * answers). */
static const char *const v13[] = {
    "ALTER TABLE meter_reading ADD COLUMN source TEXT NOT NULL DEFAULT 'staff'"
    "  CHECK (source IN ('scan', 'sale', 'staff', 'command'));",
    "CREATE TABLE meter_miss ("
    "  meter TEXT PRIMARY KEY NOT NULL,"
    "  misses INTEGER NOT NULL CHECK (misses > 0),"
    "  first_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL,"
    "  why TEXT NOT NULL"
    ") STRICT;",
    NULL,
};

/* Version 14: the meters' daily freezes as read by the day's scan, one
 * row per meter and freeze time (ledger_frozen.c; docs/collector.md, "The
 * day's figures"), and central refunds: the intent with the purchase
 * count it carries, committed before the meter is told, and its outcome
 * (ledger_refund.c; docs/collector.md, "Central refunds"). */
static const char *const v14[] = {
    "CREATE TABLE meter_frozen ("
    "  meter TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  local TEXT NOT NULL,"
    "  utc_offset_minutes INTEGER NOT NULL,"
    "  energy INTEGER NOT NULL,"
    "  sharp INTEGER, peak INTEGER, flat INTEGER, valley INTEGER,"
    "  read_at INTEGER NOT NULL,"
    "  PRIMARY KEY (meter, at),"
    "  CHECK ((sharp IS NULL) = (peak IS NULL) AND (peak IS NULL) = (flat IS NULL)"
    "         AND (flat IS NULL) = (valley IS NULL))"
    ") STRICT;",
    "CREATE TABLE central_refund ("
    "  command_id TEXT PRIMARY KEY NOT NULL REFERENCES meter_command(id),"
    "  meter TEXT NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  purchase_count INTEGER NOT NULL CHECK (purchase_count > 0),"
    "  state TEXT NOT NULL CHECK (state IN ('sent', 'done', 'failed', 'unknown')),"
    "  balance_after INTEGER,"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  at INTEGER NOT NULL,"
    "  finished_at INTEGER"
    ") STRICT;",
    "CREATE INDEX central_refund_meter ON central_refund(meter, at);",
    NULL,
};

/* Version 15: a new account's zero first purchase (docs/card.md) is
 * delivered like any sale, its attempt carrying amount 0: the attempt's
 * amount may be 0 (the table is rebuilt, as SQLite cannot change a CHECK).
 * txn.amount was >= 0 from the start; payments, refunds and card
 * authorisations keep > 0 (a zero sale has none). */
static const char *const v15[] = {
    "CREATE TABLE delivery_attempt_v15 ("
    "  id INTEGER PRIMARY KEY,"
    "  txn_id TEXT NOT NULL REFERENCES txn(id),"
    "  meter TEXT NOT NULL,"
    "  purchase_count INTEGER NOT NULL CHECK (purchase_count > 0),"
    "  amount INTEGER NOT NULL CHECK (amount >= 0),"
    "  channel TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  result TEXT,"
    "  applied INTEGER CHECK (applied IN (0, 1)),"
    "  detail TEXT NOT NULL DEFAULT ''"
    ") STRICT;",
    "INSERT INTO delivery_attempt_v15 (id, txn_id, meter, purchase_count, amount, channel, started_at,"
    "  finished_at, result, applied, detail) SELECT id, txn_id, meter, purchase_count, amount, channel,"
    "  started_at, finished_at, result, applied, detail FROM delivery_attempt;",
    "DROP TABLE delivery_attempt;",
    "ALTER TABLE delivery_attempt_v15 RENAME TO delivery_attempt;",
    "CREATE INDEX attempt_txn ON delivery_attempt(txn_id, id);",
    "CREATE INDEX attempt_meter ON delivery_attempt(meter, purchase_count);",
    NULL,
};

/* Version 16: what the back office said a post-paid account owed when a
 * bill payment opened (docs/billing.md), kept with the sale so that its
 * receipt, first or reprinted, names the bills paid and what is still
 * owed (ledger_bill.c): the sum owed, and each open bill oldest first. */
static const char *const v16[] = {
    "CREATE TABLE bill_due ("
    "  txn_id TEXT PRIMARY KEY NOT NULL REFERENCES txn(id),"
    "  owed INTEGER NOT NULL CHECK (owed >= 0)"
    ") STRICT;",
    "CREATE TABLE bill_due_item ("
    "  txn_id TEXT NOT NULL REFERENCES bill_due(txn_id),"
    "  n INTEGER NOT NULL CHECK (n >= 0),"
    "  from_day TEXT NOT NULL,"
    "  to_day TEXT NOT NULL,"
    "  due INTEGER NOT NULL,"
    "  PRIMARY KEY (txn_id, n)"
    ") STRICT;",
    NULL,
};

/* Each migration is a list of statements run in one transaction. */
static const char *const *const migrations[] = {v1,  v2,  v3,  v4,  v5,  v6,  v7,  v8,
                                                v9, v10, v11, v12, v13, v14, v15, v16};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(N_MIGRATIONS == LEDGER_SCHEMA_VERSION, "one migration per schema version");

/* Applies one migration if the file is still below the latest version;
 * the version is read inside the write transaction so two processes
 * opening a new file at once do not both migrate it. *done is set when
 * nothing was left to do. */
static kerr_t migrate_step(ledger_t *l, bool *done, kmsg_t *msg)
{
    kerr_t rc = ledger__begin(l, msg);
    if (rc)
        return rc;
    int v = ledger_schema_version(l);
    if (v < 0 || v > N_MIGRATIONS) {
        ledger__rollback(l);
        if (v < 0)
            return ledger__err(l, SQLITE_ERROR, "reading the schema version", msg);
        return kmsg_set(msg, K_EVERSION, "schema version %d is newer than this program's %d; upgrade the software",
                        v, N_MIGRATIONS);
    }
    *done = v == N_MIGRATIONS;
    if (!*done) {
        char bump[48];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", v + 1);
        for (const char *const *sql = migrations[v]; rc == K_OK && *sql; sql++)
            rc = ledger__exec(l, *sql, msg);
        if (rc == K_OK && v + 1 == 10)
            rc = ledger__identity_make(l, msg); /* what SQL alone cannot make: a UUID from the kernel */
        if (rc == K_OK)
            rc = ledger__exec(l, bump, msg);
        if (rc != K_OK) {
            ledger__rollback(l);
            kmsg_prefix(msg, "migrating to schema %d: ", v + 1);
            return rc;
        }
    }
    return ledger__commit(l, msg);
}

kerr_t ledger__migrate(ledger_t *l, kmsg_t *msg)
{
    for (bool done = false; !done;) {
        kerr_t rc = migrate_step(l, &done, msg);
        if (rc)
            return rc;
    }
    return K_OK;
}
