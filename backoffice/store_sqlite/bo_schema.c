/* The back office's schema and its forward migrations, the same for both
 * engines: written in SQLite's dialect, the few DDL differences mapped for
 * PostgreSQL (bo_schema_pg.c). SQLite's PRAGMA user_version, PostgreSQL's
 * table bo_schema_version hold the number applied. To change the schema, append a migration; never
 * edit one that has shipped. Money is INTEGER minor units; times are
 * INTEGER milliseconds since the epoch, UTC. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backoffice/store_sqlite/bo_db_int.h"
#include "backoffice/store_sqlite/bo_schema_pg.h"

static const char *const v1[] = {
    /* Sales points, and the kiosks that belong to them. A kiosk is known by
     * the CN of its client certificate. Enrolment (issue 8) will fill
     * cert_fingerprint and move a kiosk from `enrolling` to `active`. */
    "CREATE TABLE site (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL) STRICT;"
    "CREATE TABLE kiosk ("
    "  id TEXT PRIMARY KEY NOT NULL, site TEXT NOT NULL REFERENCES site(id),"
    "  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('enrolling', 'active', 'blocked')),"
    "  cert_fingerprint TEXT NOT NULL DEFAULT '', settings_version INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE kiosk_setting (kiosk TEXT NOT NULL REFERENCES kiosk(id), key TEXT NOT NULL,"
    "  value INTEGER NOT NULL, PRIMARY KEY (kiosk, key)) STRICT;"
    "CREATE TABLE kiosk_health (kiosk TEXT PRIMARY KEY NOT NULL REFERENCES kiosk(id), at INTEGER NOT NULL,"
    "  software TEXT NOT NULL, outbox_depth INTEGER NOT NULL, last_error TEXT NOT NULL,"
    "  report TEXT NOT NULL) STRICT;"
    ,
    /* Customers, their meters, and the cards and tariffs kiosks download. */
    "CREATE TABLE customer (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL) STRICT;"
    "CREATE TABLE meter (id TEXT PRIMARY KEY NOT NULL, customer TEXT NOT NULL REFERENCES customer(id),"
    "  protocol TEXT NOT NULL, gateway TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'electricity',"
    "  tariff TEXT NOT NULL DEFAULT '') STRICT;"
    "CREATE TABLE blocked_card (serial TEXT PRIMARY KEY NOT NULL, reason TEXT NOT NULL,"
    "  at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE tariff (id TEXT PRIMARY KEY NOT NULL, currency TEXT NOT NULL, text TEXT NOT NULL) STRICT;"
    "CREATE TABLE doc_version (kind TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL) STRICT;"
    "INSERT INTO doc_version VALUES ('tariffs', 1), ('registry', 1), ('blocked-cards', 1);"
    ,
    /* Ingest: the first answer to every outbox row, by (kiosk, outbox seq). */
    "CREATE TABLE ingest_row (kiosk TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL,"
    "  digest TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, received_at INTEGER NOT NULL,"
    "  PRIMARY KEY (kiosk, seq)) STRICT;"
    "CREATE INDEX ingest_row_age ON ingest_row(received_at);"
    /* A transaction's events seen, by (kiosk, txn id, event seq). */
    "CREATE TABLE txn_event_seen (kiosk TEXT NOT NULL, txn_id TEXT NOT NULL, event_seq INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (kiosk, txn_id, event_seq)) STRICT;"
    "CREATE INDEX txn_event_seen_age ON txn_event_seen(at);"
    ,
    /* The latest state of every transaction (the one with the highest event seq). */
    "CREATE TABLE sale (txn_id TEXT PRIMARY KEY NOT NULL, kiosk TEXT NOT NULL, site TEXT NOT NULL,"
    "  state TEXT NOT NULL, meter TEXT NOT NULL, customer TEXT NOT NULL, method TEXT NOT NULL,"
    "  channel TEXT NOT NULL, currency TEXT NOT NULL, amount INTEGER NOT NULL, paid INTEGER NOT NULL,"
    "  delivered INTEGER NOT NULL, refunded INTEGER NOT NULL, purchase_count INTEGER,"
    "  event_seq INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX sale_created ON sale(created_at);"
    "CREATE TABLE reading (kiosk TEXT NOT NULL, meter TEXT NOT NULL, at INTEGER NOT NULL,"
    "  energy INTEGER NOT NULL, balance INTEGER NOT NULL, purchase_count INTEGER NOT NULL,"
    "  relay_open INTEGER NOT NULL, flags INTEGER NOT NULL, PRIMARY KEY (meter, at, kiosk)) STRICT;"
    "CREATE TABLE alert (kiosk TEXT NOT NULL, kiosk_alert INTEGER NOT NULL, meter TEXT NOT NULL,"
    "  at INTEGER NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, evidence TEXT NOT NULL,"
    "  PRIMARY KEY (kiosk, kiosk_alert)) STRICT;"
    "CREATE TABLE card (serial TEXT PRIMARY KEY NOT NULL, meter TEXT NOT NULL, customer TEXT NOT NULL,"
    "  type TEXT NOT NULL, generation INTEGER NOT NULL, state TEXT NOT NULL, replaces TEXT NOT NULL,"
    "  kiosk TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    ,
    /* The purchase-count service: the highest count known per meter, and the
     * one live lease per meter (a count handed to one kiosk's transaction). */
    "CREATE TABLE meter_count (meter TEXT PRIMARY KEY NOT NULL, highest INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE count_lease (meter TEXT PRIMARY KEY NOT NULL, kiosk TEXT NOT NULL, txn_id TEXT NOT NULL,"
    "  count INTEGER NOT NULL, stale_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE count_grant (meter TEXT NOT NULL, count INTEGER NOT NULL, kiosk TEXT NOT NULL,"
    "  txn_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (meter, count)) STRICT;"
    ,
    /* QR payment orders and the notices kiosks collect at their next sync. */
    "CREATE TABLE qr_order (id TEXT PRIMARY KEY NOT NULL, kiosk TEXT NOT NULL, txn_id TEXT NOT NULL,"
    "  meter TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0), currency TEXT NOT NULL,"
    "  state TEXT NOT NULL, gave_up TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL, paid_at INTEGER, provider_ref TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (kiosk, txn_id)) STRICT;"
    "CREATE TABLE notice (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, kind TEXT NOT NULL,"
    "  body TEXT NOT NULL, created_at INTEGER NOT NULL, acked_at INTEGER) STRICT;"
    "CREATE INDEX notice_open ON notice(kiosk, id) WHERE acked_at IS NULL;",
    NULL,
};

