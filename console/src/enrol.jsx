// The Kiosks page's enrolment codes: the open ones with their expiry, a
// fresh one issued (for a new kiosk on a site, or one already known) and
// shown once, the open ones of a kiosk revoked (permission settings).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { Problem, useLoad } from './load.jsx';
import { Table } from './table.jsx';
import { ChangeDialog, Field } from './ops.jsx';
import './staff_text.js';

function IssueDialog({ onDone, onCancel }) {
  const [form, setForm] = useState({ kiosk: '', site: '', days: '7' });
  return (
    <ChangeDialog id="enrol-issue" title={t('enrol_issue_title')} needs={t('needs_settings')} onCancel={onCancel} onDone={onDone}
      run={() => api('POST', '/v1/admin/enrol-codes', { kiosk: form.kiosk.trim(), site: form.site.trim(), days: Number(form.days) })}>
      <Field form={form} set={setForm} name="kiosk" label={t('kiosk')} required autocomplete="off" />
      <Field form={form} set={setForm} name="site" label={t('site')} autocomplete="off" />
      <p class="hint">{t('enrol_site_hint')}</p>
      <Field form={form} set={setForm} name="days" label={t('enrol_days')} type="number" min="1" max="90" required />
    </ChangeDialog>
  );
}

function RevokeDialog({ kiosk, onDone, onCancel }) {
  return (
    <ChangeDialog id="enrol-revoke" title={t('revoke_title', kiosk)} needs={t('needs_settings')} onCancel={onCancel} onDone={onDone}
      run={() => api('POST', `/v1/admin/enrol-codes/${encodeURIComponent(kiosk)}/revoke`, {})}>
      <p>{t('revoke_what')}</p>
    </ChangeDialog>
  );
}

export function EnrolCodes({ onChange }) {
  const load = useLoad(['/v1/admin/enrol-codes']);
  const [dialog, setDialog] = useState(null);
  const [issued, setIssued] = useState(null);
  const after = (result) => { setDialog(null); setIssued(result && result.code ? result : null); load.reload(); if (onChange) onChange(); };
  return (
    <div class="enrol-codes">
      {issued && (
        <div class="note code-shown" role="status">
          <p>{t('enrol_code_is', issued.kiosk)}</p>
          <p><strong id="enrol-code-value" class="code">{issued.code}</strong> · {t('enrol_valid', issued.expires)}</p>
        </div>
      )}
      {load.error && <Problem error={load.error} retry={load.reload} />}
      {load.data && (
        <Table id="enrol-codes" caption={t('enrol_codes')} rows={load.data[0].rows} empty={t('no_codes')}
          actions={<button type="button" id="enrol-issue-open" onClick={() => setDialog({ kind: 'issue' })}>{t('enrol_issue')}</button>}
          cols={[
            { key: 'kiosk', label: t('kiosk') },
            { key: 'site', label: t('site') },
            { key: 'state', label: t('state'), render: (c) => t(c.state) || c.state },
            { key: 'issued', label: t('code_issued') },
            { key: 'expires', label: t('expires') },
            { key: 'revoke', label: t('changes'), sortable: false, render: (c) => (
              <button type="button" class="small secondary" aria-label={`${t('revoke')}: ${c.kiosk}`} onClick={() => setDialog({ kind: 'revoke', kiosk: c.kiosk })}>{t('revoke')}</button>
            ) },
          ]} />
      )}
      {dialog && dialog.kind === 'issue' && <IssueDialog onCancel={() => setDialog(null)} onDone={after} />}
      {dialog && dialog.kind === 'revoke' && <RevokeDialog kiosk={dialog.kiosk} onCancel={() => setDialog(null)} onDone={after} />}
    </div>
  );
}
