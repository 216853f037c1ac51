// A small chart of each numeric metric over time, drawn with uPlot (the org.webjars.npm:uplot
// webjar, served from the service's jar at /webjars/uplot/…). The service keeps only a job's
// latest metrics (the file $JOBKIT_METRICS_FILE, read when the job is shown): there is no history
// to ask for, so the page records the values it sees while it is open (it reads a running job every
// 5 s and on every event) and charts those. Each chart has a fixed size, so points arriving never
// move the page, and an accessible name saying what it shows and the latest value.

import { el, fill } from './dom.js';

const WIDTH = 340;
const HEIGHT = 150;
const MAX_POINTS = 2000;
const EVERY_MS = 5000;

let uPlotLoad = null;
function loadUPlot() {
  uPlotLoad ??= import('../webjars/uplot/dist/uPlot.esm.js').then((m) => m.default);
  return uPlotLoad;
}

/** The metrics section: {node, record(job)}; record() adds the values of a job just read. */
export function metricsSection() {
  const charts = el('div', { id: 'metric-charts', class: 'metric-charts' });
  const note = el('p', { class: 'note' },
    'Each chart shows the values this page has seen since it opened (the service keeps only the latest).');
  const node = el('section', { 'aria-labelledby': 'metrics-h', class: 'metrics-section', hidden: true },
    el('h2', { id: 'metrics-h' }, 'Metrics'), note, charts);
  const series = new Map(); // name -> {xs, ys, figure, plot, caption}

  function describe(name, s) {
    const last = s.ys[s.ys.length - 1];
    return `${name} over time: latest ${last}, ${s.ys.length} point(s) seen`;
  }

  function add(name) {
    const id = `metric-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const plotBox = el('div', { class: 'chart-box', role: 'img' });
    const caption = el('figcaption', { class: 'note' });
    const figure = el('figure', { id, class: 'chart', 'data-metric': name }, plotBox, caption);
    charts.append(figure);
    const s = { xs: [], ys: [], figure, plotBox, caption, plot: null };
    series.set(name, s);
    loadUPlot().then((UPlot) => {
      s.plot = new UPlot({
        width: WIDTH,
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: '#4b5563', size: 30 }, { stroke: '#4b5563', size: 50 }],
        series: [{}, { label: name, stroke: '#0b57d0', width: 2, points: { show: true, size: 5, fill: '#0b57d0' } }],
      }, [s.xs, s.ys], plotBox);
    }).catch(() => {
      fill(plotBox, el('p', { class: 'note' }, 'The chart library could not be loaded; the values are listed under Details.'));
    });
    return s;
  }

  function record(job) {
    const metrics = job.metrics || {};
    const now = Date.now();
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const s = series.get(name) || add(name);
      const n = s.ys.length;
      if (n && s.ys[n - 1] === value && now - s.xs[n - 1] * 1000 < EVERY_MS) continue;
      s.xs.push(now / 1000);
      s.ys.push(value);
      if (s.xs.length > MAX_POINTS) {
        s.xs.shift();
        s.ys.shift();
      }
      s.figure.dataset.points = String(s.ys.length);
      s.figure.dataset.latest = String(value);
      const text = describe(name, s);
      s.plotBox.setAttribute('aria-label', text);
      s.caption.textContent = text;
      s.plot?.setData([s.xs, s.ys]);
    }
    node.hidden = series.size === 0;
  }

  return { node, record };
}
