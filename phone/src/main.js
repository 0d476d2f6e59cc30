// The resident's phone page (docs/phone.md): find the meter (its number
// and the customer number's last digits, or a notice's link #link=TOKEN),
// see its balance, use and top-ups, pay by the provider's H5 page, and
// watch the credit reach the meter (#order=ID after the provider's page).
// The session is a bearer token kept in sessionStorage for this tab.
import { usageChart } from './chart.js';
import { currentLang, money, switchLang, t } from './i18n.js';

const app = document.getElementById('app');
const session = {
  get: () => sessionStorage.getItem('phone.token'),
  set: (v) => (v ? sessionStorage.setItem('phone.token', v) : sessionStorage.removeItem('phone.token')),
};

function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) if (k != null) e.append(k instanceof Node ? k : String(k));
  return e;
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body) headers['Content-Type'] = 'application/json';
  if (session.get()) headers.Authorization = `Bearer ${session.get()}`;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' });
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

function shell(...content) {
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
  app.replaceChildren(
    h('header', { class: 'top' }, h('h1', {}, t().title),
      h('button', { type: 'button', class: 'lang', id: 'lang', onclick: () => { switchLang(); route(); } }, t().lang)),
    ...content);
}

function findPage(message) {
  const err = h('p', { class: 'error', role: 'alert', id: 'find-error' }, message || '');
  const form = h('form', { id: 'find', novalidate: true },
    h('label', { for: 'meter' }, t().meter),
    h('input', { id: 'meter', name: 'meter', inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: 14 }),
    h('label', { for: 'digits' }, t().digits),
    h('input', { id: 'digits', name: 'digits', inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: 4, 'aria-describedby': 'digits-hint' }),
    h('p', { class: 'hint', id: 'digits-hint' }, t().digitsHint),
    h('button', { type: 'submit', class: 'primary', id: 'find-go' }, t().go), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { status, data } = await api('POST', '/v1/phone/session',
      { meter: form.meter.value.trim(), digits: form.digits.value.trim() });
    if (status === 200) { session.set(data.token); route(); return; }
    err.textContent = status === 429 ? t().slow(Math.ceil((data.retry_after_ms || 1000) / 1000))
      : status === 401 || status === 400 ? t().notFound : t().failed;
  });
  shell(h('section', { 'aria-labelledby': 'find-title' }, h('h2', { id: 'find-title' }, t().find), form));
}

function usageSection(usage) {
  const unit = usage[0]?.unit === 'L' ? 'm³' : 'kWh';
  const rows = usage.map((u) => h('tr', {}, h('td', {}, u.day), h('td', {}, ((Number(u.use) || 0) / 1000).toFixed(2))));
  return h('section', { 'aria-labelledby': 'usage-title' }, h('h2', { id: 'usage-title' }, `${t().usage} (${unit})`),
    usageChart(usage, `${t().usage}: ${usage.length}`),
    h('details', {}, h('summary', {}, t().table),
      h('table', { id: 'usage-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t().day), h('th', { scope: 'col' }, `${t().use} (${unit})`))),
        h('tbody', {}, rows))));
}

function topupsSection(topups) {
  const body = topups.length ? h('table', { id: 'topups' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t().when), h('th', { scope: 'col' }, t().how), h('th', { scope: 'col' }, t().amount))),
    h('tbody', {}, topups.map((x) => h('tr', {}, h('td', {}, x.at.replace('T', ' ').replace('Z', '')),
      h('td', {}, t().methods[x.method] || x.method), h('td', {}, money(x.amount)))))) : h('p', {}, t().none);
  return h('section', { 'aria-labelledby': 'topups-title' }, h('h2', { id: 'topups-title' }, t().topups), body);
}

