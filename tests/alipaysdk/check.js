// The npm alipay-sdk (v4), which nobody here wrote, against alipaysim and
// against the back office's Alipay client (docs/payments-qr.md "Alipay"):
//   node check.js ALIPAYSIM ALIPAY_PROBE
// 1. exec() of precreate, query, cancel and refund with validateSign: true
//    must accept the simulator's answers; an SDK holding another Alipay
//    key must refuse them.
// 2. checkNotifySign must accept the simulator's notifications, and refuse
//    one changed on the way.
// 3. The client's requests (alipay_probe, through a gateway here that
//    forwards to the simulator) and its phone-page address must verify
//    with the SDK's own verification, holding the app's public key.
'use strict';
const { AlipaySdk } = require('alipay-sdk');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFile } = require('node:child_process');

const [simBin, probeBin] = process.argv.slice(2);
const APP_ID = '2021000000000001';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alipaysdk-'));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

function keyPair() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }),
    pub: publicKey.export({ type: 'spki', format: 'pem' }),
    // Alipay's key tool hands out bare base64 of the DER: the client reads that too
    bare8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    barePub: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}
const app = keyPair(), ali = keyPair(), other = keyPair();
const file = (name, text) => { const p = path.join(dir, name); fs.writeFileSync(p, text); return p; };

function startSim() {
  const ports = path.join(dir, 'ports');
  const sim = spawn(simBin, ['--app-id', APP_ID, '--app-public-key', file('app.pub', app.pub),
    '--alipay-private-key', file('ali.pem', ali.pkcs1), '--ports-file', ports, '--notify-retry-ms', '100'],
  { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'alipaysim.log'), 'a')] });
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      const text = fs.existsSync(ports) ? fs.readFileSync(ports, 'utf8') : '';
      const m = /http (\d+)\ncontrol (\d+)/.exec(text);
      if (m) return resolve({ sim, http: +m[1], control: +m[2] });
      if (Date.now() - t0 > 5000) return reject(new Error('alipaysim did not start'));
      setTimeout(poll, 50);
    };
    poll();
  });
}

function control(port, cmd) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(cmd + '\n'));
    let got = '';
    s.on('data', d => { got += d; if (got.includes('\n')) { s.end(); resolve(got.trim()); } });
    s.on('error', reject);
  });
}

function listen(handler) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => { body += d; });
    req.on('end', () => handler(req, body, res));
  });
  return new Promise(r => server.listen(0, '127.0.0.1', () => r(server)));
}

const waitFor = async (pred, ms) => {
  const t0 = Date.now();
  while (!pred() && Date.now() - t0 < ms) await new Promise(r => setTimeout(r, 20));
  return pred();
};

async function sdkAgainstSim(s, notes, notifyUrl) {
  const gateway = `http://127.0.0.1:${s.http}/gateway.do`;
  const sdk = new AlipaySdk({ appId: APP_ID, privateKey: app.pkcs1, alipayPublicKey: ali.pub, gateway });
  const v = { validateSign: true };
  const pre = await sdk.exec('alipay.trade.precreate', { notifyUrl,
    bizContent: { out_trade_no: 'N-1', total_amount: '0.01', subject: '电费 / test' } }, v);
  check(pre.code === '10000' && pre.qrCode.startsWith('https://qr.alipay.com/'), 'precreate accepted, qr_code read');
  const unseen = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: 'N-1' } }, v);
  check(unseen.subCode === 'ACQ.TRADE_NOT_EXIST', 'query before the scan: ACQ.TRADE_NOT_EXIST, signed');
  check((await control(s.control, 'pay N-1')).startsWith('ok'), 'paid from the control port');
  const paid = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: 'N-1' } }, v);
  check(paid.tradeStatus === 'TRADE_SUCCESS' && paid.totalAmount === '0.01', 'query: TRADE_SUCCESS, 0.01');
  check(await waitFor(() => notes.length >= 1, 5000), 'notification received');
  const note = Object.fromEntries(new URLSearchParams(notes[0]));
  check(sdk.checkNotifySign(note) === true, 'checkNotifySign accepts the notification');
  check(sdk.checkNotifySign({ ...note, total_amount: '100.00' }) === false, 'checkNotifySign refuses it changed');
  const ref = { bizContent: { out_trade_no: 'N-1', refund_amount: '0.01', out_request_no: 'R-1' } };
  const r1 = await sdk.exec('alipay.trade.refund', ref, v);
  const r2 = await sdk.exec('alipay.trade.refund', ref, v);
  check(r1.code === '10000' && r1.fundChange === 'Y' && r2.fundChange === 'N', 'refund: money moves once');
  await sdk.exec('alipay.trade.precreate', { bizContent: { out_trade_no: 'N-2', total_amount: '1.00', subject: 'x' } }, v);
  await control(s.control, 'scan N-2');
  const c = await sdk.exec('alipay.trade.cancel', { bizContent: { out_trade_no: 'N-2' } }, v);
  check(c.code === '10000' && c.action === 'close', 'cancel: closed');
  const stranger = new AlipaySdk({ appId: APP_ID, privateKey: app.pkcs1, alipayPublicKey: other.pub, gateway });
  let refused = false;
  try { await stranger.exec('alipay.trade.query', { bizContent: { out_trade_no: 'N-1' } }, v); } catch (e) {
    refused = /验签失败/.test(e.message);
  }
  check(refused, 'an SDK holding another Alipay key refuses the answer');
  check(stranger.checkNotifySign(note) === false, 'and the notification');
}