/* Version 2: the fleet's audit trail (each kiosk's rows by the kiosk's own
 * audit id; the back office's own under kiosk 'backoffice' with no id) and
 * staff managed centrally, synced down as the signed document `staff`. */
static const char *const v2[] = {
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, kiosk_audit INTEGER, at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, UNIQUE (kiosk, kiosk_audit)) STRICT;"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE TABLE staff_group (name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 32),"
    "  perms TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE staff_operator (name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 32),"
    "  group_name TEXT NOT NULL REFERENCES staff_group(name), pin_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)), updated_at INTEGER NOT NULL) STRICT;"
    "INSERT INTO doc_version VALUES ('staff', 1);",
    NULL,
};

/* Version 3: accounts (docs/accounts.md). An account belongs to one
 * customer and holds meters through bindings; a meter has at most one live
 * binding (unbound_at NULL), and only an open account has live ones. A
 * closed account keeps its bindings, with each meter's final reading, as
 * history. balance is the carried balance in minor units; at close it is
 * refunded or carried (settlement) to the customer's next account. */
static const char *const v3[] = {
    "CREATE TABLE account (id TEXT PRIMARY KEY NOT NULL, customer TEXT NOT NULL REFERENCES customer(id),"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')), opened_at INTEGER NOT NULL,"
    "  closed_at INTEGER, balance INTEGER NOT NULL DEFAULT 0, close_reason TEXT NOT NULL DEFAULT '',"
    "  settlement TEXT NOT NULL DEFAULT '' CHECK (settlement IN ('', 'refund', 'carry')),"
    "  settled INTEGER NOT NULL DEFAULT 0, carried_to TEXT NOT NULL DEFAULT '') STRICT;"
    "CREATE INDEX account_customer ON account(customer);"
    "CREATE TABLE account_meter (id INTEGER PRIMARY KEY, account TEXT NOT NULL REFERENCES account(id),"
    "  meter TEXT NOT NULL REFERENCES meter(id), bound_at INTEGER NOT NULL, unbound_at INTEGER,"
    "  final_reading INTEGER, unbound_why TEXT NOT NULL DEFAULT '',"
    "  first_zero_ok INTEGER NOT NULL DEFAULT 1 CHECK (first_zero_ok IN (0, 1))) STRICT;"
    "CREATE UNIQUE INDEX account_meter_live ON account_meter(meter) WHERE unbound_at IS NULL;"
    "CREATE INDEX account_meter_account ON account_meter(account);"
    "CREATE INDEX account_meter_meter ON account_meter(meter, id);"
    "CREATE TABLE meter_removed (meter TEXT PRIMARY KEY NOT NULL REFERENCES meter(id), at INTEGER NOT NULL,"
    "  final_reading INTEGER NOT NULL, reason TEXT NOT NULL) STRICT;",
    NULL,
};

/* Version 4: enrolment (docs/enrolment.md). One-time codes, stored as the
 * SHA-256 of the normalised code (hex), each for one kiosk; used_at is set
 * by the one enrolment a code allows. The kiosk keeps what it enrolled
 * with: its Ed25519 upload key, the code it showed, and its certificate's
 * expiry (cert_fingerprint is in v1). */
static const char *const v4[] = {
    "CREATE TABLE enrol_code (code_hash TEXT PRIMARY KEY NOT NULL, kiosk TEXT NOT NULL REFERENCES kiosk(id),"
    "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER) STRICT;"
    "CREATE INDEX enrol_code_kiosk ON enrol_code(kiosk);"
    "ALTER TABLE kiosk ADD COLUMN upload_key TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE kiosk ADD COLUMN kiosk_code TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE kiosk ADD COLUMN enrolled_at INTEGER;"
    "ALTER TABLE kiosk ADD COLUMN cert_not_after INTEGER;",
    NULL,
};

#define NOW_MS BO_SQLITE_NOW_MS

/* Version 5: trust and integrity (docs/sync.md, "Scope", "Quarantine").
 * Every meter belongs to a site (the site whose gateway it hangs on); a
 * kiosk acts only for the meters of its site and those staff grant the
 * site (site_grant: one meter, or every meter of another site; revoked
 * grants stay as history). Meters registered before get a site by this
 * rule, each recorded in the audit trail: the one site if there is only
 * one; else the site of the kiosk that uploaded the meter's latest sale,
 * else its latest reading; else none (out of scope for every kiosk until
 * staff run `backoffice meter site`). A count lease ends at ends_at (it
 * was stale_at) and keeps the time it was granted, which bounds how long
 * renewals keep it (leases held at the upgrade count from it; their end is
 * as before). Rows too implausible
 * to apply wait in quarantine for staff. */
