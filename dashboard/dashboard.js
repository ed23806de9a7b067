// The Weir dashboard: a plain ES module reading the REST API of the server that serves it. Updates
// arrive as server-sent events (GET /jobs/:jobid/updates, once a second), read with fetch so the
// token goes in a header (EventSource cannot send one); where the stream fails it polls instead.
// The job graph is laid out by dagre, the charts drawn by uPlot (both loaded as globals by
// index.html). Every name shown comes from the job and is written as text, never as HTML.

const POLL_MS = 1000;
/** Points of the throughput chart: five minutes at one a second. */
const HISTORY = 300;
const NODE_W = 210;
const NODE_H = 104;
const SVG = 'http://www.w3.org/2000/svg';
/** Flink's "no watermark yet" (Long.MIN_VALUE) arrives as a number about this small. */
const NO_WATERMARK = -9e18;

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('weir-token') ?? '';
let jobId = decodeURIComponent(location.hash.slice(1));
/** The job whose graph is drawn, with its vertices' SVG elements by vertex id. */
let drawn = { jobId: '', vertices: new Map(), sources: [], sinks: [] };
let chart;
let lagChart;
let history = [[], [], []];
let lagHistory = [[], []];
/** Aborts the update stream of the job shown, when another is picked. */
let streaming;
let lastDetail;

async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401) {
    $('login').hidden = false;
    throw new Error('The server needs its token');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body.errors ?? [res.statusText]).join('; '));
  return body;
}

function say(text) {
  $('message').textContent = text;
}

const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const num = (n) => fmt.format(n);
const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
const time = (ms) => new Date(ms).toISOString().slice(11, 19);

function watermarkText(v) {
  const w = v.currentInputWatermark > NO_WATERMARK ? v.currentInputWatermark : v.currentOutputWatermark;
  if (!(w > NO_WATERMARK)) return 'no watermark';
  if (w >= Number.MAX_SAFE_INTEGER) return 'watermark: end';
  const lag = (Date.now() - w) / 1000;
  return `wm ${time(w)} (lag ${lag < 100 ? lag.toFixed(1) : num(lag)} s)`;
}

function svg(tag, attrs, parent) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

/** Lays out the plan's nodes left to right and draws them; the texts are filled by `update`. */
function drawGraph(plan) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of plan.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const n of plan.nodes) for (const i of n.inputs) g.setEdge(i.id, n.id, { label: i.ship_strategy, width: 60, height: 14 });
  dagre.layout(g);
  const root = $('graph');
  root.replaceChildren();
  const defs = svg('defs', {}, root);
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#90a4ae' }, marker);
  for (const e of g.edges()) {
    const edge = g.edge(e);
    const group = svg('g', { class: 'edge' }, root);
    svg('path', { d: 'M' + edge.points.map((p) => `${p.x},${p.y}`).join(' L') }, group);
    const label = svg('text', { x: edge.x, y: edge.y, 'text-anchor': 'middle' }, group);
    label.textContent = edge.label;
  }
  const vertices = new Map();
  for (const n of plan.nodes) {
    const box = g.node(n.id);
    const group = svg('g', { class: 'vertex ok', 'data-id': n.id, transform: `translate(${box.x - NODE_W / 2},${box.y - NODE_H / 2})` }, root);
    svg('rect', { width: NODE_W, height: NODE_H }, group);
    const line = (y, cls) => svg('text', { x: 10, y, class: cls }, group);
    const name = line(20, 'name');
    name.textContent = n.description;
    group.setAttribute('data-name', n.description);
    vertices.set(n.id, { group, parallelism: line(38, 'parallelism'), rates: line(55, 'rates'), times: line(72, 'times'), watermark: line(89, 'watermark') });
  }
  const graph = g.graph();
  root.setAttribute('viewBox', `0 0 ${graph.width} ${graph.height}`);
  root.style.height = `${Math.max(300, graph.height)}px`;
  const consumed = new Set(plan.nodes.flatMap((n) => n.inputs.map((i) => i.id)));
  drawn = {
    jobId,
    vertices,
    sources: plan.nodes.filter((n) => n.inputs.length === 0).map((n) => n.id),
    sinks: plan.nodes.filter((n) => !consumed.has(n.id)).map((n) => n.id),
  };
  history = [[], [], []];
  lagHistory = [[], []];
}

