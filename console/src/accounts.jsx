// Accounts (docs/accounts.md): the list, one account with its meters and
// cards, the changes the command line makes (open, also pre-filled; bind;
// install and remove meters; transfer; close with the settlement), each
// confirmed in a dialog, and the contact (masked; the permission contacts).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { money, t } from './i18n.js';
import { Page, Problem, useLoad } from './load.jsx';
import { ChangeDialog, Field } from './ops.jsx';
import { Status, Table } from './table.jsx';

const ids = (text) => (text || '').split(/[\s,，]+/).filter(Boolean);
const given = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined));

function OpenDialog({ onDone, onCancel }) {
  const [f, setF] = useState({ prefill: false });
  const run = () => api('POST', '/v1/admin/accounts', given({
    id: f.id, customer: f.customer, meters: ids(f.meters), reason: f.reason, prefill: f.prefill,
    name: f.prefill ? f.name : '', protocol: f.protocol, gateway: f.gateway, kind: f.kind, tariff: f.tariff, site: f.site,
  }));
  return (
    <ChangeDialog id="open-account" title={t('open_title')} needs={t('needs_accounts')} run={run} onDone={onDone} onCancel={onCancel}>
      <div class="form-grid">
        <Field form={f} set={setF} name="id" label={t('account_id')} required />
        <Field form={f} set={setF} name="customer" label={t('customer')} required />
        <Field form={f} set={setF} name="meters" label={t('meters_list')} />
        <Field form={f} set={setF} name="reason" label={t('reason')} />
      </div>
      <label class="check"><input type="checkbox" id="f-prefill" checked={f.prefill} onChange={(e) => setF({ ...f, prefill: e.currentTarget.checked })} />{t('prefill')}</label>
      {f.prefill && (
        <div class="form-grid">
          <Field form={f} set={setF} name="name" label={t('customer_name')} />
          <Field form={f} set={setF} name="protocol" label={t('protocol')} placeholder="dlt645" />
          <Field form={f} set={setF} name="gateway" label={t('gateway')} placeholder="10.0.0.5:8899" />
          <Field form={f} set={setF} name="kind" label={t('meter_kind')} placeholder="electricity" />
          <Field form={f} set={setF} name="tariff" label={t('tariff')} />
          <Field form={f} set={setF} name="site" label={t('site')} />
        </div>
      )}
    </ChangeDialog>
  );
}

// The dialogs of one account's changes, by name.
function dialogOf(kind, a, meters, close) {
  const id = a.account;
  const post = (path, body) => () => api('POST', path, body);
  const props = (title, fields, run) => ({ id: `${kind}-dialog`, title, needs: t('needs_accounts'), run, fields });
  if (kind === 'bind') return props(t('bind_title', id), ['meters', 'reason'], (f) => post(`/v1/admin/accounts/${id}/bind`, given({ meters: ids(f.meters), reason: f.reason })));
  if (kind === 'install') return props(t('install_title', id), ['meter', 'protocol', 'gateway', 'kind', 'tariff', 'site', 'reason'],
    (f) => post(`/v1/admin/meters/${encodeURIComponent(f.meter || '')}/install`, given({ account: id, protocol: f.protocol, gateway: f.gateway, kind: f.kind, tariff: f.tariff, site: f.site, reason: f.reason })));
  if (kind === 'transfer') return props(t('transfer_title', id), ['to_customer', 'reason'], (f) => post(`/v1/admin/accounts/${id}/transfer`, { to_customer: f.to_customer, reason: f.reason }));
  if (kind === 'close') {
    const live = meters.filter((m) => !m.unbound).map((m) => m.meter);
    return props(t('close_title', id), [...live.map((m) => `reading:${m}`), 'balance', 'settle', 'reason'], (f) => post(`/v1/admin/accounts/${id}/close`, {
      final_readings: Object.fromEntries(live.map((m) => [m, Number(f[`reading:${m}`])])),
      balance: Number(f.balance || 0), settle: f.settle || 'refund', reason: f.reason,
    }));
  }
  if (kind.startsWith('remove:')) {
    const m = kind.slice(7);
    return { ...props(t('remove_title', m), ['final_reading', 'credit', 'reason'], (f) => post(`/v1/admin/meters/${m}/remove`, {
      final_reading: Number(f.final_reading), balance: Number(f.credit || 0), reason: f.reason,
    })), id: 'remove-dialog' };
  }
  return close;
}