static const char *const v5[] = {
    "ALTER TABLE meter ADD COLUMN site TEXT NOT NULL DEFAULT '';"
    "UPDATE meter SET site = coalesce("
    "  (SELECT min(id) FROM site HAVING count(*) = 1),"
    "  (SELECT k.site FROM sale s JOIN kiosk k ON k.id = s.kiosk WHERE s.meter = meter.id"
    "   ORDER BY s.updated_at DESC LIMIT 1),"
    "  (SELECT k.site FROM reading r JOIN kiosk k ON k.id = r.kiosk WHERE r.meter = meter.id"
    "   ORDER BY r.at DESC LIMIT 1), '');"
    "INSERT INTO audit(kiosk, kiosk_audit, at, actor, action, target, reason, detail, received_at)"
    "  SELECT 'backoffice', NULL, " NOW_MS ", 'backoffice:schema', 'meter.site', id,"
    "  'schema 5: every meter belongs to a site', 'site ' || site, " NOW_MS " FROM meter WHERE site <> '';"
    "CREATE INDEX meter_site ON meter(site);"
    "CREATE TABLE site_grant (id INTEGER PRIMARY KEY, site TEXT NOT NULL REFERENCES site(id),"
    "  from_site TEXT NOT NULL DEFAULT '', meter TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL,"
    "  granted_at INTEGER NOT NULL, granted_by TEXT NOT NULL, revoked_at INTEGER,"
    "  revoked_by TEXT NOT NULL DEFAULT '', revoke_reason TEXT NOT NULL DEFAULT '',"
    "  CHECK ((from_site = '') <> (meter = ''))) STRICT;"
    "CREATE UNIQUE INDEX site_grant_live ON site_grant(site, from_site, meter) WHERE revoked_at IS NULL;"
    "ALTER TABLE count_lease ADD COLUMN granted_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE count_lease RENAME COLUMN stale_at TO ends_at;"
    "UPDATE count_lease SET granted_at = " NOW_MS ";"
    "CREATE INDEX count_lease_kiosk ON count_lease(kiosk);"
    "CREATE TABLE quarantine (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, seq INTEGER, topic TEXT NOT NULL,"
    "  meter TEXT NOT NULL, payload TEXT NOT NULL, rule TEXT NOT NULL, reason TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'released', 'discarded')),"
    "  decided_at INTEGER, decided_by TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (kiosk, topic, payload)) STRICT;"
    "CREATE INDEX quarantine_held ON quarantine(state, id);",
    NULL,
};

/* Version 6: uploads by ledger, signed (docs/sync.md, "Uploading the
 * outbox"). A kiosk's ledger has its own id; a fresh ledger (a factory
 * reset) starts its outbox seqs at 1 again, so first answers, alerts and
 * audit rows are keyed by (kiosk, ledger, the kiosk's number). Rows received
 * before ledgers were named carry ledger '': the kiosk's first ledger
 * heard from takes them over (bo_ledger.c). kiosk_ledger holds each
 * kiosk's ledgers: the current one (retired_at NULL) and those replaced.
 * ingest_batch keeps each signed upload as received (its body and the
 * kiosk's Ed25519 signature: evidence), as long as its first answers. */
static const char *const v6[] = {
    "CREATE TABLE kiosk_ledger (kiosk TEXT NOT NULL REFERENCES kiosk(id), id TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, first_seen INTEGER NOT NULL, retired_at INTEGER,"
    "  replaced_by TEXT NOT NULL DEFAULT '', PRIMARY KEY (kiosk, id)) STRICT;"
    "CREATE UNIQUE INDEX kiosk_ledger_current ON kiosk_ledger(kiosk) WHERE retired_at IS NULL;"
    "CREATE TABLE ingest_batch (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, ledger TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, signature TEXT NOT NULL, body BLOB NOT NULL) STRICT;"
    "CREATE INDEX ingest_batch_age ON ingest_batch(received_at);"
    "CREATE TABLE ingest_row_v6 (kiosk TEXT NOT NULL, ledger TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  topic TEXT NOT NULL, digest TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, batch INTEGER, PRIMARY KEY (kiosk, ledger, seq)) STRICT;"
    "INSERT INTO ingest_row_v6 SELECT kiosk, '', seq, topic, digest, status, reason, received_at, NULL"
    "  FROM ingest_row;"
    "DROP TABLE ingest_row;"
    "ALTER TABLE ingest_row_v6 RENAME TO ingest_row;"
    "CREATE INDEX ingest_row_age ON ingest_row(received_at);"
    "CREATE TABLE alert_v6 (kiosk TEXT NOT NULL, kiosk_alert INTEGER NOT NULL, meter TEXT NOT NULL,"
    "  at INTEGER NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, evidence TEXT NOT NULL,"
    "  ledger TEXT NOT NULL DEFAULT '', PRIMARY KEY (kiosk, ledger, kiosk_alert)) STRICT;"
    "INSERT INTO alert_v6 SELECT kiosk, kiosk_alert, meter, at, kind, severity, evidence, '' FROM alert;"
    "DROP TABLE alert;"
    "ALTER TABLE alert_v6 RENAME TO alert;"
    "CREATE TABLE audit_v6 (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, kiosk_audit INTEGER,"
    "  at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
    "  reason TEXT NOT NULL, detail TEXT NOT NULL, received_at INTEGER NOT NULL,"
    "  ledger TEXT NOT NULL DEFAULT '', UNIQUE (kiosk, ledger, kiosk_audit)) STRICT;"
    "INSERT INTO audit_v6 SELECT id, kiosk, kiosk_audit, at, actor, action, target, reason, detail,"
    "  received_at, '' FROM audit;"
    "DROP TABLE audit;"
    "ALTER TABLE audit_v6 RENAME TO audit;"
    "CREATE INDEX audit_at ON audit(at);",
    NULL,
};