function paySection(view) {
  if (!view.providers.length) return h('section', {}, h('h2', {}, t().pay), h('p', {}, t().noPay));
  let amount = view.amounts[0];
  const choices = h('div', { class: 'amounts', role: 'radiogroup', 'aria-label': t().chooseAmount },
    view.amounts.map((a, i) => {
      const b = h('button', { type: 'button', role: 'radio', 'aria-checked': i === 0 ? 'true' : 'false', class: 'amount', 'data-amount': a }, money(a));
      b.addEventListener('click', () => {
        amount = a;
        for (const x of choices.children) x.setAttribute('aria-checked', x === b ? 'true' : 'false');
      });
      return b;
    }));
  const err = h('p', { class: 'error', role: 'alert' });
  const buttons = view.providers.map((p) => h('button', { type: 'button', class: `primary pay-${p}`, id: `pay-${p}`, onclick: async () => {
    const { status, data } = await api('POST', '/v1/phone/orders', { amount, provider: p });
    if (status === 200) { sessionStorage.setItem('phone.order', data.order); location.assign(data.pay_url); return; }
    if (status === 401) { session.set(null); findPage(t().expired); return; }
    err.textContent = t().failed;
  } }, t().payWith[p] || p));
  return h('section', { 'aria-labelledby': 'pay-title' }, h('h2', { id: 'pay-title' }, t().pay), choices, ...buttons, err);
}

async function viewPage() {
  const { status, data } = await api('GET', '/v1/phone/meter');
  if (status === 401) { session.set(null); return findPage(t().expired); }
  if (status !== 200) return findPage(t().failed);
  shell(
    h('section', { class: 'card', 'aria-labelledby': 'meter-title' },
      h('h2', { id: 'meter-title' }, `${t().meter} ${data.meter}`),
      h('p', { class: 'balance' }, `${t().balance} `, h('strong', { id: 'balance' }, data.balance == null ? '—' : money(data.balance))),
      h('p', { class: 'hint' }, `${t().lastRead}: ${data.last_read ? data.last_read.replace('T', ' ').replace('Z', ' UTC') : t().noReading}`)),
    usageSection(data.usage), topupsSection(data.topups), paySection(data),
    h('button', { type: 'button', class: 'link', onclick: () => { session.set(null); findPage(); } }, t().another));
}

function progressPage(order) {
  const steps = ['paid', 'sent', 'done'];
  const status = h('p', { id: 'order-state', role: 'status', 'aria-live': 'polite' }, t().stages.pending);
  const list = h('ol', { class: 'steps' }, steps.map((s) => h('li', { 'data-step': s }, t().stages[s])));
  const result = h('p', { id: 'order-result' });
  const back = h('button', { type: 'button', class: 'primary', id: 'back', onclick: () => { location.hash = ''; } }, t().back);
  shell(h('section', { 'aria-labelledby': 'progress-title' }, h('h2', { id: 'progress-title' }, t().progress), status, list, result, back));
  const poll = async () => {
    if (!app.contains(status)) return;
    const { status: code, data } = await api('GET', `/v1/phone/orders/${encodeURIComponent(order)}`);
    if (code === 401) { session.set(null); return findPage(t().expired); }
    const stage = data.state || 'pending';
    status.textContent = t().stages[stage] || stage;
    const reached = steps.indexOf(stage);
    for (const li of list.children) li.classList.toggle('reached', steps.indexOf(li.dataset.step) <= reached);
    if (stage === 'done') { result.textContent = `${t().newBalance}: ${money(data.balance)}`; return; }
    if (!['failed', 'closed', 'refunded'].includes(stage)) setTimeout(poll, 1000);
  };
  poll();
}

async function route() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('link')) {
    const { status, data } = await api('POST', '/v1/phone/session', { link: hash.get('link') });
    history.replaceState(null, '', location.pathname);
    if (status === 200) session.set(data.token);
    else return findPage(status === 429 ? t().slow(Math.ceil((data.retry_after_ms || 1000) / 1000)) : t().notFound);
  }
  const order = hash.get('order') || null;
  if (!session.get()) return findPage();
  if (order) return progressPage(order);
  return viewPage();
}

window.addEventListener('hashchange', route);
route();
