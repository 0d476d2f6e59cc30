// The last 30 days' use as SVG bars (no library: a few shapes), with a
// text description for screen readers; the table beside it is the
// alternative.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

// rows: [{day, use (milli-units)}]; label: the chart's accessible name.
export function usageChart(rows, label) {
  const w = 340, h = 140, pad = 18;
  const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': label, class: 'chart' });
  const max = Math.max(1, ...rows.map((r) => Number(r.use) || 0));
  const bw = (w - 2 * pad) / Math.max(rows.length, 1);
  rows.forEach((r, i) => {
    const v = Number(r.use) || 0, bh = ((h - 2 * pad) * v) / max;
    const bar = el('rect', { x: pad + i * bw + 1, y: h - pad - bh, width: Math.max(bw - 2, 1), height: bh, class: 'bar' });
    const tip = el('title', {});
    tip.textContent = `${r.day}: ${(v / 1000).toFixed(2)}`;
    bar.appendChild(tip);
    svg.appendChild(bar);
  });
  svg.appendChild(el('line', { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, class: 'axis' }));
  return svg;
}