/* Version 7: central commands to meters (docs/collector.md, "Central
 * commands"): queued by staff, signed, handed to the meter's kiosk, and
 * their outcome as the kiosk reported it. */
static const char *const v7[] = {
    "CREATE TABLE meter_command (id TEXT PRIMARY KEY NOT NULL, kiosk TEXT NOT NULL, meter TEXT NOT NULL,"
    "  command TEXT NOT NULL, params TEXT NOT NULL, operator TEXT NOT NULL, reason TEXT NOT NULL,"
    "  issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, state TEXT NOT NULL CHECK (state IN"
    "  ('queued', 'sent', 'done', 'failed', 'refused', 'expired', 'unknown', 'cancelled')),"
    "  outcome TEXT NOT NULL DEFAULT '', txn_id TEXT NOT NULL DEFAULT '', balance_after INTEGER,"
    "  count_after INTEGER, batch TEXT NOT NULL DEFAULT '', envelope TEXT NOT NULL, sent_at INTEGER,"
    "  acked_at INTEGER, executed_at INTEGER, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX meter_command_kiosk ON meter_command(kiosk, state, issued_at);"
    "CREATE INDEX meter_command_meter ON meter_command(meter, issued_at);",
    NULL,
};

/* Version 8: the back office's view of meters (docs/collector.md). A
 * reading keeps its four TOU bands (NULL for a meter without them) and its
 * source (scan, sale, staff, command; '' from kiosks before). An alert gets
 * an id of its own for staff, its acknowledgement (when, by whom, why),
 * the kiosk it is about (subject: kiosk_silent) and when its condition
 * ended (cleared_at: the kiosk or meter is back). */
static const char *const v8[] = {
    "ALTER TABLE reading ADD COLUMN sharp INTEGER;"
    "ALTER TABLE reading ADD COLUMN peak INTEGER;"
    "ALTER TABLE reading ADD COLUMN flat INTEGER;"
    "ALTER TABLE reading ADD COLUMN valley INTEGER;"
    "ALTER TABLE reading ADD COLUMN source TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE alert_v8 (id INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, kiosk_alert INTEGER NOT NULL,"
    "  meter TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,"
    "  evidence TEXT NOT NULL, ledger TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',"
    "  cleared_at INTEGER, acked_at INTEGER, acked_by TEXT NOT NULL DEFAULT '',"
    "  ack_reason TEXT NOT NULL DEFAULT '', UNIQUE (kiosk, ledger, kiosk_alert)) STRICT;"
    "INSERT INTO alert_v8 (kiosk, kiosk_alert, meter, at, kind, severity, evidence, ledger)"
    "  SELECT kiosk, kiosk_alert, meter, at, kind, severity, evidence, ledger FROM alert ORDER BY at;"
    "DROP TABLE alert;"
    "ALTER TABLE alert_v8 RENAME TO alert;"
    "CREATE INDEX alert_open ON alert(kind, acked_at, cleared_at);",
    NULL,
};

/* Version 9: the meters' daily freezes the kiosks uploaded (topic
 * frozen), one per meter and freeze time: at in UTC ms, at_text as the
 * kiosk wrote it (the meter's local time with the kiosk's offset). */
static const char *const v9[] = {
    "CREATE TABLE frozen (meter TEXT NOT NULL, at INTEGER NOT NULL, at_text TEXT NOT NULL,"
    "  kiosk TEXT NOT NULL, energy INTEGER NOT NULL, sharp INTEGER, peak INTEGER, flat INTEGER,"
    "  valley INTEGER, read_at INTEGER NOT NULL, PRIMARY KEY (meter, at)) STRICT;",
    NULL,
};

/* Version 10: batches (docs/collector.md, "Batches"). A batch is one
 * operation over a selection of meters; each attempt at a meter is a
 * meter_command naming the batch, its attempt number and the attempt it
 * retries (unique: one retry per attempt, however often the check runs).
 * not_before: a command is not handed to its kiosk before then. */
static const char *const v10[] = {
    "CREATE TABLE batch (id TEXT PRIMARY KEY NOT NULL, command TEXT NOT NULL, params TEXT NOT NULL,"
    "  selection TEXT NOT NULL, run_at INTEGER NOT NULL, retries INTEGER NOT NULL, expiry_s INTEGER NOT NULL,"
    "  operator TEXT NOT NULL, reason TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('open', 'cancelled')), cancelled_at INTEGER) STRICT;"
    "ALTER TABLE meter_command ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE meter_command ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE meter_command ADD COLUMN retry_of TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX meter_command_retry ON meter_command(retry_of) WHERE retry_of <> '';"
    "CREATE INDEX meter_command_batch ON meter_command(batch, meter, attempt) WHERE batch <> '';",
    NULL,
};

/* Version 11: daily billing (docs/billing.md). One row per meter and
 * local day, replaced when the day is billed again: its energy (the TOU
 * bands NULL for a tariff without them), its money by the meter's tariff,
 * the last reading's balance that day (NULL: no reading), the days left at
 * the last 7 and 30 days' mean spend (milli-days, -1: not known) and where
 * the energy came from (method). bill_mark holds what billing has seen:
 * the last reading and freeze rowids, the last day billed on schedule. */
static const char *const v11[] = {
    "CREATE TABLE bill_day (meter TEXT NOT NULL, day TEXT NOT NULL, site TEXT NOT NULL, tariff TEXT NOT NULL,"
    "  currency TEXT NOT NULL, method TEXT NOT NULL CHECK (method IN ('none', 'frozen', 'time')),"
    "  complete INTEGER NOT NULL CHECK (complete IN (0, 1)), energy INTEGER NOT NULL, sharp INTEGER,"
    "  peak INTEGER, flat INTEGER, valley INTEGER, money INTEGER NOT NULL, balance INTEGER,"
    "  days_left_7 INTEGER NOT NULL, days_left_30 INTEGER NOT NULL, billed_at INTEGER NOT NULL,"
    "  PRIMARY KEY (meter, day)) STRICT;"
    "CREATE INDEX bill_day_site ON bill_day(site, day);"
    "CREATE TABLE bill_mark (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) STRICT;",
    NULL,
};

