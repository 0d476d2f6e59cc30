'use strict';
// The WeChat Pay simulator (sim/wxpaysim) and the back office's client
// (backoffice/pay/bo_wx*.c) checked with an SDK nobody here wrote:
// wechatpay-node-v3's signing, answer verification and decryption.
// Its own HTTP layer (createHttp) sends the SDK's requests to the
// simulator and keeps the answers' headers and raw text; Pay.certificates
// holds the platform's public key under its PUB_KEY_ID_ id beforehand.
// Usage: node check.js SIM_URL KEYS_DIR MCHID APPID PUBKEY_ID MERCHANT_SERIAL
const fs = require('fs');
const http = require('http');
const path = require('path');
const Pay = require('wechatpay-node-v3');

const [simUrl, keys, mchid, appid, pubKeyId, merchantSerial] = process.argv.slice(2);
const REAL = 'https://api.mch.weixin.qq.com';
const apiv3 = fs.readFileSync(path.join(keys, 'apiv3.key'), 'utf8').trim();
let failures = 0;

function check(ok, what) {
  if (!ok) {
    failures++;
    console.error('FAIL: ' + what);
  }
}

// Sends a request the SDK built to the simulator; the answer with its
// headers and raw text.
async function send(method, url, body, headers) {
  const res = await fetch(simUrl + url.replace(REAL, '').replace(simUrl, ''), { method, headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const pay = new Pay({
  appid,
  mchid,
  serial_no: merchantSerial,
  publicKey: fs.readFileSync(path.join(keys, 'merchant_cert.pem')),
  privateKey: fs.readFileSync(path.join(keys, 'merchant_key.pem')),
  key: apiv3,
  userAgent: 'wechatpay-node-v3 check',
});
pay.createHttp({
  post: (url, params, headers) => send('POST', url, JSON.stringify(params), headers),
  get: (url, headers) => send('GET', url, undefined, headers),
});
Pay.certificates[pubKeyId] = fs.readFileSync(path.join(keys, 'platform_pub.pem'), 'utf8');

// The SDK's verdict on an answer's signature (over its raw text).
function verified(res, text) {
  return pay.verifySign({
    timestamp: res.headers.get('wechatpay-timestamp'),
    nonce: res.headers.get('wechatpay-nonce'),
    serial: res.headers.get('wechatpay-serial'),
    signature: res.headers.get('wechatpay-signature'),
    body: text === undefined ? res.text : text,
  });
}

async function answer(what, res, status) {
  check(res.status === status, `${what}: HTTP ${res.status}, expected ${status}: ${res.text}`);
  check(await verified(res), `${what}: the simulator's answer does not verify with the SDK`);
  return res.text ? JSON.parse(res.text) : null;
}

// A notification receiver: resolves with the first notification's headers and raw body.
function receiver() {
  let got;
  const first = new Promise((resolve) => { got = resolve; });
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      res.writeHead(204);
      res.end();
      got({ headers: req.headers, body });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, first })));
}

async function notification(out_trade_no) {
  const { server, first } = await receiver();
  const notify_url = `http://127.0.0.1:${server.address().port}/v1/notify/wechatpay`;
  await answer('a Native order', await pay.transactions_native({
    description: 'Prepaid top-up', out_trade_no, notify_url, amount: { total: 2345, currency: 'CNY' } }), 200);
  const paid = await fetch(`${simUrl}/sim/orders/${out_trade_no}/pay`, { method: 'POST' });
  check(paid.status === 200, 'paying at the simulator');
  const n = await Promise.race([first, new Promise((resolve) => setTimeout(() => resolve(null), 5000))]);
  if (!n) {
    server.close();
    check(false, 'no notification came within 5 s');
    return;
  }
  server.close();
  const ok = await pay.verifySign({ timestamp: n.headers['wechatpay-timestamp'], nonce: n.headers['wechatpay-nonce'],
    serial: n.headers['wechatpay-serial'], signature: n.headers['wechatpay-signature'], body: n.body });
  check(ok, 'the notification does not verify with the SDK');
  const r = JSON.parse(n.body).resource;
  const t = pay.decipher_gcm(r.ciphertext, r.associated_data, r.nonce, apiv3);
  check(t.out_trade_no === out_trade_no && t.trade_state === 'SUCCESS' && t.amount.total === 2345 &&
        t.mchid === mchid && t.appid === appid, 'the decrypted notification: ' + JSON.stringify(t));
}

