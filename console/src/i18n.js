// The console's two languages: every text the pages show, by key. The
// choice is kept in the browser (localStorage) and switched on every page.
const texts = {
  en: {
    title: 'Back office console',
    signin: 'Sign in', signout: 'Sign out', operator: 'Operator', password: 'Password',
    signin_lead: 'Staff of the utility and the property manager: sign in with your operator name and console password.',
    signed_in_as: 'Signed in as', nav: 'Sections', lang: '中文', lang_label: 'Switch to Chinese',
    overview: 'Overview', kiosks: 'Kiosks', staff: 'Staff',
    overview_lead: 'Today at a glance: the fleet, open alerts, meters cut off or running low, and sales since midnight (site time).',
    kiosks_online: 'Kiosks online', kiosks_offline: 'Kiosks offline', alerts_open: 'Open alerts',
    meters_cut_off: 'Meters cut off', meters_below_alarm: (l) => `Meters below the alarm level (${l})`,
    sales_today: 'Sales today by method', no_sales: 'No sales yet today: they appear as kiosks upload them.',
    method: 'Method', currency: 'Currency', sales: 'Sales', amount: 'Amount',
    kiosks_lead: 'The fleet’s health from each kiosk’s last heartbeat, and the alerts staff must see.',
    fleet: 'Fleet', kiosk: 'Kiosk', site: 'Site', state: 'State', last_heartbeat: 'Last heartbeat',
    cashbox: 'Cash box', paper: 'Paper', last_error: 'Last error', software: 'Software',
    no_kiosks: 'No kiosks yet: add one with `backoffice kiosk add` or enrol one with a code.',
    alerts: 'Alerts', open_only: 'Open only', about: 'About', at: 'At', kind: 'Kind', severity: 'Severity',
    evidence: 'Evidence', acknowledge: 'Acknowledge', ack_title: 'Acknowledge alert', reason: 'Reason',
    ack_confirm: 'Acknowledge', cancel: 'Cancel', ack_needs: 'Needs the permission diagnostics; audited with your name.',
    no_alerts: 'No alerts: nothing needs attention.', acked: 'Alert acknowledged.',
    staff_lead: 'Central operators, their permission groups, and the audit log of every change.',
    operators: 'Operators', groups: 'Permission groups', group: 'Group', name: 'Name', perms: 'Permissions',
    updated: 'Updated', audit: 'Audit log', actor: 'Actor', action: 'Action', target: 'Target', detail: 'Detail',
    since: 'Since', search: 'Search', filter: 'Filter', no_rows: 'Nothing matches.',
    rows: (n) => `${n.toLocaleString('en')} ${n === 1 ? 'row' : 'rows'}`, page: (p, n) => `Page ${p} of ${n}`, prev: 'Previous', next: 'Next',
    csv: 'Export CSV', sort_by: 'Sort by', loading: 'Loading…', retry: 'Retry',
    online: 'online', offline: 'offline', active: 'active', disabled: 'disabled', open: 'open',
    acknowledged: 'acknowledged', cleared: 'cleared',
    err_network: 'The back office did not answer. Check the network and retry.',
    err_signed_out: 'You are signed out. Sign in again.',
    err_expired: 'Your session expired. Sign in again.',
    err_permission: (op, p) => `Operator ${op} may not do this: it needs the permission “${p}”. Ask an administrator.`,
    err_csrf: 'The page was out of date and the change was refused. Reload the page and try again.',
    err_credentials: 'Wrong operator name or password. After 5 wrong passwords in a row the operator is locked out for 30 minutes.',
    err_locked: 'This operator is locked out after 5 wrong passwords. Wait 30 minutes or ask an administrator for a new password.',
    err_other: (m) => `The back office refused: ${m}`,
  },
  zh: {
    title: '后台管理控制台',
    signin: '登录', signout: '退出登录', operator: '操作员', password: '密码',
    signin_lead: '公用事业和物业工作人员：请使用操作员名称和控制台密码登录。',
    signed_in_as: '当前操作员', nav: '栏目', lang: 'English', lang_label: '切换到英文',
    overview: '概览', kiosks: '自助终端', staff: '人员',
    overview_lead: '今日概况：终端状态、未处理告警、断电和余额不足的表，以及今日零点（站点时间）以来的销售。',
    kiosks_online: '在线终端', kiosks_offline: '离线终端', alerts_open: '未处理告警',
    meters_cut_off: '已断电/关阀的表', meters_below_alarm: (l) => `低于报警金额的表（${l}）`,
    sales_today: '今日销售（按支付方式）', no_sales: '今天还没有销售：终端上传后会显示在这里。',
    method: '支付方式', currency: '币种', sales: '笔数', amount: '金额',
    kiosks_lead: '根据每台终端最近一次心跳显示运行状况，以及需要处理的告警。',
    fleet: '终端列表', kiosk: '终端', site: '站点', state: '状态', last_heartbeat: '最近心跳',
    cashbox: '钱箱', paper: '打印纸', last_error: '最近错误', software: '软件版本',
    no_kiosks: '还没有终端：用 `backoffice kiosk add` 添加，或用注册码注册。',
    alerts: '告警', open_only: '只看未处理', about: '对象', at: '时间', kind: '类型', severity: '级别',
    evidence: '详情', acknowledge: '确认', ack_title: '确认告警', reason: '原因',
    ack_confirm: '确认', cancel: '取消', ack_needs: '需要 diagnostics 权限；将以您的名义记入审计日志。',
    no_alerts: '没有告警：无需处理。', acked: '告警已确认。',
    staff_lead: '中心操作员、权限组，以及每一次变更的审计日志。',
    operators: '操作员', groups: '权限组', group: '权限组', name: '名称', perms: '权限',
    updated: '更新时间', audit: '审计日志', actor: '操作人', action: '动作', target: '对象', detail: '详情',
    since: '起始日期', search: '搜索', filter: '筛选', no_rows: '没有符合条件的记录。',
    rows: (n) => `共 ${n.toLocaleString('zh-CN')} 条`, page: (p, n) => `第 ${p} / ${n} 页`, prev: '上一页', next: '下一页',
    csv: '导出 CSV', sort_by: '排序', loading: '加载中…', retry: '重试',
    online: '在线', offline: '离线', active: '启用', disabled: '停用', open: '未处理',
    acknowledged: '已确认', cleared: '已恢复',
    err_network: '后台没有响应。请检查网络后重试。',
    err_signed_out: '您已退出登录，请重新登录。',
    err_expired: '登录已过期，请重新登录。',
    err_permission: (op, p) => `操作员 ${op} 无权执行此操作：需要权限“${p}”。请联系管理员。`,
    err_csrf: '页面已过期，变更被拒绝。请刷新页面后重试。',
    err_credentials: '操作员名称或密码错误。连续输错 5 次将锁定该操作员 30 分钟。',
    err_locked: '该操作员因连续 5 次密码错误已被锁定。请等待 30 分钟，或请管理员设置新密码。',
    err_other: (m) => `后台拒绝了请求：${m}`,
  },
};

// More texts by key for both languages (the pages of a later pass keep
// theirs in files of their own).
export function addTexts(en, zh) {
  Object.assign(texts.en, en);
  Object.assign(texts.zh, zh);
}

let lang = (() => {
  try {
    const saved = localStorage.getItem('console.lang');
    if (saved === 'en' || saved === 'zh') return saved;
  } catch (e) { /* storage off: the browser's language */ }
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
})();

export function getLang() { return lang; }

export function setLang(l) {
  lang = l;
  try { localStorage.setItem('console.lang', l); } catch (e) { /* kept for this page only */ }
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

// The text of key in the current language; a function's text with args.
export function t(key, ...args) {
  const v = texts[lang][key] ?? texts.en[key] ?? key;
  return typeof v === 'function' ? v(...args) : v;
}

// Money in minor units as "CNY 12.34" (always two decimals, with the currency).
export function money(minor, currency) {
  const n = Number(minor) || 0;
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  const whole = Math.floor(a / 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  return `${currency || ''} ${sign}${whole}.${String(a % 100).padStart(2, '0')}`.trim();
}

setLang(lang);