/* Version 12: notices to residents (docs/notices.md). contact: an
 * account's contact details (personal data) and choices: wants is a mask
 * of notice families, quiet hours in minutes after local midnight.
 * notice_levels: the low-balance levels of a site or an account
 * ('site:S', 'account:A'). notice_state: each meter's memory between
 * readings (the last two readings, the notices fired and not re-armed).
 * notice_outbox: one row per idempotency key and channel; shown is the
 * recipient masked, as lists show it. */
static const char *const v12[] = {
    "CREATE TABLE contact (account TEXT PRIMARY KEY NOT NULL REFERENCES account(id),"
    "  mobile TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',"
    "  lang TEXT NOT NULL DEFAULT 'zh_CN' CHECK (lang IN ('zh_CN', 'en')), wants INTEGER NOT NULL,"
    "  quiet_from INTEGER NOT NULL DEFAULT 0, quiet_to INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE notice_levels (scope TEXT PRIMARY KEY NOT NULL, level1 INTEGER NOT NULL,"
    "  level2 INTEGER NOT NULL, level3 INTEGER NOT NULL, margin INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE notice_state (meter TEXT PRIMARY KEY NOT NULL, at INTEGER NOT NULL, balance INTEGER NOT NULL,"
    "  relay_open INTEGER NOT NULL, prev_at INTEGER NOT NULL, prev_balance INTEGER NOT NULL,"
    "  fired INTEGER NOT NULL) STRICT;"
    "CREATE TABLE notice_outbox (id INTEGER PRIMARY KEY, key TEXT NOT NULL, channel TEXT NOT NULL,"
    "  account TEXT NOT NULL, meter TEXT NOT NULL, kind TEXT NOT NULL, lang TEXT NOT NULL,"
    "  recipient TEXT NOT NULL, shown TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL,"
    "  json TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
    "  ('queued', 'sending', 'sent', 'delivered', 'failed', 'given_up')),"
    "  attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, next_try_at INTEGER NOT NULL,"
    "  sent_at INTEGER, done_at INTEGER, provider_id TEXT NOT NULL DEFAULT '',"
    "  report TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', UNIQUE (key, channel)) STRICT;"
    "CREATE INDEX notice_outbox_due ON notice_outbox(channel, state, next_try_at);"
    "CREATE INDEX notice_outbox_account ON notice_outbox(account, id);"
    "CREATE INDEX notice_outbox_provider ON notice_outbox(channel, provider_id) WHERE provider_id <> '';",
    NULL,
};

/* Version 13: post-paid bills, other charges, apportionment (docs/
 * billing.md). account.payment says whether the account is prepaid or
 * post-paid, account.area its floor area in hundredths of a m2. A bill
 * covers an account's local days [period_from, period_to] with its lines
 * kept as drafted (energy per meter, charges, the arrears carried): own =
 * amount + charges is what the bill itself asks, total = own + arrears.
 * Payments go to bills oldest first (bill_payment_part). A charge applied
 * to an account for a period is one row (item, account, period unique):
 * deducted from a prepaid account's carried balance, or billed (bill set
 * when a draft takes it). An apportionment run is one row per group and
 * period. */
