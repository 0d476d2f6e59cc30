// Monitoring (房间监控): a building chosen on the left, its floors as rows and
// rooms as tiles (room, meter, balance, today's use, supply and online
// state as a dot and a word, alarms); filters (below alarm, cut off,
// offline, with alarms), a search, tiles sorted by room or balance. A room
// opens its side panel (room.jsx). Only the session's organisation's
// buildings come from the API (docs/console.md, "Organisations").
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t, money } from './i18n.js';
import { useLoad, Page, Problem, Loading } from './load.jsx';
import { Status } from './table.jsx';
import { RoomPanel } from './room.jsx';
import './monitor_text.js';

// A meter's supply as a status: power on / tripped (valve open / closed).
export function supplyStatus(m) {
  const words = { 'relay closed': ['ok', 'relay_closed'], 'relay open': ['bad', 'relay_open'],
    'valve open': ['ok', 'valve_open'], 'valve closed': ['bad', 'valve_closed'] };
  const [kind, key] = words[m.supply] || ['none', 'no_reading'];
  return <Status kind={kind} word={t(key)} />;
}

export function energyText(m, v) {
  if (v === '' || v === undefined || v === null) return '—';
  const n = Number(v) / 1000;
  return `${n.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${m.kind === 'water' ? 'm³' : 'kWh'}`;
}

const FILTERS = {
  all: () => true,
  low: (m, level) => m.meter && m.balance !== '' && Number(m.balance) < level,
  cut: (m) => m.supply === 'relay open' || m.supply === 'valve closed',
  offline: (m) => m.meter && m.online !== 'yes',
  alarm: (m) => Number(m.alarms) > 0,
};

function Tile({ room, level, onOpen, selected }) {
  const m = room.meters;
  return (
    <li>
      <button type="button" class={`tile${selected ? ' selected' : ''}`} id={`room-${room.id}`} aria-pressed={selected}
        onClick={() => onOpen(room)}>
        <span class="tile-room">{room.name}</span>
        {m.length === 0 && <span class="hint">{t('no_meter')}</span>}
        {m.map((x) => (
          <span class="tile-meter" data-meter={x.meter}>
            {x.resident && <span class="tile-line resident">{x.resident}</span>}
            <span class="tile-balance num">{x.balance === '' ? '—' : money(x.balance, x.currency)}</span>
            <span class="tile-line">{t('today_use')}: {energyText(x, x.today_use)}</span>
            <span class="tile-line">{supplyStatus(x)} <Status kind={x.online === 'yes' ? 'ok' : 'bad'} word={t(x.online === 'yes' ? 'online' : 'offline')} /></span>
            {x.balance !== '' && Number(x.balance) < level && <span class="tile-line"><Status kind="warn" word={t('low')} /></span>}
            {Number(x.alarms) > 0 && <span class="tile-line"><Status kind="bad" word={t('alarms_n', Number(x.alarms))} /></span>}
          </span>
        ))}
      </button>
    </li>
  );
}

// Tiles drawn at first, and more each time the end of them comes near the
// screen: a building of 10,000 rooms draws what can be seen, not 10,000
// tiles (docs/console.md, "Measured").
const STEP = 240;

// The first `budget` rooms of floors (in their order), and how many there are in all.
function firstRooms(floors, budget) {
  const shown = [];
  let left = budget, all = 0;
  for (const [floor, rooms] of floors) {
    all += rooms.length;
    if (left > 0) shown.push([floor, rooms.slice(0, left)]);
    left -= rooms.length;
  }
  return { shown, all, drawn: Math.min(budget, all) };
}

// A budget of tiles that grows by STEP while the element it returns a ref
// for is near the screen; back to STEP when `reset` changes.
function useGrowing(reset) {
  const [budget, setBudget] = useState(STEP);
  const end = useRef(null);
  useEffect(() => setBudget(STEP), [reset]);
  useEffect(() => {
    if (!end.current) return undefined;
    const seen = new IntersectionObserver((e) => { if (e.some((x) => x.isIntersecting)) setBudget((b) => b + STEP); },
      { rootMargin: '400px' });
    seen.observe(end.current);
    return () => seen.disconnect();
  });
  return [budget, end];
}

