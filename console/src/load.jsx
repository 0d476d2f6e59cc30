// Loading a page's data: shows "loading", then the data, or the error with
// what to do and a retry button.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';

export function useLoad(paths) {
  const key = paths.join('|');
  const [state, setState] = useState({ data: null, error: null });
  const reload = useCallback(() => {
    setState((s) => ({ data: s.data, error: null }));
    Promise.all(paths.map((p) => api('GET', p)))
      .then((data) => setState({ data, error: null }))
      .catch((error) => setState({ data: null, error }));
  }, [key]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

export function Problem({ error, retry }) {
  return (
    <div class="problem" role="alert">
      <p>{error.message}</p>
      {retry && <button type="button" onClick={retry}>{t('retry')}</button>}
    </div>
  );
}

export function Loading() {
  return <p class="loading" role="status">{t('loading')}</p>;
}

// A page: its title and one-line summary, then its data once loaded (or
// the error with a retry); children(data) draws the data.
export function Page({ title, lead, load, children }) {
  const { data, error, reload } = load;
  return (
    <>
      <header class="page-head">
        <h1>{title}</h1>
        <p class="lead">{lead}</p>
      </header>
      {error && <Problem error={error} retry={reload} />}
      {!data && !error && <Loading />}
      {data && children(data)}
    </>
  );
}