static const char *const v13[] = {
    "ALTER TABLE account ADD COLUMN payment TEXT NOT NULL DEFAULT 'prepaid'"
    "  CHECK (payment IN ('prepaid', 'postpaid'));"
    "ALTER TABLE account ADD COLUMN area INTEGER NOT NULL DEFAULT 0 CHECK (area >= 0);"
    "CREATE TABLE bill (id INTEGER PRIMARY KEY, account TEXT NOT NULL REFERENCES account(id), site TEXT NOT NULL,"
    "  period_from TEXT NOT NULL, period_to TEXT NOT NULL, currency TEXT NOT NULL, energy INTEGER NOT NULL,"
    "  sharp INTEGER NOT NULL, peak INTEGER NOT NULL, flat INTEGER NOT NULL, valley INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL, charges INTEGER NOT NULL, own INTEGER NOT NULL, arrears INTEGER NOT NULL,"
    "  total INTEGER NOT NULL, paid INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL CHECK (state IN ('draft', 'confirmed', 'issued', 'paid', 'void')),"
    "  drafted_at INTEGER NOT NULL, confirmed_by TEXT NOT NULL DEFAULT '', confirmed_at INTEGER,"
    "  issued_at INTEGER, paid_at INTEGER, voided_at INTEGER, void_reason TEXT NOT NULL DEFAULT '') STRICT;"
    "CREATE UNIQUE INDEX bill_period ON bill(account, period_from) WHERE state <> 'void';"
    "CREATE INDEX bill_site ON bill(site, state);"
    "CREATE TABLE bill_line (bill INTEGER NOT NULL REFERENCES bill(id), n INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('energy', 'charge', 'arrears')), item TEXT NOT NULL,"
    "  meter TEXT NOT NULL, energy INTEGER NOT NULL, sharp INTEGER, peak INTEGER, flat INTEGER, valley INTEGER,"
    "  amount INTEGER NOT NULL, PRIMARY KEY (bill, n)) STRICT;"
    "CREATE TABLE bill_payment (id INTEGER PRIMARY KEY, account TEXT NOT NULL, amount INTEGER NOT NULL"
    "  CHECK (amount > 0), method TEXT NOT NULL CHECK (method IN ('counter', 'bank', 'kiosk')),"
    "  ref TEXT NOT NULL, actor TEXT NOT NULL, at INTEGER NOT NULL, UNIQUE (method, ref)) STRICT;"
    "CREATE TABLE bill_payment_part (payment INTEGER NOT NULL REFERENCES bill_payment(id),"
    "  bill INTEGER NOT NULL REFERENCES bill(id), amount INTEGER NOT NULL, PRIMARY KEY (payment, bill)) STRICT;"
    "CREATE TABLE charge_item (id TEXT PRIMARY KEY NOT NULL, site TEXT NOT NULL REFERENCES site(id),"
    "  name TEXT NOT NULL, basis TEXT NOT NULL CHECK (basis IN ('fixed', 'area')), rate INTEGER NOT NULL"
    "  CHECK (rate >= 0), every TEXT NOT NULL CHECK (every IN ('month', 'once')), created_at INTEGER NOT NULL)"
    "  STRICT;"
    "CREATE TABLE charge_applied (id INTEGER PRIMARY KEY, item TEXT NOT NULL, account TEXT NOT NULL,"
    "  period TEXT NOT NULL, name TEXT NOT NULL, amount INTEGER NOT NULL,"
    "  mode TEXT NOT NULL CHECK (mode IN ('deducted', 'billed')), balance_after INTEGER, bill INTEGER,"
    "  detail TEXT NOT NULL, at INTEGER NOT NULL, UNIQUE (item, account, period)) STRICT;"
    "CREATE INDEX charge_applied_unbilled ON charge_applied(account) WHERE mode = 'billed' AND bill IS NULL;"
    "CREATE TABLE apportion_group (id TEXT PRIMARY KEY NOT NULL, site TEXT NOT NULL REFERENCES site(id),"
    "  master TEXT NOT NULL REFERENCES meter(id), common TEXT NOT NULL CHECK (common IN ('residual', 'master')),"
    "  split TEXT NOT NULL CHECK (split IN ('ratio', 'area', 'usage')), price INTEGER NOT NULL CHECK (price >= 0),"
    "  created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE apportion_member (grp TEXT NOT NULL REFERENCES apportion_group(id),"
    "  meter TEXT NOT NULL REFERENCES meter(id), weight INTEGER NOT NULL CHECK (weight >= 0),"
    "  PRIMARY KEY (grp, meter)) STRICT;"
    "CREATE TABLE apportion_run (grp TEXT NOT NULL, period TEXT NOT NULL, master INTEGER NOT NULL,"
    "  subs INTEGER NOT NULL, common INTEGER NOT NULL, amount INTEGER NOT NULL, warning TEXT NOT NULL,"
    "  at INTEGER NOT NULL, PRIMARY KEY (grp, period)) STRICT;",
    NULL,
};

/* Version 14: a notice family for post-paid bills (bit 5 of contact.wants,
 * docs/notices.md). A contact that wanted every family there was (the
 * five bits of version 12) wants this one too: `all` goes on meaning all. */
static const char *const v14[] = {
    "UPDATE contact SET wants = 63 WHERE wants = 31;",
    NULL,
};

/* Version 15: tariff versions (docs/billing.md, "The money"): a tariff id's
 * text and currency in force from an instant (UTC ms, the local midnight
 * of the day given), the tariff's own row before the first. */
static const char *const v15[] = {
    "CREATE TABLE tariff_version (id TEXT NOT NULL REFERENCES tariff(id), effective_at INTEGER NOT NULL,"
    "  currency TEXT NOT NULL, text TEXT NOT NULL, set_at INTEGER NOT NULL, PRIMARY KEY (id, effective_at))"
    "  STRICT;",
    NULL,
};

/* Version 16: the scheduled runs serve made (docs/billing.md, "Scheduled
 * runs"): one row per job (charges:SITE, apportion:GROUP) and period, so a
 * period's run is made once. */
static const char *const v16[] = {
    "CREATE TABLE schedule_run (job TEXT NOT NULL, period TEXT NOT NULL, at INTEGER NOT NULL,"
    "  detail TEXT NOT NULL, PRIMARY KEY (job, period)) STRICT;",
    NULL,
};

/* Version 17: debts written off when an account closes (docs/accounts.md,
 * "Closing an account that owes"): the negative balance and the issued
 * bills' unpaid parts, by whom and why; the bills stay issued (still
 * payable), writeoff_bill saying what of each was written off. */
static const char *const v17[] = {
    "CREATE TABLE writeoff (id INTEGER PRIMARY KEY, account TEXT NOT NULL REFERENCES account(id),"
    "  balance INTEGER NOT NULL CHECK (balance >= 0), bills INTEGER NOT NULL CHECK (bills >= 0),"
    "  operator TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE writeoff_bill (writeoff INTEGER NOT NULL REFERENCES writeoff(id),"
    "  bill INTEGER NOT NULL REFERENCES bill(id), amount INTEGER NOT NULL CHECK (amount > 0),"
    "  PRIMARY KEY (writeoff, bill)) STRICT;",
    NULL,
};

/* Version 18: the web console (docs/console.md): each central operator's
 * console password (Argon2id) with its lockout record, and the sessions,
 * kept by the SHA-256 of the cookie's token (IF NOT EXISTS: a file set back
 * to an older version by hand, as the migration tests do, migrates again). */
static const char *const v18[] = {
    "CREATE TABLE IF NOT EXISTS console_login (operator TEXT PRIMARY KEY NOT NULL, pw_hash TEXT NOT NULL,"
    "  failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS console_session (id TEXT PRIMARY KEY NOT NULL, operator TEXT NOT NULL, csrf TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, seen_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX IF NOT EXISTS console_session_operator ON console_session(operator);",
    NULL,
};