function updateGraph(detail) {
  for (const v of detail.vertices) {
    const el = drawn.vertices.get(v.id);
    if (!el) continue;
    el.group.setAttribute('class', `vertex ${v.backpressureLevel ?? 'ok'}`);
    el.parallelism.textContent = `parallelism ${v.parallelism}`;
    el.times.textContent = `busy ${v.busyTimeMsPerSecond ?? 0} · back-pressured ${v.backPressuredTimeMsPerSecond ?? 0} ms/s`;
    el.rates.textContent = `in ${num(v.metrics['read-records-per-second'])}/s · out ${num(v.metrics['write-records-per-second'])}/s`;
    el.watermark.textContent = watermarkText(v);
  }
}

function updateChart(detail) {
  const byId = new Map(detail.vertices.map((v) => [v.id, v]));
  const sum = (ids, f) => ids.reduce((s, id) => s + (byId.get(id) ? f(byId.get(id)) : 0), 0);
  history[0].push(detail.now / 1000);
  history[1].push(sum(drawn.sources, (v) => v.metrics['write-records-per-second']));
  history[2].push(sum(drawn.sinks, (v) => v.metrics['read-records-per-second']));
  if (history[0].length > HISTORY) for (const s of history) s.shift();
  const out = sum(drawn.sources, (v) => v.metrics['write-records']);
  $('totals').textContent = `${num(out)} records read`;
  $('totals').dataset.records = String(out);
  if (!chart) {
    const width = Math.max(300, $('chart').clientWidth - 10);
    chart = new uPlot(
      { width, height: 220, series: [{}, { label: 'out of sources', stroke: '#1e88e5', width: 2 }, { label: 'into sinks', stroke: '#43a047', width: 2 }] },
      history,
      $('chart'),
    );
  } else chart.setData(history);
}

/** Event-time lag: the wall clock minus the watermark every sink has passed, in seconds. */
function updateLagChart(now, lagMs) {
  lagHistory[0].push(now / 1000);
  lagHistory[1].push(lagMs === null ? null : lagMs / 1000);
  if (lagHistory[0].length > HISTORY) for (const s of lagHistory) s.shift();
  $('lag').textContent = lagMs === null ? 'no watermark' : `${(lagMs / 1000).toFixed(1)} s`;
  if (!lagChart) {
    const width = Math.max(300, $('lag-chart').clientWidth - 10);
    lagChart = new uPlot({ width, height: 160, series: [{}, { label: 'watermark lag (s)', stroke: '#8e24aa', width: 2 }] }, lagHistory, $('lag-chart'));
  } else lagChart.setData(lagHistory);
}

function updateCheckpoints(cps) {
  const rows = (cps.history ?? []).map((c) => {
    const tr = document.createElement('tr');
    tr.dataset.id = String(c.id);
    const cells = [
      c.id,
      c.is_savepoint ? 'savepoint' : 'checkpoint',
      c.status,
      time(c.trigger_timestamp),
      `${num(c.end_to_end_duration)} ms`,
      bytes(c.state_size),
      `${num(c.alignment_duration)} ms`,
      c.external_path ?? c.failure_message ?? '',
    ];
    for (const v of cells) {
      const td = document.createElement('td');
      td.textContent = String(v);
      tr.appendChild(td);
    }
    tr.children[2].className = c.status;
    tr.lastElementChild.title = cells.at(-1);
    return tr;
  });
  $('checkpoints').tBodies[0].replaceChildren(...rows);
}

function updateExceptions(ex) {
  const items = (ex.exceptionHistory?.entries ?? []).map((e) => {
    const li = document.createElement('li');
    li.textContent = `${new Date(e.timestamp).toISOString()}  ${e.stacktrace}`;
    return li;
  });
  $('exceptions').replaceChildren(...items);
}

function updateJobs(jobs) {
  if (!jobs.some((j) => j.jid === jobId)) jobId = (jobs.find((j) => j.state === 'RUNNING') ?? jobs.at(-1))?.jid ?? '';
  const select = $('job');
  select.replaceChildren(
    ...jobs.map((j) => {
      const o = document.createElement('option');
      o.value = j.jid;
      o.textContent = `${j.name} (${j.state})`;
      o.selected = j.jid === jobId;
      return o;
    }),
  );
}