// The SDK's verification of a request: its parameters less sign, sorted
// (checkNotifySignV2 first tries with sign_type kept, which requests sign).
const verifier = new AlipaySdk({ appId: APP_ID, privateKey: app.pkcs1, alipayPublicKey: app.pub });
function requestVerifies(params) {
  return verifier.checkNotifySignV2(params) === true;
}

async function clientThroughSdk(s) {
  const seen = [];
  const proxy = await listen(async (req, body, res) => {
    const url = new URL(req.url, 'http://x');
    const params = Object.fromEntries(url.searchParams);
    Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    seen.push({ method: params.method, ok: requestVerifies(params) });
    const answer = await fetch(`http://127.0.0.1:${s.http}/gateway.do${url.search}`, {
      method: 'POST', body, headers: { 'content-type': req.headers['content-type'] } });
    res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(await answer.text());
  });
  const sdk = new AlipaySdk({ appId: APP_ID, privateKey: app.pkcs1, alipayPublicKey: ali.pub,
    gateway: `http://127.0.0.1:${s.http}/gateway.do` });
  await sdk.exec('alipay.trade.precreate', { bizContent: { out_trade_no: 'S-1', total_amount: '1.00', subject: 's' } });
  await control(s.control, 'pay S-1');
  const gw = `http://127.0.0.1:${proxy.address().port}/gateway.do`;
  const out = await new Promise(resolve => execFile(probeBin,
    [gw, file('app_bare.key', app.bare8), file('ali_bare.pub', ali.barePub)],
    (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr })));
  proxy.close();
  if (out.stderr) process.stdout.write(out.stderr);
  check(out.code === 0, 'alipay_probe: every call answered as expected');
  const methods = seen.map(x => x.method).join(' ');
  check(seen.length === 5 && seen.every(x => x.ok), `the client's 5 requests verify with the SDK (${methods})`);
  const page = new URL(out.stdout.trim());
  const pageParams = Object.fromEntries(page.searchParams);
  check(pageParams.method === 'alipay.trade.wap.pay' && requestVerifies(pageParams),
    "the client's phone-page address verifies with the SDK");
  const cheaper = pageParams.biz_content.replace('"12.34"', '"0.01"');
  check(cheaper !== pageParams.biz_content && !requestVerifies({ ...pageParams, biz_content: cheaper }),
    'and not once its amount is changed');
}

(async () => {
  const notes = [];
  const receiver = await listen((req, body, res) => { notes.push(body); res.end('success'); });
  const notifyUrl = `http://127.0.0.1:${receiver.address().port}/notify`;
  const s = await startSim();
  try {
    await sdkAgainstSim(s, notes, notifyUrl);
    await clientThroughSdk(s);
  } catch (e) {
    check(false, `unexpected: ${e.stack}`);
  } finally {
    s.sim.kill('SIGTERM');
    receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
  process.exit(failures ? 1 : 0);
})();