async function sdkAgainstSim() {
  const code = await answer('a Native order', await pay.transactions_native({
    description: 'Prepaid top-up', out_trade_no: 'SDK000000001', notify_url: 'http://127.0.0.1:9/none',
    amount: { total: 100, currency: 'CNY' } }), 200);
  check(/^weixin:\/\/wxpay\/bizpayurl\?pr=/.test(code.code_url), 'code_url ' + code.code_url);
  const q = await pay.query({ out_trade_no: 'SDK000000001' });
  check((await answer('a query', q, 200)).trade_state === 'NOTPAY', 'a new order is NOTPAY');
  check(!(await verified(q, q.text.replace('NOTPAY', 'SUCCESS'))), 'a changed answer still verifies');
  await answer('an order never placed', await pay.query({ out_trade_no: 'SDKNOSUCHONE' }), 404);
  await answer('a close', await pay.close('SDK000000001'), 204);
  const h5 = await answer('an H5 order', await pay.transactions_h5({ description: 'Top-up',
    out_trade_no: 'SDK000000002', notify_url: 'http://127.0.0.1:9/none', amount: { total: 300 },
    scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } }), 200);
  check(typeof h5.h5_url === 'string', 'h5_url');
  await notification('SDK000000003');
  const refund = await answer('a refund', await pay.refunds({ out_trade_no: 'SDK000000003',
    out_refund_no: 'SDKREFUND001', amount: { refund: 345, total: 2345, currency: 'CNY' } }), 200);
  check(refund.status === 'PROCESSING' && refund.amount.refund === 345, 'the refund: ' + JSON.stringify(refund));
  await new Promise((r) => setTimeout(r, 1300));
  const found = await answer('a refund query', await pay.find_refunds('SDKREFUND001'), 200);
  check(found.status === 'SUCCESS', 'the refund later: ' + found.status);
  const day = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const bill = await answer('the trade bill', await pay.tradebill({ bill_date: day, bill_type: 'ALL' }), 200);
  // downloadBill signs the path only for WeChat's own host: give it that host.
  const file = await pay.downloadBill(bill.download_url.replace(simUrl, REAL));
  check(file.status === 200 && file.text.includes('`SDK000000003,') && file.text.includes('`3.45,'),
    'the bill file: ' + file.status + ' ' + file.text);
  const bad = await fetch(simUrl + '/v3/pay/transactions/out-trade-no/SDK000000001?mchid=' + mchid,
    { headers: { Authorization: pay.buildAuthorization('GET', REAL + '/v3/pay/transactions/out-trade-no/SDK000000009?mchid=' + mchid) } });
  check(bad.status === 401, 'a request signed for another path was accepted: ' + bad.status);
}

// Each request the back office's client made: its signature is the one the
// SDK computes over the same request with the same merchant key (PKCS#1
// v1.5 signatures are deterministic), and its header the SDK's.
async function clientAgainstSdk() {
  const requests = await (await fetch(simUrl + '/sim/requests')).json();
  const ours = requests.filter((r) => r.user_agent.startsWith('kiosk-backoffice/'));
  check(ours.length >= 6, `only ${ours.length} requests from the back office's client`);
  for (const r of ours) {
    const f = Object.fromEntries([...r.authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const sig = pay.getSignature(r.method, f.nonce_str, f.timestamp, r.uri, r.body || undefined);
    check(sig === f.signature, `${r.method} ${r.uri}: the client's signature is not the SDK's`);
    check(pay.getAuthorization(f.nonce_str, f.timestamp, sig) === r.authorization,
      `${r.method} ${r.uri}: the header is not the SDK's: ${r.authorization}`);
  }
  check(pay.getSN().toUpperCase().replace(/^0+/, '') === merchantSerial.replace(/^0+/, ''),
    'the SDK reads the merchant serial as ' + pay.getSN());
}

(async () => {
  await sdkAgainstSim();
  await clientAgainstSdk();
  if (failures) {
    console.error(`${failures} failure(s)`);
    process.exit(1);
  }
  console.log('ok');
})().catch((e) => {
  console.error('FAIL: ' + (e.stack || e));
  process.exit(1);
});
