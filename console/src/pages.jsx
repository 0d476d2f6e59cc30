// The overview and the kiosks (with their enrolment codes: enrol.jsx); the
// staff (staff.jsx).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { money, t } from './i18n.js';
import { Page, Problem, useLoad } from './load.jsx';
import { Status, Table } from './table.jsx';
import { EnrolCodes } from './enrol.jsx';

export function Overview() {
  const load = useLoad(['/v1/admin/overview']);
  return (
    <Page title={t('overview')} lead={t('overview_lead')} load={load}>
      {([o]) => (
        <>
          <ul class="cards">
            <li class="card"><span class="card-label">{t('kiosks_online')}</span><span class="card-value" id="kiosks-online">{o.kiosks.online}</span></li>
            <li class="card"><span class="card-label">{t('kiosks_offline')}</span><span class="card-value" id="kiosks-offline">{o.kiosks.offline}</span></li>
            <li class="card"><span class="card-label">{t('alerts_open')}</span><span class="card-value" id="alerts-open">{o.alerts_open}</span></li>
            <li class="card"><a class="card-link" id="meters-cut-off-link" href="#/monitor?filter=cut"><span class="card-label">{t('meters_cut_off')}</span><span class="card-value" id="meters-cut-off">{o.meters_cut_off}</span></a></li>
            <li class="card"><a class="card-link" id="meters-below-alarm-link" href={`#/monitor?filter=low&level=${(o.alarm_level / 100).toFixed(2)}`}>
              <span class="card-label" id="meters-below-alarm-label">{t('meters_below_alarm', money(o.alarm_level))}</span><span class="card-value" id="meters-below-alarm">{o.meters_below_alarm}</span></a></li>
          </ul>
          <Table id="sales-today" caption={t('sales_today')} rows={o.sales_today} empty={t('no_sales')} cols={[
            { key: 'method', label: t('method') },
            { key: 'sales', label: t('sales'), num: true },
            { key: 'amount', label: t('amount'), num: true, render: (r) => money(r.amount, r.currency), text: (r) => money(r.amount, r.currency) },
          ]} />
        </>
      )}
    </Page>
  );
}

function AckDialog({ alert, onDone, onCancel, operator }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = (e) => {
    e.preventDefault();
    setBusy(true);
    api('POST', `/v1/admin/alerts/${alert.id}/ack`, { operator, reason })
      .then(() => onDone())
      .catch((err) => { setError(err); setBusy(false); });
  };
  return (
    <div class="dialog-backdrop">
      <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="ack-title" onSubmit={submit}>
        <h2 id="ack-title">{t('ack_title')} #{alert.id}</h2>
        <p>{alert.kind} · {alert.about || alert.kiosk} · {alert.evidence}</p>
        <p class="hint">{t('ack_needs')}</p>
        <label>{t('reason')}<input id="ack-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} /></label>
        {error && <Problem error={error} />}
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={onCancel}>{t('cancel')}</button>
          <button type="submit" id="ack-confirm" disabled={busy}>{t('ack_confirm')}</button>
        </div>
      </form>
    </div>
  );
}

export function Kiosks({ who }) {
  const [openOnly, setOpenOnly] = useState(true);
  const load = useLoad(['/v1/admin/kiosks', `/v1/admin/alerts?open=${openOnly ? 1 : 0}`]);
  const [acking, setAcking] = useState(null);
  const [note, setNote] = useState('');
  const silent = new Set(((load.data && load.data[1].rows) || []).filter((a) => a.kind === 'kiosk_silent' && a.state === 'open').map((a) => a.about));
  const stateWord = (s) => t(s) || s;
  return (
    <Page title={t('kiosks')} lead={t('kiosks_lead')} load={load}>
      {(data) => (
        <>
          {note && <p class="note" role="status">{note}</p>}
          <Table id="fleet" caption={t('fleet')} rows={data[0].rows} empty={t('no_kiosks')} cols={[
            { key: 'id', label: t('kiosk') },
            { key: 'site', label: t('site') },
            { key: 'last_heartbeat', label: t('last_heartbeat'), render: (k) => {
              const on = k.state === 'active' && k.last_heartbeat && !silent.has(k.id);
              return <Status kind={on ? 'ok' : 'bad'} word={`${on ? t('online') : t('offline')}${k.last_heartbeat ? ` · ${k.last_heartbeat}` : ''}`} />;
            } },
            { key: 'state', label: t('state'), render: (k) => stateWord(k.state) },
            { key: 'cashbox_fill', label: t('cashbox'), num: true, render: (k) => (k.cashbox_fill === '' ? '—' : `${k.cashbox_fill} %`) },
            { key: 'paper', label: t('paper') },
            { key: 'last_error', label: t('last_error') },
            { key: 'software', label: t('software') },
          ]} />
          <Table id="alerts" caption={t('alerts')} rows={data[1].rows} empty={t('no_alerts')}
            actions={<label class="check"><input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.currentTarget.checked)} />{t('open_only')}</label>}
            cols={[
              { key: 'id', label: '#', num: true },
              { key: 'at', label: t('at') },
              { key: 'kiosk', label: t('kiosk') },
              { key: 'about', label: t('about') },
              { key: 'kind', label: t('kind') },
              { key: 'severity', label: t('severity') },
              { key: 'evidence', label: t('evidence') },
              { key: 'state', label: t('state'), render: (a) => <Status kind={a.state === 'open' ? 'bad' : 'ok'} word={stateWord(a.state)} /> },
              { key: 'ack', label: '', sortable: false, render: (a) => a.state === 'open' && (
                <button type="button" class="small" aria-label={`${t('acknowledge')} #${a.id}`} onClick={() => setAcking(a)}>{t('acknowledge')}</button>
              ) },
            ]} />
          <EnrolCodes />
          {acking && <AckDialog alert={acking} operator={who.operator} onCancel={() => setAcking(null)}
            onDone={() => { setAcking(null); setNote(t('acked')); load.reload(); }} />}
        </>
      )}
    </Page>
  );
}

// The Staff page and its changes (staff.jsx).
export { Staff } from './staff.jsx';
