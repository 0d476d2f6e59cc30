// The organisation switcher in the top bar: an operator who sees several
// organisations (a headquarters', or the utility's in none) narrows every
// page to one of them, or all. The choice is kept in the browser for each
// operator and goes with every API call (api.js); the back office takes it
// only within the session's own scope (docs/console.md, "Scoping").
import { useEffect, useState } from 'preact/hooks';
import { api, setOrg } from './api.js';
import { addTexts, t } from './i18n.js';

addTexts({ organisation: 'Organisation', all_organisations: 'All organisations' },
  { organisation: '组织', all_organisations: '全部组织' });

const key = (operator) => `console.org.${operator}`;

function stored(operator) {
  try { return localStorage.getItem(key(operator)) || ''; } catch (e) { return ''; }
}

function keep(operator, id) {
  try {
    if (id) localStorage.setItem(key(operator), id);
    else localStorage.removeItem(key(operator));
  } catch (e) { /* not kept: the choice lasts until a reload */ }
}

// The organisation kept for operator ('' for all), given to api.js; called
// before the pages ask for anything.
export function restoreOrg(operator) {
  const id = stored(operator);
  setOrg(id);
  return id;
}

// The switcher: shown when the session sees more than one organisation.
export function OrgSwitch({ operator, org, onChange }) {
  const [orgs, setOrgs] = useState([]);
  const choose = (id) => { keep(operator, id); setOrg(id); onChange(id); };
  useEffect(() => {
    api('GET', '/v1/admin/structure', undefined, { wide: true }).then((s) => {
      setOrgs(s.orgs || []);
      if (org && !(s.orgs || []).some((o) => o.id === org)) choose(''); // no longer seen: all
    }).catch(() => setOrgs([]));
  }, [operator]);
  if (orgs.length < 2) return null;
  return (
    <label class="inline org-switch">{t('organisation')}
      <select id="org-switch" value={org} onChange={(e) => choose(e.currentTarget.value)}>
        <option value="">{t('all_organisations')}</option>
        {orgs.map((o) => <option value={o.id}>{o.name} ({o.id})</option>)}
      </select>
    </label>
  );
}