function updateButtons(detail) {
  const running = detail.state === 'RUNNING';
  $('savepoint').disabled = !running || !detail.isStoppable;
  $('stop').disabled = !running || !detail.isStoppable;
  $('cancel').disabled = !running;
  const state = $('state');
  state.textContent = detail.state;
  state.className = `state ${detail.state}`;
}

/** Draws one update: what GET /jobs/:jobid/updates sends, or what polling put together. */
function apply(u) {
  lastDetail = u.detail;
  updateGraph(u.detail);
  updateChart(u.detail);
  updateLagChart(u.detail.now, u.watermarkLagMs);
  updateCheckpoints(u.checkpoints);
  updateExceptions(u.exceptions);
  updateButtons(u.detail);
}

/** Reads the job's update stream until it ends (the job ended) or fails; resolves false on failure. */
async function stream(job, signal) {
  const headers = { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`/jobs/${job}/updates`, { headers, signal });
  if (res.status === 401) $('login').hidden = false;
  if (!res.ok || !res.body) return false;
  $('live').textContent = 'live';
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    buffer += value;
    // Events end with a blank line; a data line carries the JSON of one update.
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      const u = JSON.parse(data);
      updateJobs(u.jobs);
      if (drawn.jobId !== job) drawGraph((await api(`/jobs/${job}/plan`)).plan);
      apply(u);
    }
  }
}

/** One round of polling, where the stream cannot be had. */
async function poll() {
  updateJobs((await api('/jobs/overview')).jobs);
  if (!jobId) return;
  if (drawn.jobId !== jobId) drawGraph((await api(`/jobs/${jobId}/plan`)).plan);
  const [detail, checkpoints, exceptions] = await Promise.all([api(`/jobs/${jobId}`), api(`/jobs/${jobId}/checkpoints`), api(`/jobs/${jobId}/exceptions`)]);
  apply({ detail, checkpoints, exceptions, watermarkLagMs: null });
}

/** Follows the picked job: its stream while it lasts, else a poll a second; again when the job changes. */
async function follow() {
  for (;;) {
    const job = jobId;
    const abort = new AbortController();
    streaming = abort;
    let streamed = false;
    try {
      if (!job) updateJobs((await api('/jobs/overview')).jobs);
      else streamed = await stream(job, abort.signal);
    } catch (e) {
      if (!abort.signal.aborted) say(String(e.message ?? e));
    }
    if (!streamed && jobId) {
      $('live').textContent = 'polling';
      try {
        await poll();
      } catch (e) {
        say(String(e.message ?? e));
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Triggers a savepoint (or a stop) and follows its request until it completes or fails. */
async function savepoint(path, what) {
  const job = jobId;
  try {
    const { 'request-id': id } = await api(`/jobs/${job}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    say(`${what}: in progress`);
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const r = await api(`/jobs/${job}/savepoints/${id}`);
      if (r.status.id !== 'IN_PROGRESS') {
        say(
          r.operation?.location
            ? `${what} completed: ${r.operation.location}`
            : `${what} failed: ${r.operation?.['failure-cause']?.['stack-trace'] ?? 'unknown'}`,
        );
        return;
      }
    }
  } catch (e) {
    say(`${what} failed: ${e.message ?? e}`);
  }
}

$('savepoint').addEventListener('click', () => savepoint('savepoints', 'Savepoint'));
$('stop').addEventListener('click', () => {
  if (confirm(`Stop ${lastDetail?.name ?? 'the job'} with a savepoint?`)) void savepoint('stop', 'Stop');
});
$('cancel').addEventListener('click', async () => {
  if (!confirm(`Cancel ${lastDetail?.name ?? 'the job'}?`)) return;
  try {
    await api(`/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
    say('Cancelling');
  } catch (e) {
    say(`Cancel failed: ${e.message ?? e}`);
  }
});
$('job').addEventListener('change', (e) => {
  jobId = e.target.value;
  location.hash = jobId;
  streaming?.abort();
});
$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token').value;
  sessionStorage.setItem('weir-token', token);
  $('login').hidden = true;
  say('');
});

void follow();
