// The Structure page (permission settings for its changes): the
// organisations and buildings the session sees, a building's rooms by
// floor with their meters; organisations, buildings and rooms added, a
// site given to an organisation, meters placed in rooms and kiosks in
// buildings, each audited.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { Page, Problem, useLoad } from './load.jsx';
import { Table } from './table.jsx';
import { ChangeDialog, Field } from './ops.jsx';
import './staff_text.js';

const enc = encodeURIComponent;

// A labelled select of options [{value, label}] bound to form[name].
function Pick({ form, set, name, label, options }) {
  return (
    <label>{label}
      <select id={`f-${name}`} value={form[name]} onChange={(e) => set({ ...form, [name]: e.currentTarget.value })}>
        {options.map((o) => <option value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
}

// The dialog of one change: what it is, its fields, its call.
function StructureDialog({ dialog, structure, meters, kiosks, onDone, onCancel }) {
  const { kind, building } = dialog;
  const sites = [...new Set((structure.sites || []).map((s) => s.id).concat(kiosks.map((k) => k.site), meters.map((m) => m.site)).filter(Boolean))].sort();
  const first = (list) => (list[0] ? list[0].value : '');
  const orgList = structure.orgs.map((o) => ({ value: o.id, label: `${o.id} · ${o.name}` }));
  const orgOptions = (structure.organisation ? [] : [{ value: '', label: t('org_none_parent') }]).concat(orgList);
  const siteOptions = sites.map((s) => ({ value: s, label: s }));
  const meterOptions = building ? meters.filter((m) => m.site === building.site).map((m) => ({ value: m.meter, label: m.meter })) : [];
  const kioskOptions = building ? kiosks.filter((k) => k.site === building.site).map((k) => ({ value: k.id, label: k.id })) : [];
  const roomOptions = (dialog.rooms || []).map((r) => ({ value: r.room, label: `${r.room} · ${r.room_name}` }));
  const [form, setForm] = useState({ id: '', name: '', parent: first(orgOptions), org: first(orgList), site: first(siteOptions), floor: '1',
    room: first(roomOptions), meter: first(meterOptions), kiosk: first(kioskOptions) });
  const common = { needs: t('needs_settings'), onCancel, onDone };
  const idName = (
    <>
      <Field form={form} set={setForm} name="id" label={t('id')} required autocomplete="off" />
      <Field form={form} set={setForm} name="name" label={t('name')} required autocomplete="off" />
    </>
  );
  if (kind === 'org') {
    return (
      <ChangeDialog id="org-add" title={t('org_add')} {...common}
        run={() => api('POST', '/v1/admin/orgs', { id: form.id.trim(), name: form.name.trim(), parent: form.parent })}>
        {idName}
        <Pick form={form} set={setForm} name="parent" label={t('parent')} options={orgOptions} />
      </ChangeDialog>
    );
  }
  if (kind === 'site') {
    return (
      <ChangeDialog id="site-org" title={t('site_org')} {...common}
        run={() => api('POST', `/v1/admin/sites/${enc(form.site)}/org`, { org: form.org })}>
        <p class="hint">{t('site_org_hint')}</p>
        <Pick form={form} set={setForm} name="site" label={t('site')} options={siteOptions} />
        <Pick form={form} set={setForm} name="org" label={t('site_org_to')} options={orgList} />
      </ChangeDialog>
    );
  }
  if (kind === 'building') {
    return (
      <ChangeDialog id="building-add" title={t('building_add')} {...common}
        run={() => api('POST', '/v1/admin/buildings', { id: form.id.trim(), name: form.name.trim(), site: form.site })}>
        {idName}
        <Pick form={form} set={setForm} name="site" label={t('site')} options={siteOptions} />
      </ChangeDialog>
    );
  }
  if (kind === 'room') {
    return (
      <ChangeDialog id="room-add" title={`${t('room_add')} · ${building.id}`} {...common}
        run={() => api('POST', '/v1/admin/rooms', { id: form.id.trim(), name: form.name.trim(), building: building.id, floor: Number(form.floor) })}>
        {idName}
        <Field form={form} set={setForm} name="floor" label={t('floor_n')} type="number" min="-9" max="199" required />
      </ChangeDialog>
    );
  }
  if (kind === 'meter') {
    return (
      <ChangeDialog id="meter-place" title={`${t('meter_place')} · ${building.id}`} {...common}
        run={() => api('POST', `/v1/admin/rooms/${enc(form.room)}/meters`, { meter: form.meter })}>
        <Pick form={form} set={setForm} name="room" label={t('room')} options={roomOptions} />
        <Pick form={form} set={setForm} name="meter" label={t('meter_of_site', building.site)} options={meterOptions} />
      </ChangeDialog>
    );
  }
  return (
    <ChangeDialog id="kiosk-place" title={`${t('kiosk_place')} · ${building.id}`} {...common}
      run={() => api('POST', `/v1/admin/buildings/${enc(building.id)}/kiosks`, { kiosk: form.kiosk })}>
      <Pick form={form} set={setForm} name="kiosk" label={t('kiosk_of_site', building.site)} options={kioskOptions} />
    </ChangeDialog>
  );
}

// The monitoring rows (one per room and meter) as rooms with their meters.
function roomsOf(rows) {
  const by = new Map();
  for (const r of rows) {
    if (!by.has(r.room)) by.set(r.room, { room: r.room, room_name: r.room_name, floor: r.floor, meters: [] });
    if (r.meter) by.get(r.room).meters.push(r.meter);
  }
  return [...by.values()].map((r) => ({ ...r, meter_list: r.meters.join(' ') }));
}

function Rooms({ building, onDialog, version }) {
  const load = useLoad([`/v1/admin/monitor?building=${enc(building.id)}&v=${version}`]);
  if (load.error) return <Problem error={load.error} retry={load.reload} />;
  const rooms = load.data ? roomsOf(load.data[0].rows) : [];
  return (
    <Table id="rooms" caption={t('rooms_of', building.id)} rows={rooms} empty={load.data ? t('no_rooms_yet') : t('loading')}
      actions={(
        <>
          <button type="button" id="room-add-open" onClick={() => onDialog({ kind: 'room', building })}>{t('room_add')}</button>
          <button type="button" id="meter-place-open" disabled={!rooms.length} onClick={() => onDialog({ kind: 'meter', building, rooms })}>{t('meter_place')}</button>
        </>
      )}
      cols={[
        { key: 'floor', label: t('floor_n'), num: true },
        { key: 'room', label: t('room') },
        { key: 'room_name', label: t('name') },
        { key: 'meter_list', label: t('meters') },
      ]} />
  );
}

export function Structure() {
  const load = useLoad(['/v1/admin/structure', '/v1/admin/meters', '/v1/admin/kiosks']);
  const [chosen, setChosen] = useState('');
  const [dialog, setDialog] = useState(null);
  const [note, setNote] = useState('');
  const [version, setVersion] = useState(0);
  const done = () => { setDialog(null); setNote(t('done_structure')); setVersion(version + 1); load.reload(); };
  return (
    <Page title={t('structure')} lead={t('structure_lead')} load={load}>
      {([structure, meters, kiosks]) => {
        const building = structure.buildings.find((b) => b.id === chosen) || structure.buildings[0];
        return (
          <>
            {note && <p class="note" role="status" id="structure-note">{note}</p>}
            <Table id="orgs" caption={t('orgs')} rows={structure.orgs} empty={t('no_orgs')}
              actions={(
                <>
                  <button type="button" id="org-add-open" onClick={() => setDialog({ kind: 'org' })}>{t('org_add')}</button>
                  <button type="button" id="site-org-open" disabled={!structure.orgs.length} onClick={() => setDialog({ kind: 'site' })}>{t('site_org')}</button>
                </>
              )}
              cols={[
                { key: 'id', label: t('id') },
                { key: 'name', label: t('name') },
                { key: 'parent', label: t('parent'), render: (o) => o.parent || '—' },
                { key: 'sites', label: t('sites') },
              ]} />
            <Table id="buildings" caption={t('buildings')} rows={structure.buildings} empty={t('no_buildings_yet')}
              actions={<button type="button" id="building-add-open" onClick={() => setDialog({ kind: 'building' })}>{t('building_add')}</button>}
              cols={[
                { key: 'id', label: t('id') },
                { key: 'name', label: t('name') },
                { key: 'site', label: t('site') },
                { key: 'org', label: t('org'), render: (b) => b.org || '—' },
                { key: 'floors', label: t('floors'), num: true },
                { key: 'rooms', label: t('rooms'), num: true },
                { key: 'meters', label: t('meters'), num: true },
                { key: 'kiosks', label: t('kiosks') },
                { key: 'changes', label: t('changes'), sortable: false, render: (b) => (
                  <span class="row-actions">
                    <button type="button" class="small secondary" aria-pressed={building && building.id === b.id} aria-label={`${t('choose_building')}: ${b.id}`} onClick={() => setChosen(b.id)}>{t('choose_building')}</button>
                    <button type="button" class="small secondary" aria-label={`${t('kiosk_place')}: ${b.id}`} onClick={() => setDialog({ kind: 'kiosk', building: b })}>{t('kiosk_place')}</button>
                  </span>
                ) },
              ]} />
            {building && <Rooms building={building} version={version} onDialog={setDialog} />}
            {dialog && <StructureDialog dialog={dialog} structure={structure} meters={meters.rows} kiosks={kiosks.rows}
              onCancel={() => setDialog(null)} onDone={done} />}
          </>
        );
      }}
    </Page>
  );
}
