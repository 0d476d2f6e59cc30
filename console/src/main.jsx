// The console's shell: signing in, the navigation rail, the top bar with
// the language switch, the organisation switcher, who is signed in and
// signing out, and the page of the address's hash (#/overview, #/kiosks,
// #/staff).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrf, setOperator, whenSignedOut } from './api.js';
import { getLang, setLang, t } from './i18n.js';
import { Kiosks, Overview, Staff } from './pages.jsx';
import { Accounts } from './accounts.jsx';
import { Finance } from './finance.jsx';
import { Reports } from './reports.jsx';
import { Batches } from './batches.jsx';
import { Monitor } from './monitor.jsx';
import { Structure } from './structure.jsx';
import { OrgSwitch, restoreOrg } from './orgswitch.jsx';

const pages = [
  { id: 'overview', Page: Overview, icon: 'M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z' },
  { id: 'monitor', Page: Monitor, icon: 'M3 21V7l6-4 6 4v14h-4v-5H7v5zm14 0V10h4v11zM7 9h2v2H7zm4 0h2v2h-2z' },
  { id: 'accounts', Page: Accounts, icon: 'M4 4h16v16H4zm2 2v3h12V6zm0 5v7h5v-7zm7 0v2h5v-2zm0 4v3h5v-3z' },
  { id: 'finance', Page: Finance, icon: 'M11 2h2v3h4v2h-8v3h6l2 2v6l-2 2h-3v3h-2v-3H7v-2h8v-3H9l-2-2V7l2-2h2z' },
  { id: 'reports', Page: Reports, icon: 'M3 21V3h2v16h16v2zm4-4V9h3v8zm5 0V5h3v12zm5 0v-6h3v6z' },
  { id: 'batches', Page: Batches, icon: 'M3 5h18v2H3zm0 6h18v2H3zm0 6h12v2H3zm15-1 4 2-4 2z' },
  { id: 'kiosks', Page: Kiosks, icon: 'M4 2h16v14H4zm2 2v10h12V4zM8 18h8v4H8z' },
  { id: 'structure', Page: Structure, icon: 'M10 2h4v4h-1v3h6v4h1v4h-4v-4h1v-2h-5v2h1v4h-4v-4h1v-2H6v2h1v4H3v-4h1V9h7V6h-1z' },
  { id: 'staff', Page: Staff, icon: 'M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-4 0-9 2-9 5v3h18v-3c0-3-5-5-9-5z' },
];

function route() {
  const id = (location.hash.replace(/^#\/?/, '') || 'overview').split('?')[0];
  return pages.find((p) => p.id === id) || pages[0];
}

function LangSwitch({ onSwitch }) {
  return (
    <button type="button" class="lang secondary" id="lang-switch" title={t('lang_label')} lang={getLang() === 'zh' ? 'en' : 'zh-CN'}
      onClick={() => { setLang(getLang() === 'zh' ? 'en' : 'zh'); onSwitch(); }}>
      {t('lang')}
    </button>
  );
}

function SignIn({ onIn, message, onSwitch }) {
  const [name, setName] = useState('');
  const [pw, setPw] = useState('');
  const [error, setError] = useState(message || '');
  const [busy, setBusy] = useState(false);
  const submit = (e) => {
    e.preventDefault();
    setBusy(true);
    api('POST', '/v1/console/session', { operator: name.trim(), password: pw })
      .then((who) => { setPw(''); onIn(who); })
      .catch((err) => { setError(err.message); setBusy(false); });
  };
  return (
    <main class="signin-page">
      <form class="signin" onSubmit={submit} aria-labelledby="signin-title">
        <div class="signin-top"><h1 id="signin-title">{t('title')}</h1><LangSwitch onSwitch={onSwitch} /></div>
        <p class="lead">{t('signin_lead')}</p>
        <label>{t('operator')}<input id="operator" name="username" autocomplete="username" required
          value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <label>{t('password')}<input id="password" name="password" type="password" autocomplete="current-password" required
          value={pw} onInput={(e) => setPw(e.currentTarget.value)} /></label>
        {error && <p class="problem" role="alert" id="signin-error">{error}</p>}
        <button type="submit" id="signin-submit" disabled={busy}>{t('signin')}</button>
      </form>
    </main>
  );
}

function Shell({ who, onOut, onSwitch }) {
  const [page, setPage] = useState(route());
  const [collapsed, setCollapsed] = useState(false);
  const [org, setOrg] = useState(() => restoreOrg(who.operator));
  useEffect(() => {
    const on = () => setPage(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => { document.title = `${t(page.id)} · ${t('title')}`; });
  const signOut = () => api('DELETE', '/v1/console/session').finally(onOut);
  const { Page } = page;
  return (
    <div class={`shell${collapsed ? ' collapsed' : ''}`}>
      <nav class="rail" aria-label={t('nav')}>
        <button type="button" class="rail-toggle secondary" aria-expanded={!collapsed} aria-label={t('nav')}
          onClick={() => setCollapsed(!collapsed)}>☰</button>
        <ul>
          {pages.map((p) => (
            <li><a href={`#/${p.id}`} id={`nav-${p.id}`} aria-current={p === page ? 'page' : undefined}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d={p.icon} /></svg>
              <span class="rail-name">{t(p.id)}</span>
            </a></li>
          ))}
        </ul>
      </nav>
      <div class="main-col">
        <header class="topbar">
          <span class="product">{t('title')}</span>
          <span class="spacer"></span>
          <OrgSwitch operator={who.operator} org={org} onChange={setOrg} />
          <LangSwitch onSwitch={onSwitch} />
          <span class="who" id="who">{t('signed_in_as')}: <strong>{who.operator}</strong></span>
          <button type="button" id="signout" class="secondary" onClick={signOut}>{t('signout')}</button>
        </header>
        <main class="content" id="content"><Page who={who} key={`${page.id}:${org}`} /></main>
      </div>
    </div>
  );
}

function App() {
  const [who, setWho] = useState(undefined);
  const [message, setMessage] = useState('');
  const [, setTick] = useState(0);
  const rerender = () => setTick((n) => n + 1);
  const signedIn = (w) => { setCsrf(w.csrf); setOperator(w.operator); setMessage(''); setWho(w); };
  const signedOut = (err) => { setCsrf(''); setOperator(''); setMessage(err ? err.message : ''); setWho(null); };
  useEffect(() => {
    whenSignedOut(signedOut);
    api('GET', '/v1/console/session').then(signedIn).catch(() => setWho(null));
  }, []);
  if (who === undefined) return <p class="loading" role="status">{t('loading')}</p>;
  if (!who) return <SignIn onIn={signedIn} message={message} onSwitch={rerender} />;
  return <Shell who={who} onOut={() => signedOut(null)} onSwitch={rerender} />;
}

render(<App />, document.getElementById('app'));
