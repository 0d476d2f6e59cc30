// Every text of the phone page in Chinese and English; the choice is kept
// in the browser. Money is fen, shown as CNY 12.34 / ¥12.34.
const texts = {
  zh: {
    title: '电表充值', lang: 'English', find: '查找我的电表', meter: '电表号', digits: '户号后四位',
    digitsHint: '见账单或通知上的户号', go: '查询', notFound: '电表号或户号后四位不对，请核对账单或通知。',
    slow: (s) => `尝试次数过多，请 ${s} 秒后再试。`, expired: '会话已过期，请重新查询。', failed: '出错了，请稍后再试。',
    balance: '余额', lastRead: '最近抄表', noReading: '暂无读数', usage: '最近 30 天用量', table: '以表格查看',
    day: '日期', use: '用量', topups: '最近充值', when: '时间', how: '方式', amount: '金额', none: '暂无',
    pay: '充值', chooseAmount: '选择金额', payWith: { wechat: '微信支付', alipay: '支付宝' }, noPay: '暂不支持手机充值',
    progress: '充值进度', stages: { pending: '等待付款', paid: '已付款', sent: '已发送到站点终端', done: '已到账电表', failed: '未能到账，请联系供电单位', closed: '订单已关闭', refunding: '未能到账，正在原路退款', refunded: '未能到账，款项已原路退回', checking: '正在核实是否已到账，未到账将原路退款' },
    newBalance: '新余额', back: '返回', another: '换一个电表',
    methods: { cash: '现金', card: '银行卡', qr: '扫码', central: '线上', counter: '柜台' },
  },
  en: {
    title: 'My meter', lang: '中文', find: 'Find my meter', meter: 'Meter number', digits: 'Last 4 digits of the customer number',
    digitsHint: 'On your bill or notice', go: 'Find', notFound: 'That meter number and those digits do not match: check your bill or notice.',
    slow: (s) => `Too many tries: try again in ${s} s.`, expired: 'Your session ended: find your meter again.', failed: 'Something went wrong: try again later.',
    balance: 'Balance', lastRead: 'Last read', noReading: 'not read yet', usage: 'Use over the last 30 days', table: 'Show as a table',
    day: 'Day', use: 'Use', topups: 'Recent top-ups', when: 'When', how: 'How', amount: 'Amount', none: 'none yet',
    pay: 'Top up', chooseAmount: 'Choose an amount', payWith: { wechat: 'WeChat Pay', alipay: 'Alipay' }, noPay: 'Paying by phone is not available',
    progress: 'Your top-up', stages: { pending: 'Waiting for payment', paid: 'Paid', sent: 'Sent to the site kiosk', done: 'On the meter', failed: 'Not delivered: contact the utility', closed: 'Order closed', refunding: 'Not delivered: your money is being refunded', refunded: 'Not delivered: your money was refunded', checking: 'Checking whether it reached the meter: if not, your money is refunded' },
    newBalance: 'New balance', back: 'Back', another: 'Another meter',
    methods: { cash: 'cash', card: 'card', qr: 'QR', central: 'online', counter: 'counter' },
  },
};

let lang = localStorage.getItem('phone.lang') || (navigator.language?.startsWith('zh') ? 'zh' : 'en');

export const t = () => texts[lang];
export const currentLang = () => lang;
export function switchLang() {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('phone.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}
export const money = (fen) => `¥${(fen / 100).toFixed(2)}`;
