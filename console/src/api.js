// The console's calls to the back office's JSON API (sync/openapi.yaml):
// same origin, the session cookie sent by the browser, the CSRF token in a
// header on every change. A failure becomes an ApiError whose text says
// what happened and what to do, in the operator's language. The
// organisation switcher's choice goes with every call (X-Organisation),
// which the back office takes only within the session's own scope.
import { t } from './i18n.js';

let csrf = '';
let onSignedOut = () => {};
let org = '';

export function setCsrf(token) { csrf = token || ''; }
export function whenSignedOut(fn) { onSignedOut = fn; }
// The organisation every call is narrowed to ('' for the session's whole scope).
export function setOrg(id) { org = id || ''; }

export class ApiError extends Error {
  constructor(status, code, text, permission) {
    super(text);
    this.status = status;
    this.code = code;
    this.permission = permission;
  }
}

// The text an error answer shows.
function explain(status, e, operator) {
  if (e.code === 'permission_missing') return t('err_permission', operator, e.permission);
  if (e.code === 'csrf') return t('err_csrf');
  if (e.code === 'session_expired') return t('err_expired');
  if (e.code === 'signed_out') return t('err_signed_out');
  if (e.code === 'wrong_credentials') return t('err_credentials');
  if (e.code === 'locked_out') return t('err_locked');
  return t('err_other', e.message || `HTTP ${status}`);
}

export let currentOperator = '';
export function setOperator(name) { currentOperator = name || ''; }

// opts.wide: without the switcher's narrowing (the switcher's own list).
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (org && !opts.wide) headers['X-Organisation'] = org;
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', t('err_network'));
  }
  let data = null;
  try { data = await res.json(); } catch (err) { data = null; }
  if (res.ok) return data;
  const e = (data && data.error) || {};
  const error = new ApiError(res.status, e.code || 'http', explain(res.status, e, currentOperator), e.permission);
  if (res.status === 401 && path !== '/v1/console/session') onSignedOut(error);
  return Promise.reject(error);
}

// The text of a GET (a report's CSV, format=csv), as the server sent it.
export async function apiText(path) {
  let res;
  try {
    const headers = { Accept: 'text/csv' };
    if (org) headers['X-Organisation'] = org;
    res = await fetch(path, { headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'network', t('err_network'));
  }
  if (res.ok) return res.text();
  const e = ((await res.json().catch(() => null)) || {}).error || {};
  throw new ApiError(res.status, e.code || 'http', explain(res.status, e, currentOperator), e.permission);
}
