# A back office store for the console at a chosen size, made fast (the
# command line for what is hashed, signed or audited; SQL for the bulk),
# sourced by scripts/bench-console and scripts/console-screenshots.
# The caller defines bo (the back office's command line on its config) and
# sets DB (the SQLite file that config names).
#
# console_store METERS FLOORS PASSWORD: site S1 (Jade Garden) with kiosks
# K1 (a heartbeat) and K2 (none yet), building B1 with METERS rooms over FLOORS floors, a meter in each
# (customer, account, two readings with their time-of-use registers:
# yesterday and ten minutes ago; one in
# 25 tripped, one in 9 below 20.00, one in 40 offline), a month of daily
# readings for the first ten meters, sales (a top-up for one meter in
# five, over three days), alerts, central commands, a batch, notices and audit rows;
# operator admin (every permission) with the console password PASSWORD.
console_store() {
  local meters=$1 floors=$2 pw=$3 per now w=2
  per=$(((meters + floors - 1) / floors))
  ((per < 100)) || w=3
  now=$(date +%s%3N)
  {
    bo keygen && bo site add S1 "Jade Garden" && bo kiosk add K1 --site S1 --by-hand && bo kiosk add K2 --site S1 --by-hand && bo tariff set home CNY "single 0.5283" &&
      bo settings set K1 scan_minutes 15 && bo building add B1 "Building 1" --site S1 &&
      bo group set admins --perms all && BACKOFFICE_NEW_PIN=739164 bo operator add admin --group admins &&
      BACKOFFICE_NEW_PASSWORD=$pw bo operator password admin &&
      bo group set service --perms accounts,contacts,diagnostics &&
      BACKOFFICE_NEW_PIN=482915 bo operator add li --group service
  } >/dev/null || return 1
  sqlite3 -bail "$DB" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE n AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $meters) SELECT i FROM c;
CREATE TEMP TABLE v AS SELECT i, printf('%012d', i) AS meter, printf('1%011d', i) AS customer, printf('A%05d', i) AS account,
  (i - 1) / $per + 1 AS floor, printf('%d%0${w}d', (i - 1) / $per + 1, (i - 1) % $per + 1) AS room FROM n;
INSERT INTO customer (id, name) SELECT customer, substr('张王李刘陈杨黄赵吴周', i % 10 + 1, 1) ||
  substr('伟芳娜洋静敏磊军丽强', i / 10 % 10 + 1, 1) || CASE WHEN i % 3 = 0 THEN substr('华明红平', i % 4 + 1, 1) ELSE '' END FROM v;
INSERT INTO meter (id, customer, protocol, gateway, kind, tariff, site)
  SELECT meter, customer, 'dlt645', '127.0.0.1:6000', 'electricity', 'home', 'S1' FROM v;
INSERT INTO account (id, customer, opened_at) SELECT account, customer, $now - 90 * 86400000 FROM v;
INSERT INTO account_meter (account, meter, bound_at) SELECT account, meter, $now - 90 * 86400000 FROM v;
INSERT INTO room (id, building, floor, name, created_at) SELECT 'R' || room, 'B1', floor, room, $now FROM v;
INSERT INTO room_meter (meter, room) SELECT meter, 'R' || room FROM v;
INSERT INTO reading (kiosk, meter, at, energy, balance, purchase_count, relay_open, flags, source)
  SELECT 'K1', meter, $now - 26 * 3600000, 1000000 + i * 37, 10000 + i % 50 * 400, 1, 0, 0, 'scan' FROM v;
INSERT INTO reading (kiosk, meter, at, energy, balance, purchase_count, relay_open, flags, source)
  SELECT 'K1', meter, CASE WHEN i % 40 = 7 THEN $now - 25 * 3600000 ELSE $now - 600000 END,
    1000000 + i * 37 + 2000 + i % 13 * 700, CASE WHEN i % 9 = 4 THEN 500 + i % 7 * 200 ELSE 9000 + i % 50 * 400 END,
    2, i % 25 = 3, 0, 'scan' FROM v;