const fieldLabel = (name) => {
  if (name.startsWith('reading:')) return `${t('final_reading')}: ${name.slice(8)}`;
  return { meters: t('meters_list'), meter: t('meter'), to_customer: t('to_customer'), balance: t('credit_left_all'), credit: t('credit_left'), final_reading: t('final_reading'), kind: t('meter_kind') }[name] || t(name);
};
const required = new Set(['meters', 'meter', 'protocol', 'gateway', 'to_customer', 'reason', 'final_reading']);

function AccountDialog({ kind, a, meters, onDone, onCancel }) {
  const d = dialogOf(kind, a, meters, null);
  const [f, setF] = useState({ settle: 'refund' });
  if (!d) return null;
  return (
    <ChangeDialog id={d.id} title={d.title} needs={d.needs} run={d.run(f)} onDone={onDone} onCancel={onCancel}>
      <div class="form-grid">
        {d.fields.filter((n) => n !== 'settle').map((n) => (
          <Field form={f} set={setF} name={n} label={fieldLabel(n)}
            required={(required.has(n) && !(n === 'reason' && (kind === 'bind' || kind === 'install'))) || n.startsWith('reading:')}
            type={n.startsWith('reading:') || n === 'balance' || n === 'credit' || n === 'final_reading' ? 'number' : 'text'} min="0" />
        ))}
      </div>
      {d.fields.includes('settle') && (
        <fieldset class="choice"><legend>{t('settlement')}</legend>
          {['refund', 'carry'].map((s) => (
            <label class="check"><input type="radio" name="settle" id={`f-settle-${s}`} checked={f.settle === s} onChange={() => setF({ ...f, settle: s })} />{t(s)}</label>
          ))}
        </fieldset>
      )}
    </ChangeDialog>
  );
}

function Contact({ id }) {
  const [state, setState] = useState(null);
  const show = () => api('GET', `/v1/admin/accounts/${id}/contact`).then((c) => setState({ c }))
    .catch((error) => setState(error.status === 404 ? { none: true } : { error }));
  return (
    <section class="panel" aria-labelledby="contact-title">
      <h2 id="contact-title">{t('contact')}</h2>
      {!state && <button type="button" class="secondary" id="show-contact" onClick={show}>{t('show_contact')}</button>}
      {state && state.error && <Problem error={state.error} />}
      {state && state.none && <p class="empty">{t('no_contact')}</p>}
      {state && state.c && <dl class="facts" id="contact">
        <dt>{t('mobile')}</dt><dd>{state.c.mobile || '—'}</dd><dt>{t('email')}</dt><dd>{state.c.email || '—'}</dd>
      </dl>}
    </section>
  );
}