/* Version 19: an organisation's structure (docs/console.md,
 * "Organisations"): organisations (a headquarters over its properties),
 * the sites each owns, buildings, rooms on their floors, the meters and
 * kiosks placed in them, and each central operator's organisation (IF NOT
 * EXISTS: a file set back to an older version migrates again). */
static const char *const v19[] = {
    "CREATE TABLE IF NOT EXISTS org (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS org_site (site TEXT PRIMARY KEY NOT NULL REFERENCES site(id),"
    "  org TEXT NOT NULL REFERENCES org(id)) STRICT;"
    "CREATE TABLE IF NOT EXISTS building (id TEXT PRIMARY KEY NOT NULL, site TEXT NOT NULL REFERENCES site(id),"
    "  name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS room (id TEXT PRIMARY KEY NOT NULL, building TEXT NOT NULL REFERENCES building(id),"
    "  floor INTEGER NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX IF NOT EXISTS room_building ON room(building, floor);"
    "CREATE TABLE IF NOT EXISTS room_meter (meter TEXT PRIMARY KEY NOT NULL REFERENCES meter(id),"
    "  room TEXT NOT NULL REFERENCES room(id)) STRICT;"
    "CREATE INDEX IF NOT EXISTS room_meter_room ON room_meter(room);"
    "CREATE TABLE IF NOT EXISTS kiosk_place (kiosk TEXT PRIMARY KEY NOT NULL REFERENCES kiosk(id),"
    "  building TEXT NOT NULL REFERENCES building(id)) STRICT;"
    "CREATE TABLE IF NOT EXISTS staff_org (operator TEXT PRIMARY KEY NOT NULL,"
    "  org TEXT NOT NULL REFERENCES org(id)) STRICT;"
    "CREATE INDEX IF NOT EXISTS sale_meter ON sale(meter, created_at);",
    NULL,
};

/* Version 20: QR refunds (docs/payments-qr.md, "Refunds"): one per order
 * whose credit could not be delivered, under a number derived from the
 * order, with its progress at the provider and, when staff settle it by
 * hand, who and why. */
static const char *const v20[] = {
    "CREATE TABLE IF NOT EXISTS qr_refund (order_id TEXT PRIMARY KEY NOT NULL REFERENCES qr_order(id),"
    "  out_refund_no TEXT NOT NULL UNIQUE, kiosk TEXT NOT NULL, txn_id TEXT NOT NULL, meter TEXT NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0), total INTEGER NOT NULL CHECK (total >= amount),"
    "  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
    "  refund_ref TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '', alerted INTEGER NOT NULL DEFAULT 0,"
    "  settled_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX IF NOT EXISTS qr_refund_due ON qr_refund(state, next_at);",
    NULL,
};

/* Version 21: reconciliation's differences (docs/payments-qr.md,
 * "Reconciliation"): one row per provider, day (the provider's), kind and
 * order, so a day's run twice records nothing twice; open until staff
 * resolve it, with who and why. */
static const char *const v21[] = {
    "CREATE TABLE IF NOT EXISTS qr_difference (id INTEGER PRIMARY KEY, provider TEXT NOT NULL, day TEXT NOT NULL,"
    "  kind TEXT NOT NULL, out_trade_no TEXT NOT NULL, trade_no TEXT NOT NULL DEFAULT '',"
    "  bill_amount INTEGER NOT NULL, our_amount INTEGER NOT NULL, detail TEXT NOT NULL, found_at INTEGER NOT NULL,"
    "  resolved_at INTEGER, resolved_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (provider, day, kind, out_trade_no)) STRICT;"
    "CREATE INDEX IF NOT EXISTS qr_difference_open ON qr_difference(day) WHERE resolved_at IS NULL;",
    NULL,
};

/* Version 22: refunds of the phone page's payments too (docs/phone.md):
 * qr_refund no longer names a kiosk's qr_order (a phone order is kept by
 * its provider, not here) and says whose payment it gives back (source:
 * kiosk, a kiosk's QR sale; phone, the phone page's). The table is
 * rebuilt, its rows kept. The phone page's credit commands are indexed
 * by state, for the refunds' worker to find those that ended. */
static const char *const v22[] = {
    "CREATE TABLE qr_refund_v22 (order_id TEXT PRIMARY KEY NOT NULL,"
    "  out_refund_no TEXT NOT NULL UNIQUE, kiosk TEXT NOT NULL, txn_id TEXT NOT NULL, meter TEXT NOT NULL,"
    "  amount INTEGER NOT NULL CHECK (amount > 0), total INTEGER NOT NULL CHECK (total >= amount),"
    "  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
    "  refund_ref TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '', alerted INTEGER NOT NULL DEFAULT 0,"
    "  settled_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, source TEXT NOT NULL DEFAULT 'kiosk' CHECK (source IN ('kiosk', 'phone'))) STRICT;"
    "INSERT INTO qr_refund_v22 (order_id, out_refund_no, kiosk, txn_id, meter, amount, total, state, attempts,"
    "  next_at, refund_ref, last_error, alerted, settled_by, reason, created_at, updated_at)"
    "  SELECT order_id, out_refund_no, kiosk, txn_id, meter, amount, total, state, attempts, next_at, refund_ref,"
    "  last_error, alerted, settled_by, reason, created_at, updated_at FROM qr_refund;"
    "DROP TABLE qr_refund;"
    "ALTER TABLE qr_refund_v22 RENAME TO qr_refund;"
    "CREATE INDEX IF NOT EXISTS qr_refund_due ON qr_refund(state, next_at);"
    "CREATE INDEX IF NOT EXISTS meter_command_phone ON meter_command(state, updated_at) WHERE operator = 'phone';",
    NULL,
};