INSERT INTO reading (kiosk, meter, at, energy, balance, purchase_count, relay_open, flags, source)
  SELECT 'K1', meter, $now - (d + 2) * 86400000, 1000000 + i * 37 - d * (4000 + i * 300) - d * d * 37 % 1500,
    20000, 1, 0, 0, 'scan'
  FROM v, (WITH RECURSIVE c(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM c WHERE d < 30) SELECT d FROM c) WHERE i <= 10;
UPDATE reading SET sharp = energy / 10, peak = energy * 3 / 10, flat = energy * 4 / 10,
  valley = energy - energy / 10 - energy * 3 / 10 - energy * 4 / 10;
INSERT INTO sale (txn_id, kiosk, site, state, meter, customer, method, channel, currency, amount, paid, delivered,
    refunded, purchase_count, event_seq, created_at, updated_at)
  SELECT printf('T%06d', i), 'K1', 'S1', 'delivered', meter, customer, substr('cash   card   qr     counter', i % 4 * 7 + 1, 7),
    'remote', 'CNY', 5000 + i % 4 * 5000, 5000 + i % 4 * 5000, 5000 + i % 4 * 5000, 0, 2, 3,
    $now - i % 3 * 86400000 - i * 60000, $now - i % 3 * 86400000 - i * 60000 FROM v WHERE i % 5 = 1;
UPDATE sale SET method = trim(method);
INSERT INTO alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence, subject)
  SELECT 'K1', i, meter, $now - i * 60000, CASE WHEN i % 2 THEN 'meter_tamper' ELSE 'meter_silent' END,
    CASE WHEN i % 2 THEN 'critical' ELSE 'warning' END, 'cover opened', meter FROM v WHERE i % 50 = 11;
INSERT INTO meter_command (id, kiosk, meter, command, params, operator, reason, issued_at, expires_at, state, envelope,
    updated_at, executed_at)
  SELECT printf('C%06d', i), 'K1', meter, 'relay_trip', '{}', 'admin', 'arrears', $now - i * 30000,
    $now - i * 30000 + 600000, 'done', '{}', $now - i * 30000, $now - i * 30000 + 2000 FROM v WHERE i % 25 = 3;
INSERT INTO batch (id, command, params, selection, run_at, retries, expiry_s, operator, reason, created_by, created_at, state)
  VALUES ('BATCH-1', 'set_alarms', '{"alarm1":2000,"alarm2":1000}', 'floor 1', $now - 3600000, 2, 600, 'admin',
    'new alarm levels', 'console:admin', $now - 3600000, 'open');
INSERT INTO meter_command (id, kiosk, meter, command, params, operator, reason, issued_at, expires_at, state, envelope,
    updated_at, batch, executed_at)
  SELECT printf('B%06d', i), 'K1', meter, 'set_alarms', '{"alarm1":2000,"alarm2":1000}', 'admin', 'new alarm levels',
    $now - 3600000, $now - 3000000, CASE WHEN i % 7 = 0 THEN 'queued' WHEN i % 11 = 0 THEN 'failed' ELSE 'done' END,
    '{}', $now - 3500000, 'BATCH-1', CASE WHEN i % 7 = 0 THEN NULL ELSE $now - 3500000 END FROM v WHERE floor = 1;
INSERT INTO notice_outbox (key, channel, account, meter, kind, lang, recipient, shown, subject, text, json, state,
    created_at, next_try_at)
  SELECT 'low:' || meter, 'sms', account, meter, 'low_balance', 'zh_CN', '8613800000000', '138****0000', '',
    '电表' || meter || '余额已低于20.00元', '{}', 'delivered', $now - i * 1000, $now FROM v WHERE i % 9 = 4;
INSERT INTO audit (kiosk, at, actor, action, target, reason, detail, received_at)
  SELECT 'backoffice', $now - i * 5000, 'backoffice:admin', 'meter.add', meter, '', 'site S1', $now FROM v;
INSERT INTO kiosk_health (kiosk, at, software, outbox_depth, last_error, report)
  VALUES ('K1', $now - 20000, '1.4.2', 0, '', '{"cashbox":{"fill_percent":35},"paper":"ok"}');
COMMIT;
ANALYZE;
SQL
}