// The rows (one per room and meter) as floors, highest first, of rooms.
function floorsOf(rows, keep, sort, query) {
  const rooms = new Map();
  for (const r of rows) {
    if (!rooms.has(r.room)) rooms.set(r.room, { id: r.room, name: r.room_name, floor: Number(r.floor), meters: [] });
    if (r.meter) rooms.get(r.room).meters.push(r);
  }
  const q = query.trim().toLowerCase();
  const shown = [...rooms.values()].filter((room) => (room.meters.length ? room.meters.some(keep) : keep({ alarms: 0 }))
    && (!q || [room.id, room.name, ...room.meters.flatMap((m) => [m.meter, m.customer, m.resident])].some((s) => String(s).toLowerCase().includes(q))));
  const bal = (room) => Math.min(...room.meters.map((m) => (m.balance === '' ? Infinity : Number(m.balance))), Infinity);
  const floors = new Map();
  for (const room of shown) {
    if (!floors.has(room.floor)) floors.set(room.floor, []);
    floors.get(room.floor).push(room);
  }
  for (const list of floors.values()) list.sort(sort === 'balance' ? (a, b) => bal(a) - bal(b) : (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return [...floors.entries()].sort((a, b) => b[0] - a[0]);
}

// The filter and alarm level the address asks for (#/monitor?filter=cut,
// #/monitor?filter=low&level=20.00: the overview's links), else all and 20.
function fromAddress() {
  const p = new URLSearchParams(location.hash.split('?')[1] || '');
  const filter = FILTERS[p.get('filter')] ? p.get('filter') : 'all';
  const level = /^\d+(\.\d{1,2})?$/.test(p.get('level') || '') ? p.get('level') : '20';
  return { filter, level };
}

function Building({ building }) {
  const load = useLoad([`/v1/admin/monitor?building=${encodeURIComponent(building.id)}`]);
  const [filter, setFilter] = useState(() => fromAddress().filter);
  const [level, setLevel] = useState(() => fromAddress().level);
  const [sort, setSort] = useState('room');
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(null);
  const levelMinor = Math.round((Number(level) || 0) * 100);
  useEffect(() => { // the kiosks upload as they read: the page follows every 30 s
    const timer = setInterval(load.reload, 30000);
    return () => clearInterval(timer);
  }, [load.reload]);
  const rows = (load.data && load.data[0].rows) || [];
  const floors = useMemo(() => floorsOf(rows, (m) => FILTERS[filter](m, levelMinor), sort, query), [rows, filter, levelMinor, sort, query]);
  const [budget, end] = useGrowing(`${filter} ${levelMinor} ${sort} ${query}`);
  const { shown, all, drawn } = firstRooms(floors, budget);
  return (
    <section class="building" aria-labelledby="building-title">
      <div class="table-bar filters">
        <h2 id="building-title">{building.name} · {building.site_name}</h2>
        <label class="inline">{t('show')}<select id="monitor-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
          {['all', 'low', 'cut', 'offline', 'alarm'].map((f) => <option value={f}>{t(f === 'all' ? 'all' : `f_${f}`)}</option>)}
        </select></label>
        <label class="inline">{t('alarm_level')}<input id="monitor-level" class="short" type="number" min="0" step="0.01" value={level} onInput={(e) => setLevel(e.currentTarget.value)} /></label>
        <label class="inline">{t('sort_tiles')}<select id="monitor-sort" value={sort} onChange={(e) => setSort(e.currentTarget.value)}>
          <option value="room">{t('by_room')}</option><option value="balance">{t('by_balance')}</option>
        </select></label>
        <label class="filter"><span class="visually-hidden">{t('search')}</span>
          <input id="monitor-search" type="search" placeholder={t('search')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} /></label>
      </div>
      {load.error && <Problem error={load.error} retry={load.reload} />}
      {!load.data && !load.error && <Loading />}
      {load.data && rows.length === 0 && <p class="empty">{t('no_rooms')}</p>}
      {load.data && rows.length > 0 && floors.length === 0 && <p class="empty">{t('no_rows')}</p>}
      <div class="floors">
        {shown.map(([floor, rooms]) => (
          <div class="floor" role="group" aria-label={t('floor', floor)}>
            <h3 class="floor-name">{t('floor', floor)}</h3>
            <ul class="tiles">{rooms.map((room) => <Tile room={room} level={levelMinor} selected={open && open.id === room.id} onOpen={setOpen} />)}</ul>
          </div>
        ))}
        {drawn < all && <p class="hint" ref={end} role="status">{t('tiles_more', drawn, all)}</p>}
      </div>
      {open && <RoomPanel room={open} onClose={() => setOpen(null)} onChanged={load.reload} />}
    </section>
  );
}

export function Monitor() {
  const load = useLoad(['/v1/admin/structure']);
  const [chosen, setChosen] = useState(null);
  const [site, setSite] = useState('');
  return (
    <Page title={t('monitor')} lead={t('monitor_lead')} load={load}>
      {([s]) => {
        if (s.buildings.length === 0) return <p class="empty">{t('no_buildings')}</p>;
        const sites = [...new Map(s.buildings.map((x) => [x.site, x.site_name])).entries()];
        const list = s.buildings.filter((x) => !site || x.site === site);
        const b = list.find((x) => x.id === chosen) || list[0];
        return (
          <div class="monitor">
            <nav class="buildings" aria-label={t('buildings')}>
              <h2>{t('buildings')}</h2>
              {sites.length > 1 && (
                <label>{t('property')}<select id="monitor-site" value={site} onChange={(e) => setSite(e.currentTarget.value)}>
                  <option value="">{t('all_properties')}</option>
                  {sites.map(([id, name]) => <option value={id}>{name}</option>)}
                </select></label>
              )}
              <ul>{list.map((x) => (
                <li><button type="button" id={`building-${x.id}`} class={x === b ? '' : 'secondary'} aria-current={x === b ? 'true' : undefined}
                  onClick={() => setChosen(x.id)}>
                  <span>{x.name}</span><span class="hint-small">{x.site_name} · {t('rooms_n', x.rooms)} · {t('meters_n', x.meters)}</span>
                </button></li>
              ))}</ul>
            </nav>
            <Building building={b} key={b.id} />
          </div>
        );
      }}
    </Page>
  );
}