/* Version 23: nothing for SQLite; PostgreSQL gets SQLite's group_concat,
 * which the organisations' listings use (bo_pg_group_concat). */
static const char *const v23[] = {NULL};

/* Version 24: PostgreSQL's notices of changes to central commands and QR
 * orders (docs/instances.md, "Long polls"): bo_pg_notify's triggers; no
 * SQL on SQLite, whose one server wakes its own long polls. */
static const char *const v24[] = {NULL};

/* Version 25: which provider took each kiosk QR order (wechat, alipay;
 * sim for the simulated one), so that its later calls (query, close,
 * refund, the notification's match, reconciliation) go to that provider
 * whatever [qr] says now. The orders made before are '': the provider the
 * deployment used then is not known here, so '' is taken as the kiosks'
 * provider now (docs/payments-qr.md, "Which provider"). */
static const char *const v25[] = {
    "ALTER TABLE qr_order ADD COLUMN provider TEXT NOT NULL DEFAULT '';",
    NULL,
};

/* Each migration is a list of SQL texts run in one transaction. */
static const char *const *const migrations[] = {v1,  v2,  v3,  v4,  v5,  v6,  v7,  v8,  v9,  v10, v11,
                                                v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23, v24,
                                                v25};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(N_MIGRATIONS == BO_SCHEMA_VERSION, "one migration per schema version");

/* What PostgreSQL runs before migration v's texts: SQLite's functions it lacks. */
static const char *pg_before(int v)
{
    return v == 0 ? bo_pg_functions : v == 22 ? bo_pg_group_concat : NULL;
}

/* Runs migration v (0-based) and records v + 1 as the schema version. */
static kerr_t apply(bo_db_t *db, int v, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    bool pg = bo_db_engine(db) == BO_ENGINE_POSTGRESQL;
    if (pg && pg_before(v))
        rc = bo_db_exec(db, pg_before(v), "creating the schema's functions", msg);
    for (const char *const *sql = migrations[v]; rc == K_OK && *sql; sql++)
        rc = pg ? bo_pg_migrate(db, *sql, msg) : bo_db_exec(db, *sql, "migrating the schema", msg);
    if (rc == K_OK && pg)
        rc = bo_db_exec(db, bo_pg_after, "migrating the schema", msg);
    if (rc == K_OK && pg && v + 1 == BO_PG_NOTIFY_VERSION)
        rc = bo_db_exec(db, bo_pg_notify, "migrating the schema", msg);
    char record[96];
    snprintf(record, sizeof record,
             pg ? "INSERT INTO bo_schema_version VALUES (%d, now())" : "PRAGMA user_version = %d", v + 1);
    if (rc == K_OK)
        rc = bo_db_exec(db, record, "recording the schema version", msg);
    return rc;
}

/* Starts a migration's transaction: PostgreSQL's takes an advisory lock
 * so that instances starting together migrate one at a time. */
static kerr_t start(bo_db_t *db, kmsg_t *msg)
{
    kerr_t rc = bo_db_begin(db, msg);
    if (rc == K_OK && bo_db_engine(db) == BO_ENGINE_POSTGRESQL)
        rc = bo_db_exec(db, bo_pg_version_table, "starting a migration", msg);
    return rc;
}

kerr_t bo__db_migrate(bo_db_t *db, kmsg_t *msg)
{
    for (;;) {
        kerr_t rc = start(db, msg);
        if (rc) {
            bo_db_rollback(db);
            return rc;
        }
        int v = bo_db_version(db);
        if (v < 0 || v >= N_MIGRATIONS) {
            bo_db_rollback(db);
            if (v > N_MIGRATIONS)
                return kmsg_set(msg, K_EVERSION,
                                "the database has schema version %d, newer than this program's %d: "
                                "run the newer backoffice",
                                v, N_MIGRATIONS);
            return v < 0 ? kmsg_set(msg, K_EIO, "could not read the schema version") : K_OK;
        }
        rc = apply(db, v, msg);
        if (rc == K_OK)
            rc = bo_db_commit(db, msg);
        if (rc) {
            bo_db_rollback(db);
            return rc;
        }
    }
}

/* Makes a missing database file mode 0600 whatever the umask (it holds
 * Argon2id hashes of staff PINs and enrolment codes) before SQLite opens
 * it; SQLite gives its -wal and -shm files the same mode. */
static kerr_t create_private(const char *path, kmsg_t *msg)
{
    if (strcmp(path, ":memory:") == 0)
        return K_OK;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EEXIST)
        return K_OK;
    if (fd < 0)
        return kmsg_set(msg, K_EIO, "cannot create the database %s: %s; check the path and its folder's permissions",
                        path, strerror(errno));
    int rc = fchmod(fd, 0600);
    close(fd);
    return rc == 0 ? K_OK : kmsg_set(msg, K_EIO, "cannot make the database %s private: %s", path, strerror(errno));
}

/* The connection is used by one thread at a time (the server holds its own
 * lock around every use), so SQLite's own mutexes are left out. */
kerr_t bo__db_open_sqlite(const char *path, sqlite3 **out, kmsg_t *msg)
{
    sqlite3 *db = NULL;
    if (create_private(path, msg) != K_OK)
        return K_EIO;
    int src = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        kmsg_set(msg, K_EIO, "cannot open the database %s: %s; check the path and its folder's permissions",
                 path, db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
        sqlite3_close(db);
        return K_EIO;
    }
    *out = db;
    sqlite3_busy_timeout(db, 5000);
    char *err = NULL;
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL,
                     &err) == SQLITE_OK)
        return K_OK;
    kmsg_set(msg, K_EIO, "database error while setting up the database: %s", err ? err : "");
    sqlite3_free(err);
    return K_EIO;
}
