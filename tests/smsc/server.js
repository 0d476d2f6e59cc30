#!/usr/bin/env node
// An SMSC written with the npm `smpp` package (not by us), for the SMS
// channel's tests (tests/smpp/test_smpp_npm.c, docs/protocols/smpp.md).
// It accepts bind_transceiver (system_id "kiosk", password "secret"),
// answers submit_sm with a message_id, joins concatenated parts by their
// UDH (IEI 00 or 08), answers each part with a DELIVRD receipt
// (deliver_sm, esm_class 0x04), and prints what happened as JSON lines on
// stdout: each submit_sm as it came ("submit": its coding, its UDH's
// reference, total and sequence, its text) and each message once whole. Two destinations misbehave on purpose:
//   8613800000011  ESME_RINVDSTADR (a permanent refusal)
//   8613800000058  ESME_RTHROTTLED
// Usage: node server.js --ports-file FILE   (writes "smpp PORT")
'use strict';
const fs = require('fs');
const smpp = require('smpp');

const REFUSED = { '8613800000011': smpp.ESME_RINVDSTADR, '8613800000058': smpp.ESME_RTHROTTLED };
let nextId = 5000;
const pending = new Map(); // "to/ref/total" -> {parts: [], ids: []}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes());
}

// The concatenation element of a UDH list: {ref, total, seq} or null.
function concat(udhList) {
  for (const u of udhList || []) {
    if (u[0] === 0x00 && u[1] === 3) return { ref: u[2], total: u[3], seq: u[4] };
    if (u[0] === 0x08 && u[1] === 4) return { ref: (u[2] << 8) | u[3], total: u[4], seq: u[5] };
  }
  return null;
}

function receipt(session, pdu, id) {
  const when = stamp();
  session.deliver_sm({
    source_addr_ton: 1, source_addr_npi: 1, source_addr: pdu.destination_addr,
    dest_addr_ton: pdu.source_addr_ton, dest_addr_npi: pdu.source_addr_npi, destination_addr: pdu.source_addr,
    esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
    short_message: `id:${id} sub:001 dlvrd:001 submit date:${when} done date:${when} stat:DELIVRD err:000 text:`,
    receipted_message_id: id,
    message_state: smpp.MESSAGE_STATE.DELIVERED,
  }, (resp) => out({ event: 'receipt_resp', id, status: resp.command_status }));
}

// One part: kept until its message is whole, then printed.
function take(pdu, id) {
  const sm = pdu.short_message || {};
  const text = typeof sm.message === 'string' ? sm.message : String(sm.message || '');
  const c = (pdu.esm_class & 0x40) ? concat(sm.udh) : null;
  out({ event: 'submit', to: pdu.destination_addr, data_coding: pdu.data_coding, esm_class: pdu.esm_class,
        ref: c ? c.ref : null, total: c ? c.total : 1, seq: c ? c.seq : 1, id, text });
  if (!c) {
    out({ event: 'message', to: pdu.destination_addr, from: pdu.source_addr, data_coding: pdu.data_coding,
          parts: 1, ids: [id], text });
    return;
  }
  const key = `${pdu.destination_addr}/${c.ref}/${c.total}`;
  const m = pending.get(key) || { parts: new Array(c.total), ids: new Array(c.total) };
  m.parts[c.seq - 1] = text;
  m.ids[c.seq - 1] = id;
  pending.set(key, m);
  if (m.parts.filter((p) => p !== undefined).length < c.total) return;
  pending.delete(key);
  out({ event: 'message', to: pdu.destination_addr, from: pdu.source_addr, data_coding: pdu.data_coding,
        parts: c.total, ids: m.ids, text: m.parts.join('') });
}

const server = smpp.createServer((session) => {
  session.on('bind_transceiver', (pdu) => {
    const ok = pdu.system_id === 'kiosk' && pdu.password === 'secret';
    out({ event: 'bind', system_id: pdu.system_id, ok });
    session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
  });
  session.on('submit_sm', (pdu) => {
    const refused = REFUSED[pdu.destination_addr];
    if (refused) {
      out({ event: 'refused', status: refused });
      session.send(pdu.response({ command_status: refused }));
      return;
    }
    const id = String(nextId++);
    session.send(pdu.response({ message_id: id }));
    take(pdu, id);
    if (pdu.registered_delivery & 1) receipt(session, pdu, id);
  });
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    out({ event: 'unbind' });
    session.send(pdu.response());
    session.close();
  });
  session.on('error', (e) => out({ event: 'error', message: String(e && e.message) }));
});

const i = process.argv.indexOf('--ports-file');
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  if (i > 0) {
    const file = process.argv[i + 1];
    fs.writeFileSync(file + '.tmp', `smpp ${port}\n`);
    fs.renameSync(file + '.tmp', file);
  }
  out({ event: 'listening', port });
});
process.on('SIGTERM', () => process.exit(0));