function Account({ id, onChanged }) {
  const load = useLoad([`/v1/admin/accounts/${id}`, `/v1/admin/accounts/${id}/usage`]);
  const [dialog, setDialog] = useState(null);
  const [note, setNote] = useState('');
  const done = () => { setDialog(null); setNote(t('done_account', id)); load.reload(); onChanged(); };
  if (load.error) return <Problem error={load.error} retry={load.reload} />;
  if (!load.data) return null;
  const [{ account: a, meters, cards }, usage] = load.data;
  const open = a.state === 'open';
  return (
    <section class="detail" aria-labelledby="account-title">
      <div class="table-bar">
        <h2 id="account-title">{t('account')} {a.account} · {a.name || a.customer}</h2>
        {open && ['bind', 'install', 'transfer', 'close'].map((k) => (
          <button type="button" class={k === 'close' ? 'danger' : 'secondary'} id={`act-${k}`} onClick={() => setDialog(k)}>{t(k)}</button>
        ))}
      </div>
      {note && <p class="note" role="status">{note}</p>}
      <dl class="facts">
        <dt>{t('customer')}</dt><dd>{a.customer}</dd>
        <dt>{t('state')}</dt><dd><Status kind={open ? 'ok' : 'bad'} word={t(`acct_${a.state}`)} /></dd>
        <dt>{t('opened')}</dt><dd>{a.opened}</dd>
        <dt>{t('balance')}</dt><dd class="num" id="account-balance">{money(a.balance, '')}</dd>
        {!open && <><dt>{t('settlement')}</dt><dd id="account-settlement">{a.settlement} {money(a.settled, '')} {a.carried_to}</dd></>}
      </dl>
      <Table id="account-meters" caption={t('meters')} rows={meters} empty={t('no_rows')} cols={[
        { key: 'meter', label: t('meter') },
        { key: 'bound', label: t('bound') },
        { key: 'unbound', label: t('unbound') },
        { key: 'final_reading', label: t('final_reading'), num: true },
        { key: 'why', label: t('why') },
        { key: 'act', label: '', sortable: false, render: (m) => open && !m.unbound && (
          <button type="button" class="small secondary" aria-label={`${t('remove')} ${m.meter}`} onClick={() => setDialog(`remove:${m.meter}`)}>{t('remove')}</button>
        ) },
      ]} />
      <Table id="account-cards" caption={t('cards')} rows={cards} empty={t('no_rows')} cols={[
        { key: 'serial', label: t('serial') }, { key: 'meter', label: t('meter') }, { key: 'state', label: t('state') }, { key: 'blocked', label: t('why') },
      ]} />
      <Table id="account-usage" caption={t('usage_month')} rows={usage.rows} empty={t('no_usage')} cols={[
        { key: 'month', label: t('month') },
        { key: 'energy', label: `${t('energy')} (Wh)`, num: true },
        { key: 'recharges', label: t('recharges'), num: true },
        { key: 'paid', label: t('paid'), num: true, render: (r) => money(r.paid, r.currency), text: (r) => money(r.paid, r.currency) },
        { key: 'charged', label: t('charged'), num: true, render: (r) => money(r.charged, r.currency), text: (r) => money(r.charged, r.currency) },
      ]} />
      <Contact id={a.account} key={a.account} />
      {dialog && <AccountDialog kind={dialog} a={a} meters={meters} onDone={done} onCancel={() => setDialog(null)} />}
    </section>
  );
}

export function Accounts() {
  const load = useLoad(['/v1/admin/accounts']);
  const [chosen, setChosen] = useState('');
  const [opening, setOpening] = useState(false);
  return (
    <Page title={t('accounts')} lead={t('accounts_lead')} load={load}>
      {([list]) => (
        <div class="split">
          <div>
            <Table id="accounts" caption={t('accounts')} rows={list.rows} empty={t('no_accounts')}
              actions={<button type="button" id="open-account-button" onClick={() => setOpening(true)}>{t('open_account')}</button>}
              cols={[
                { key: 'account', label: t('account'), render: (a) => (
                  <button type="button" class="link" aria-pressed={a.account === chosen} onClick={() => setChosen(a.account)}>{a.account}</button>
                ) },
                { key: 'customer', label: t('customer') },
                { key: 'state', label: t('state'), render: (a) => <Status kind={a.state === 'open' ? 'ok' : 'bad'} word={t(`acct_${a.state}`)} />, text: (a) => t(`acct_${a.state}`) },
                { key: 'meters', label: t('meters'), num: true },
                { key: 'balance', label: t('balance'), num: true, render: (a) => money(a.balance, '') },
                { key: 'opened', label: t('opened') },
              ]} />
          </div>
          <div>{chosen ? <Account id={chosen} key={chosen} onChanged={load.reload} /> : <p class="empty panel">{t('choose_account')}</p>}</div>
          {opening && <OpenDialog onCancel={() => setOpening(false)} onDone={(a) => { setOpening(false); load.reload(); setChosen(a.account.account); }} />}
        </div>
      )}
    </Page>
  );
}
