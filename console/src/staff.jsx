// The Staff page: central operators and permission groups, changed from
// the console (each change a dialog naming the permission it needs and
// saying it is audited), and the audit log.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { Page, Problem, useLoad } from './load.jsx';
import { Status, Table } from './table.jsx';
import { ChangeDialog, Field } from './ops.jsx';
import { PERMS } from './staff_text.js';

const enc = encodeURIComponent;

// A labelled select of options [{value, label}].
function Choice({ id, label, value, options, onChange }) {
  return (
    <label>{label}
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((o) => <option value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
}

// The permissions as checkboxes, each with its name and what it allows.
function PermBoxes({ set, onChange }) {
  return (
    <fieldset class="perm-boxes">
      <legend>{t('perms')}</legend>
      {PERMS.map((p) => (
        <label class="check"><input type="checkbox" id={`perm-${p}`} checked={set.has(p)}
          onChange={(e) => { const s = new Set(set); if (e.currentTarget.checked) s.add(p); else s.delete(p); onChange(s); }} />
          <code>{p}</code> · {t(`p_${p}`)}</label>
      ))}
    </fieldset>
  );
}

function permsOf(text) {
  return new Set(text === 'all' ? PERMS : String(text || '').split(',').filter(Boolean));
}

// The dialog of one change; `change` says which, with its row.
function OperatorDialog({ change, groups, orgs, myOrg, onDone, onCancel }) {
  const { kind, row } = change;
  const [form, setForm] = useState({ name: '', group: (groups[0] || {}).name || '', org: myOrg || '', pin: '', password: '' });
  const groupOptions = groups.map((g) => ({ value: g.name, label: `${g.name} (${g.perms})` }));
  const orgOptions = (myOrg ? [] : [{ value: '', label: t('none_org') }]).concat(orgs.map((o) => ({ value: o.id, label: `${o.id} · ${o.name}` })));
  const needs = t('needs_operators');
  const common = { needs, onCancel, onDone };
  if (kind === 'add') {
    return (
      <ChangeDialog id="op-add" title={t('op_add_title')} {...common}
        run={() => api('POST', '/v1/admin/operators', { name: form.name.trim(), group: form.group, org: form.org, pin: form.pin })
          .then(() => t('done_op_add', form.name.trim()))}>
        <Field form={form} set={setForm} name="name" label={t('name')} required autocomplete="off" />
        <Choice id="f-group" label={t('group')} value={form.group} options={groupOptions} onChange={(v) => setForm({ ...form, group: v })} />
        <Choice id="f-org" label={t('org')} value={form.org} options={orgOptions} onChange={(v) => setForm({ ...form, org: v })} />
        <Field form={form} set={setForm} name="pin" label={t('pin')} type="password" required inputmode="numeric" autocomplete="new-password" />
      </ChangeDialog>
    );
  }
  if (kind === 'group') {
    return (
      <ChangeDialog id="op-group" title={t('op_group_title', row.name)} {...common}
        run={() => api('POST', `/v1/admin/operators/${enc(row.name)}/group`, { group: form.group || row.group }).then(() => t('done_changed'))}>
        <Choice id="f-group" label={t('group')} value={form.group || row.group} options={groupOptions} onChange={(v) => setForm({ ...form, group: v })} />
      </ChangeDialog>
    );
  }
  if (kind === 'password') {
    return (
      <ChangeDialog id="op-password" title={t('op_password_title', row.name)} {...common}
        run={() => api('POST', `/v1/admin/operators/${enc(row.name)}/password`, { password: form.password })
          .then(() => { setForm({ ...form, password: '' }); return t('done_password', row.name); })}>
        <Field form={form} set={setForm} name="password" label={t('new_password')} type="password" required minlength="10" maxlength="128" autocomplete="new-password" />
        <p class="hint">{t('password_hint')}</p>
      </ChangeDialog>
    );
  }
  const off = kind === 'disable';
  return (
    <ChangeDialog id={`op-${kind}`} title={t(off ? 'op_disable_title' : 'op_enable_title', row.name)} {...common}
      run={() => api('POST', `/v1/admin/operators/${enc(row.name)}/${kind}`, {}).then(() => t('done_changed'))}>
      <p>{t(off ? 'op_disable_what' : 'op_enable_what')}</p>
    </ChangeDialog>
  );
}

function GroupDialog({ group, onDone, onCancel }) {
  const [name, setName] = useState(group ? group.name : '');
  const [set, setSet] = useState(permsOf(group && group.perms));
  return (
    <ChangeDialog id="group-set" title={group ? t('group_edit_title', group.name) : t('group_title')} needs={t('needs_operators')}
      onCancel={onCancel} onDone={onDone}
      run={() => api('POST', '/v1/admin/groups', { name: name.trim(), perms: PERMS.filter((p) => set.has(p)) }).then(() => t('done_changed'))}>
      {!group && <label>{t('name')}<input id="f-group-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>}
      <PermBoxes set={set} onChange={setSet} />
    </ChangeDialog>
  );
}

// The audit log, loaded on its own: an organisation's staff may not read it.
function AuditLog() {
  const [since, setSince] = useState('');
  const [action, setAction] = useState('');
  const q = new URLSearchParams();
  if (since) q.set('since', since);
  if (action) q.set('action', action);
  const load = useLoad([`/v1/admin/reports/audit?${q}`]);
  if (load.error) return <Problem error={load.error} retry={load.reload} />;
  const rows = load.data ? load.data[0].rows.slice().reverse() : [];
  return (
    <Table id="audit" caption={t('audit')} rows={rows} empty={load.data ? t('no_rows') : t('loading')}
      actions={(
        <>
          <label class="inline">{t('since')}<input type="date" value={since} onChange={(e) => setSince(e.currentTarget.value)} /></label>
          <label class="inline">{t('action')}<input id="audit-action" value={action} onChange={(e) => setAction(e.currentTarget.value.trim())} /></label>
        </>
      )}
      cols={[
        { key: 'at', label: t('at') },
        { key: 'kiosk', label: t('kiosk') },
        { key: 'actor', label: t('actor') },
        { key: 'action', label: t('action') },
        { key: 'target', label: t('target') },
        { key: 'reason', label: t('reason') },
        { key: 'detail', label: t('detail') },
      ]} />
  );
}

export function Staff() {
  const load = useLoad(['/v1/admin/operators', '/v1/admin/groups', '/v1/admin/structure']);
  const [change, setChange] = useState(null);
  const [groupEdit, setGroupEdit] = useState(undefined);
  const [note, setNote] = useState('');
  const done = (text) => { setChange(null); setGroupEdit(undefined); setNote(text || t('done_changed')); load.reload(); };
  return (
    <Page title={t('staff')} lead={t('staff_lead')} load={load}>
      {([ops, groups, structure]) => (
        <>
          {note && <p class="note" role="status" id="staff-note">{note}</p>}
          <Table id="operators" caption={t('operators')} rows={ops.rows} empty={t('no_rows')}
            actions={<button type="button" id="op-add-open" onClick={() => setChange({ kind: 'add' })}>{t('op_add')}</button>}
            cols={[
              { key: 'name', label: t('name') },
              { key: 'group', label: t('group') },
              { key: 'org', label: t('org'), render: (o) => o.org || '—' },
              { key: 'state', label: t('state'), render: (o) => <Status kind={o.state === 'active' ? 'ok' : 'bad'} word={t(o.state)} /> },
              { key: 'updated', label: t('updated') },
              { key: 'changes', label: t('changes'), sortable: false, render: (o) => (
                <span class="row-actions">
                  <button type="button" class="small secondary" aria-label={`${t('op_group')}: ${o.name}`} onClick={() => setChange({ kind: 'group', row: o })}>{t('op_group')}</button>
                  <button type="button" class="small secondary" aria-label={`${t('op_password')}: ${o.name}`} onClick={() => setChange({ kind: 'password', row: o })}>{t('op_password')}</button>
                  {o.state === 'active'
                    ? <button type="button" class="small secondary" aria-label={`${t('op_disable')}: ${o.name}`} onClick={() => setChange({ kind: 'disable', row: o })}>{t('op_disable')}</button>
                    : <button type="button" class="small secondary" aria-label={`${t('op_enable')}: ${o.name}`} onClick={() => setChange({ kind: 'enable', row: o })}>{t('op_enable')}</button>}
                </span>
              ) },
            ]} />
          <Table id="groups" caption={t('groups')} rows={groups.rows} empty={t('no_rows')}
            actions={<button type="button" id="group-add-open" onClick={() => setGroupEdit(null)}>{t('group_add')}</button>}
            cols={[
              { key: 'name', label: t('name') },
              { key: 'perms', label: t('perms') },
              { key: 'changes', label: t('changes'), sortable: false, render: (g) => (
                <button type="button" class="small secondary" aria-label={`${t('group_edit')}: ${g.name}`} onClick={() => setGroupEdit(g)}>{t('group_edit')}</button>
              ) },
            ]} />
          <AuditLog />
          {change && <OperatorDialog change={change} groups={groups.rows} orgs={structure.orgs || []} myOrg={structure.organisation}
            onCancel={() => setChange(null)} onDone={done} />}
          {groupEdit !== undefined && <GroupDialog group={groupEdit} onCancel={() => setGroupEdit(undefined)} onDone={done} />}
        </>
      )}
    </Page>
  );
}
