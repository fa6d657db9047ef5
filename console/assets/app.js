// dtrep console: one page, routes in the URL fragment, live state from
// /api/events (Server-Sent Events). Only the visible rows are ever drawn.
'use strict';

const PAGE_SIZE = 50; // PageSize in Go
const MAX_LOG_ROWS = 5000;
const CHART_POINTS = 120;

const S = {
  session: null,               // {role, csrf}
  servers: new Map(),          // id -> ServerRow
  jobs: new Map(),             // server id -> Map(name -> JobStatus)
  live: false,
  page: null,                  // the mounted page: {update(), close()}
  history: new Map(),          // "server\0job" -> [{t, tx, ops, bytes}]
};

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const cls = (word) => String(word || '').replace(/[^A-Za-z]/g, '');
const isAdmin = () => S.session && S.session.role === 'dtadmin';
const jobKey = (server, name) => server + '\u0000' + name;

function bytes(n) {
  n = Number(n) || 0;
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
}

function conState(v) {
  if (!v) return '0 (None)';
  const words = [[1, 'Active'], [2, 'Paused'], [4, 'Scheduled'], [8, 'Error']].filter(([b]) => v & b).map(([, w]) => w);
  return v + ' (' + words.join(', ') + ')';
}

function when(t) {
  if (!t || t.startsWith('0001')) return '';
  return new Date(t).toLocaleString('en-US');
}

// ---- HTTP ----

async function api(method, path, body) {
  const opts = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (method !== 'GET') opts.headers['X-CSRF-Token'] = S.session ? S.session.csrf : '';
  if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  const resp = await fetch(path, opts);
  if (resp.status === 204) return null;
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) {
    const err = new Error(data && data.code ? `${data.code} ${data.message}${data.detail ? ': ' + data.detail : ''}` : `HTTP ${resp.status}`);
    err.status = resp.status;
    throw err;
  }
  return data;
}

function toast(text, isErr) {
  const t = $('#toast');
  t.textContent = text;
  t.className = isErr ? 'err' : '';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.add('hidden'), isErr ? 8000 : 3000);
}

function confirmBox(text) {
  return new Promise((resolve) => {
    const m = $('#modal');
    $('#modal-text').textContent = text;
    m.classList.remove('hidden');
    const done = (ok) => { m.classList.add('hidden'); $('#modal-ok').onclick = $('#modal-cancel').onclick = null; resolve(ok); };
    $('#modal-ok').onclick = () => done(true);
    $('#modal-cancel').onclick = () => done(false);
  });
}

// ---- live state ----

let events = null;
function connectEvents() {
  if (events) events.close();
  events = new EventSource('/api/events');
  events.onopen = () => setLive(true);
  events.onerror = () => setLive(false); // EventSource reconnects by itself
  events.addEventListener('server', (e) => { const r = JSON.parse(e.data); S.servers.set(r.id, r); schedule(); });
  events.addEventListener('jobs', (e) => {
    const f = JSON.parse(e.data);
    let m = S.jobs.get(f.server);
    if (!m || f.reset) { m = new Map(); S.jobs.set(f.server, m); }
    for (const j of f.upsert || []) m.set(j.spec.name, j);
    for (const n of f.remove || []) m.delete(n);
    jobsDirty = true;
    schedule();
  });
  events.addEventListener('forget', (e) => { const f = JSON.parse(e.data); S.servers.delete(f.server); S.jobs.delete(f.server); jobsDirty = true; schedule(); });
  events.addEventListener('tick', (e) => { sample(JSON.parse(e.data).time); schedule(); });
}

function setLive(on) {
  S.live = on;
  const l = $('#live');
  l.textContent = on ? 'live' : 'offline';
  l.className = 'live ' + (on ? 'on' : 'off');
}

// sample records the watched job's counters once per polling round.
function sample(t) {
  if (!S.page || !S.page.job) return;
  const { server, name } = S.page.job;
  const j = (S.jobs.get(server) || new Map()).get(name);
  if (!j) return;
  const k = jobKey(server, name);
  const h = S.history.get(k) || [];
  const c = j.counters || {};
  h.push({ t, tx: c.conBytesTx || 0, ops: c.conOpsInRepQueue || 0, bytes: (c.conBytesInRepQueue || 0) + (c.conBytesInMirQueue || 0) });
  if (h.length > CHART_POINTS + 1) h.shift();
  S.history.set(k, h);
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; if (S.page && S.page.update) S.page.update(); });
}

// ---- jobs list, sorted once per change ----

let jobsDirty = true;
let jobsSorted = [];
function allJobs() {
  if (jobsDirty) {
    jobsSorted = [];
    for (const [server, m] of S.jobs) for (const j of m.values()) jobsSorted.push({ server, j });
    jobsSorted.sort((a, b) => a.j.spec.name.localeCompare(b.j.spec.name) || a.server.localeCompare(b.server));
    jobsDirty = false;
  }
  return jobsSorted;
}

// ---- actions ----

const JOB_ACTIONS = [
  ['start', 'Start'], ['stop', 'Stop'], ['pause', 'Pause'], ['resume', 'Resume'],
  ['mirror-start', 'Start Mirror'], ['mirror-stop', 'Stop Mirror'], ['mirror-pause', 'Pause Mirror'], ['mirror-resume', 'Resume Mirror'],
  ['verify-start', 'Verify'], ['orphans-start', 'Remove Orphans'], ['restore-start', 'Restore'], ['delete', 'Delete'],
];

function actionButtons() {
  const ro = isAdmin() ? '' : ' disabled title="Read-only (dtmon) access"';
  return JOB_ACTIONS.map(([a, label]) => `<button data-action="${a}"${ro}>${label}</button>`).join('') +
    ' <select id="mirror-mode" title="Mirror mode"><option value="full">full</option><option value="diff">diff</option><option value="checksum">checksum</option></select>';
}

async function runAction(server, name, action) {
  const label = (JOB_ACTIONS.find(([a]) => a === action) || [action, action])[1];
  const srv = S.servers.get(server);
  if (!await confirmBox(`${label}: job "${name}" on ${srv ? srv.name : server}?`)) return;
  let q = '';
  if (action === 'mirror-start') q = '?mode=' + encodeURIComponent($('#mirror-mode').value);
  if (action === 'verify-start') q = '?checksum=true';
  try {
    await api('POST', `/api/servers/${encodeURIComponent(server)}/jobs/${encodeURIComponent(name)}/${action}${q}`);
    toast(`${label}: ${name} done`);
  } catch (e) {
    toast(`${label}: ${name}: ${e.message}`, true);
  }
}

// ---- pages ----

function loginPage(main) {
  main.innerHTML = `<form id="login-form" class="card login">
    <h1>Log in</h1>
    <p class="muted">Enter the console token (ConsoleAdminToken or ConsoleMonitorToken).</p>
    <input id="token" type="password" autocomplete="current-password" placeholder="token" required>
    <button class="primary" type="submit">Log in</button>
    <div id="login-err" class="formerr"></div></form>`;
  $('#login-form').onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      S.session = await api('POST', '/api/login', { token: $('#token').value });
      $('#token').value = '';
      started();
      if (location.hash === '' || location.hash === '#/login') location.hash = '#/servers'; else route();
    } catch (e) { $('#login-err').textContent = e.message; }
  };
  return {};
}

function serversPage(main) {
  let selected = null;
  main.innerHTML = `<h1>Manage Servers</h1>
    <div class="toolbar">
      <button id="add-server" ${isAdmin() ? '' : 'disabled'}>Add Servers</button>
      <button id="remove-server" disabled>Remove Server</button>
      <button id="server-logs" disabled>View Server Logs</button>
      <button id="server-jobs" disabled>View Jobs</button>
    </div>
    <form id="server-form" class="card hidden">
      <label>Name <input name="name" placeholder="(the server's own name)"></label>
      <label>Management URL <input name="url" placeholder="https://host:port" size="32"></label>
      <label>Token <input name="token" type="password" autocomplete="off"></label>
      <button class="primary" type="submit">Add</button> <button type="button" id="server-cancel">Cancel</button>
      <div id="server-err" class="formerr"></div>
    </form>
    <table id="servers-table"><thead><tr><th>Server</th><th>Health</th><th>Activity</th><th>Version</th><th>Source module</th><th>Target module</th><th>Connections</th><th>Jobs</th><th>Last contact</th></tr></thead><tbody></tbody></table>`;
  const form = $('#server-form');
  $('#add-server').onclick = () => form.classList.toggle('hidden');
  $('#server-cancel').onclick = () => form.classList.add('hidden');
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      await api('POST', '/api/servers', { name: f.get('name'), url: f.get('url'), token: f.get('token') });
      form.reset(); form.classList.add('hidden'); $('#server-err').textContent = '';
      toast('Server added');
    } catch (e) { $('#server-err').textContent = e.message; form.elements.token.value = ''; }
  };
  $('#servers-table tbody').onclick = (ev) => { const tr = ev.target.closest('tr'); if (tr) { selected = tr.dataset.id; update(); } };
  $('#remove-server').onclick = async () => {
    const s = S.servers.get(selected);
    if (!s || !await confirmBox(`Remove server ${s.name} from the console?`)) return;
    try { await api('DELETE', '/api/servers/' + encodeURIComponent(selected)); selected = null; } catch (e) { toast(e.message, true); }
  };
  $('#server-logs').onclick = () => openLogWindow(`#/logs/${encodeURIComponent(selected)}`);
  $('#server-jobs').onclick = () => { location.hash = '#/jobs?server=' + encodeURIComponent(selected); };
  function update() {
    const rows = [...S.servers.values()].sort((a, b) => (b.local ? 1 : 0) - (a.local ? 1 : 0) || a.name.localeCompare(b.name));
    $('#servers-table tbody').innerHTML = rows.map((s) => `<tr data-id="${esc(s.id)}" class="${s.id === selected ? 'sel' : ''}">
      <td>${esc(s.name)}${s.local ? ' <span class="muted">(local)</span>' : ''}<div class="muted">${esc(s.url || s.server_name)}</div></td>
      <td class="health ${cls(s.health)}">${esc(s.health)}</td>
      <td class="activity ${s.error ? 'err' : ''}">${esc(s.error || (s.jobs ? 'Replicating ' + s.jobs + ' job' + (s.jobs > 1 ? 's' : '') : 'Idle'))}</td>
      <td>${esc(s.version)}</td><td>${esc(s.source_module)}</td><td>${esc(s.target_module)}</td>
      <td class="conns">${s.connections} out, ${s.target_conns} in</td><td class="jobs">${s.jobs}</td><td>${esc(when(s.last_contact))}</td></tr>`).join('');
    const sel = S.servers.get(selected);
    $('#remove-server').disabled = !sel || sel.local || !isAdmin();
    $('#server-logs').disabled = $('#server-jobs').disabled = !sel;
  }
  update();
  return { update };
}

function jobsPage(main, params) {
  let page = 0, selected = null, filter = '', serverFilter = params.get('server') || '';
  main.innerHTML = `<h1>Manage Jobs</h1>
    <div class="toolbar">
      <input id="job-filter" placeholder="Filter by name, path or status" size="30">
      <select id="job-server"><option value="">All servers</option></select>
      <button id="create-job" ${isAdmin() ? '' : 'disabled'}>Create Job</button>
      <button id="open-job" disabled>View Job Details</button>
      <button id="job-log" disabled>View Job Log</button>
      <button id="source-log" disabled>View Source Server Log</button>
    </div>
    <div class="toolbar" id="job-actions">${actionButtons()}</div>
    <form id="create-form" class="card hidden">
      <label>Server <select name="server"></select></label>
      <label>Job name <input name="name"></label>
      <label>Source path <input name="source_path" size="28"></label>
      <label>Target (host:port) <input name="target"></label>
      <label>Target path <input name="target_path" size="28"></label>
      <label>Compression <select name="compression"><option value="0">Off</option><option value="1">Low</option><option value="2">Medium</option><option value="3">High</option></select></label>
      <label>Bandwidth (Kbps, 0 unlimited) <input name="bandwidth_kbps" value="0" size="8"></label>
      <label>Include (one per line) <textarea name="include" rows="2"></textarea></label>
      <label>Exclude (one per line) <textarea name="exclude" rows="2"></textarea></label>
      <label>Start now <input type="checkbox" name="start" checked></label>
      <button class="primary" type="submit">Create</button> <button type="button" id="create-cancel">Cancel</button>
      <div id="create-err" class="formerr"></div>
    </form>
    <div class="pager"><button id="prev">&lt;</button><span id="page-info"></span><button id="next">&gt;</button><span id="jobs-count"></span></div>
    <table id="jobs-table"><thead><tr><th>Job</th><th>Server</th><th>Source path</th><th>Target</th><th>conState</th><th>Transmit Mode</th><th>Mirror Status</th><th>Mirror</th><th>Remaining</th><th>Replication Status</th><th>Target Data State</th><th>Queue (ops)</th><th>Queue (bytes)</th><th>Error</th></tr></thead><tbody></tbody></table>`;
  const fsel = $('#job-server');
  const form = $('#create-form');
  $('#job-filter').oninput = (e) => { filter = e.target.value.toLowerCase(); page = 0; update(); };
  fsel.onchange = () => { serverFilter = fsel.value; page = 0; update(); };
  $('#prev').onclick = () => { page = Math.max(0, page - 1); update(); };
  $('#next').onclick = () => { page++; update(); };
  $('#create-job').onclick = () => {
    form.elements.server.innerHTML = [...S.servers.values()].map((s) => `<option value="${esc(s.id)}">${esc(s.name)}</option>`).join('');
    form.classList.toggle('hidden');
  };
  $('#create-cancel').onclick = () => form.classList.add('hidden');
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const num = (v) => (/^-?\d+$/.test(String(v).trim()) ? Number(v) : String(v));
    const lines = (v) => String(v).split('\n').map((s) => s.trim()).filter(Boolean);
    const spec = { name: f.get('name'), source_path: f.get('source_path'), target: f.get('target'), target_path: f.get('target_path'),
      compression: num(f.get('compression')), bandwidth_kbps: num(f.get('bandwidth_kbps')), include: lines(f.get('include')), exclude: lines(f.get('exclude')) };
    try {
      await api('POST', `/api/servers/${encodeURIComponent(f.get('server'))}/jobs?start=${f.get('start') ? 'true' : 'false'}`, spec);
      $('#create-err').textContent = ''; form.classList.add('hidden'); form.reset();
      toast(`Job ${spec.name} created`);
    } catch (e) { $('#create-err').textContent = e.message; }
  };
  $('#jobs-table tbody').onclick = (ev) => { const tr = ev.target.closest('tr'); if (tr) { selected = { server: tr.dataset.server, name: tr.dataset.name }; update(); } };
  $('#jobs-table tbody').ondblclick = () => { if (selected) location.hash = jobHash(selected.server, selected.name); };
  $('#open-job').onclick = () => { location.hash = jobHash(selected.server, selected.name); };
  $('#job-log').onclick = () => openLogWindow(`#/joblog/${encodeURIComponent(selected.server)}/${encodeURIComponent(selected.name)}`);
  $('#source-log').onclick = () => openLogWindow(`#/logs/${encodeURIComponent(selected.server)}`);
  $('#job-actions').onclick = (ev) => { const b = ev.target.closest('button[data-action]'); if (b && selected) runAction(selected.server, selected.name, b.dataset.action); };
  let serverOptions = '';
  function update() {
    const opts = [...S.servers.values()].map((s) => `<option value="${esc(s.id)}">${esc(s.name)}</option>`).join('');
    if (opts !== serverOptions) { serverOptions = opts; fsel.innerHTML = '<option value="">All servers</option>' + opts; fsel.value = serverFilter; }
    let list = allJobs();
    if (serverFilter) list = list.filter((x) => x.server === serverFilter);
    if (filter) list = list.filter(({ j }) => [j.spec.name, j.spec.source_path, j.spec.target, j.spec.target_path, j.transmit_mode, j.mirror_status, j.replication_status, j.target_data_state, j.last_error].join(' ').toLowerCase().includes(filter));
    const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    $('#page-info').textContent = `page ${page + 1} of ${pages}`;
    $('#jobs-count').textContent = `${list.length} jobs`;
    $('#prev').disabled = page === 0; $('#next').disabled = page >= pages - 1;
    $('#jobs-table tbody').innerHTML = list.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map(({ server, j }) => jobRow(server, j)).join('');
    const have = selected && (S.jobs.get(selected.server) || new Map()).has(selected.name);
    for (const id of ['open-job', 'job-log', 'source-log']) $('#' + id).disabled = !have;
    for (const b of document.querySelectorAll('#job-actions button')) b.disabled = !have || !isAdmin();
  }
  function jobRow(server, j) {
    const s = S.servers.get(server) || { name: server };
    const lost = s.health === 'Unreachable';
    const err = lost ? `server unreachable: ${s.error || ''}` : j.last_error || '';
    const c = j.counters || {};
    const sel = selected && selected.server === server && selected.name === j.spec.name;
    return `<tr data-server="${esc(server)}" data-name="${esc(j.spec.name)}" class="${sel ? 'sel' : ''}">
      <td class="name"><a href="${esc(jobHash(server, j.spec.name))}">${esc(j.spec.name)}</a></td><td>${esc(s.name)}</td>
      <td>${esc(j.spec.source_path)}</td><td>${esc(j.spec.target)}${esc(j.spec.target_path ? ' ' + j.spec.target_path : '')}</td>
      <td class="constate">${esc(conState(j.con_state))}</td>
      <td class="transmit ${cls(j.transmit_mode)}">${esc(j.transmit_mode)}</td>
      <td class="mirror ${cls(j.mirror_status)}">${esc(j.mirror_status)}</td>
      <td class="progress"><progress max="100" value="${Math.max(0, Math.min(100, j.mirror_percent || 0))}"></progress> ${(j.mirror_percent || 0).toFixed(0)}%</td>
      <td>${bytes(j.mirror_bytes_remaining)}</td>
      <td class="replication ${cls(j.replication_status)}">${esc(j.replication_status)}</td>
      <td class="tds ${cls(j.target_data_state)}">${esc(j.target_data_state)}</td>
      <td>${c.conOpsInRepQueue || 0}</td><td>${bytes((c.conBytesInRepQueue || 0) + (c.conBytesInDiskQueue || 0))}</td>
      <td class="error err">${esc(err)}</td></tr>`;
  }
  update();
  return { update };
}

function jobHash(server, name) { return `#/job/${encodeURIComponent(server)}/${encodeURIComponent(name)}`; }

function jobPage(main, server, name) {
  main.innerHTML = `<h1>Job <span id="job-name"></span> <span class="muted" id="job-server"></span></h1>
    <div class="toolbar" id="job-actions">${actionButtons()}
      <button id="job-log-window">View Job Log</button></div>
    <div class="grid">
      <div class="card"><h2>Status</h2><table class="kv" id="job-words"></table></div>
      <div class="card"><h2>Throughput (sent bytes/s)</h2><canvas id="chart-tx" width="600" height="160"></canvas>
        <h2>Queue (replication ops, queued bytes)</h2><canvas id="chart-queue" width="600" height="160"></canvas></div>
    </div>
    <div class="card"><h2>Replication service view</h2><table class="kv" id="job-view"><tr><td>loading</td></tr></table></div>
    <div class="card"><h2>Recent events</h2><div class="logwrap"><table id="job-events"><thead><tr><th>Time</th><th>Description</th><th>Service</th></tr></thead><tbody></tbody></table></div></div>
    <div class="card"><h2>Job log</h2><div id="job-log-panel"></div></div>`;
  $('#job-name').textContent = name;
  $('#job-actions').onclick = (ev) => { const b = ev.target.closest('button[data-action]'); if (b) runAction(server, name, b.dataset.action); };
  $('#job-log-window').onclick = () => openLogWindow(`#/joblog/${encodeURIComponent(server)}/${encodeURIComponent(name)}`);
  const panel = logPanel($('#job-log-panel'), server, name);
  const evs = logPanel(null, server, '', (entry) => entry.message.includes(name), $('#job-events tbody'));
  let detailTimer = 0;
  async function loadDetail() {
    try {
      const d = await api('GET', `/api/servers/${encodeURIComponent(server)}/jobs/${encodeURIComponent(name)}`);
      const c = d.connection;
      const items = c ? Object.entries(c.items || {}) : [];
      if (c) for (const p of c.paths || []) items.push(['Path', p.Path + ' (' + p.Attributes + ')']);
      if (c && c.change_capture) items.push(['Change capture', c.change_capture]);
      $('#job-view').innerHTML = items.length ? items.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('') : '<tr><td>No connection</td></tr>';
    } catch (e) { $('#job-view').innerHTML = `<tr><td class="err">${esc(e.message)}</td></tr>`; }
    detailTimer = setTimeout(loadDetail, 2000);
  }
  loadDetail();
  function update() {
    const s = S.servers.get(server) || { name: server };
    $('#job-server').textContent = 'on ' + s.name;
    const j = (S.jobs.get(server) || new Map()).get(name);
    const ro = !j || !isAdmin();
    for (const b of document.querySelectorAll('#job-actions button[data-action]')) b.disabled = ro;
    if (!j) { $('#job-words').innerHTML = '<tr><td class="err">No such job (deleted?)</td></tr>'; return; }
    const c = j.counters || {};
    const rows = [['Transmit Mode', j.transmit_mode], ['Mirror Status', j.mirror_status], ['Mirror progress', `${(j.mirror_percent || 0).toFixed(1)}%, ${bytes(j.mirror_bytes_remaining)} remaining`],
      ['Replication Status', j.replication_status], ['Target Data State', j.target_data_state], ['conState', conState(j.con_state)],
      ['Connection ID', j.connection_id || ''], ['Connected since', when(j.connected_since)], ['Source path', j.spec.source_path], ['Change capture', j.change_capture || ''], ['Target', j.spec.target + ' ' + j.spec.target_path],
      ['Queued (ops)', c.conOpsInRepQueue || 0], ['Sent (bytes)', bytes(c.conBytesTx)], ['Disk queue', bytes(c.conBytesInDiskQueue)], ['Last error', j.last_error || (s.health === 'Unreachable' ? 'server unreachable: ' + s.error : '')]];
    $('#job-words').innerHTML = rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td class="${cls(v)}" data-item="${esc(k)}">${esc(v)}</td></tr>`).join('');
    const h = S.history.get(jobKey(server, name)) || [];
    const rate = [];
    for (let i = 1; i < h.length; i++) rate.push(Math.max(0, (h[i].tx - h[i - 1].tx) / Math.max(0.001, (h[i].t - h[i - 1].t) / 1000)));
    drawChart($('#chart-tx'), [{ values: rate, color: '#1f5fa8', label: (v) => bytes(v) + '/s' }]);
    drawChart($('#chart-queue'), [{ values: h.map((p) => p.ops), color: '#a86a00', label: (v) => v + ' ops' }, { values: h.map((p) => p.bytes), color: '#2c7a3f', label: bytes }]);
  }
  update();
  return { update, job: { server, name }, close() { clearTimeout(detailTimer); panel.close(); evs.close(); } };
}

function drawChart(canvas, series) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px sans-serif';
  series.forEach((s, k) => {
    const max = Math.max(1, ...s.values);
    ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.beginPath();
    s.values.forEach((v, i) => {
      const x = W - (s.values.length - 1 - i) * (W / CHART_POINTS);
      const y = H - 14 - (v / max) * (H - 28);
      if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    });
    ctx.stroke();
    ctx.fillStyle = s.color;
    const last = s.values.length ? s.values[s.values.length - 1] : 0;
    ctx.fillText(`now ${s.label(last)}  max ${s.label(max)}`, 6, 12 + k * 13);
  });
}

// logPanel is a log window: chapter 2's Start/Pause/Copy/Clear, Filter,
// level, and the Time/Description/Service columns. With a body it only
// fills that table (the job page's recent events) through keep().
function logPanel(root, server, job, keep, body) {
  let paused = false, held = [], failing = false;
  if (root) {
    root.innerHTML = `<div class="toolbar">
      <button id="log-start" disabled>Start</button><button id="log-pause">Pause</button>
      <button id="log-copy">Copy</button><button id="log-clear">Clear</button>
      <select id="log-filter" ${job ? 'class="hidden"' : ''}><option value="">All messages</option><option value="Double-Take">Double-Take engine</option><option value="Management Service">Double-Take Management Service</option></select>
      <select id="log-level"><option value="">All levels</option><option value="1">Warnings and errors</option><option value="2">Information</option></select>
      <span id="log-status" class="muted"></span></div>
      <div class="logwrap"><table id="log-table"><thead><tr><th>Time</th><th>Description</th><th>Service</th></tr></thead><tbody></tbody></table></div>`;
    body = $('#log-table tbody', root);
  }
  const status = (t, err) => { if (root) { const s = $('#log-status', root); s.textContent = t; s.className = err ? 'err' : 'muted'; } };
  const visible = (tr) => {
    if (!root) return true;
    const svc = $('#log-filter', root).value, lvl = $('#log-level', root).value;
    return (!svc || tr.dataset.service === svc) && (!lvl || tr.dataset.type === lvl);
  };
  const add = (entries) => {
    const wrap = body.closest('.logwrap');
    const atEnd = !wrap || wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 4;
    const frag = document.createDocumentFragment();
    for (const e of entries) {
      if (keep && !keep(e)) continue;
      const tr = document.createElement('tr');
      tr.dataset.service = e.service; tr.dataset.type = String(e.type);
      tr.innerHTML = `<td>${esc(when(e.time))}</td><td class="msg ${e.type === 1 ? 'err' : ''}">${esc(e.message)}</td><td>${esc(e.service === 'Double-Take' ? 'Double-Take' : e.service)}</td>`;
      if (!visible(tr)) tr.classList.add('hidden');
      frag.appendChild(tr);
    }
    body.appendChild(frag);
    while (body.rows.length > MAX_LOG_ROWS) body.deleteRow(0);
    if (wrap && atEnd) wrap.scrollTop = wrap.scrollHeight;
  };
  const q = job ? '?job=' + encodeURIComponent(job) : '';
  const es = new EventSource(`/api/servers/${encodeURIComponent(server)}/logs${q}`);
  es.addEventListener('lines', (e) => { const l = JSON.parse(e.data); if (paused) { held.push(...l); status(`paused, ${held.length} new`); } else add(l); });
  es.addEventListener('failure', (e) => { failing = true; status(JSON.parse(e.data).message, true); });
  es.onerror = () => { if (!failing) status('connection to the console lost; retrying', true); };
  es.addEventListener('recovered', () => { failing = false; status(''); });
  es.onopen = () => { if (!failing) status(''); };
  if (root) {
    $('#log-pause', root).onclick = () => { paused = true; $('#log-pause', root).disabled = true; $('#log-start', root).disabled = false; status('paused'); };
    $('#log-start', root).onclick = () => { paused = false; add(held); held = []; $('#log-pause', root).disabled = false; $('#log-start', root).disabled = true; status(''); };
    $('#log-clear', root).onclick = () => { body.innerHTML = ''; held = []; };
    const refilter = () => { for (const tr of body.rows) tr.classList.toggle('hidden', !visible(tr)); };
    $('#log-filter', root).onchange = refilter;
    $('#log-level', root).onchange = refilter;
    body.onclick = (ev) => { const tr = ev.target.closest('tr'); if (tr) tr.classList.toggle('sel'); };
    $('#log-copy', root).onclick = async () => {
      let rows = [...body.querySelectorAll('tr.sel:not(.hidden)')];
      if (!rows.length) rows = [...body.querySelectorAll('tr:not(.hidden)')];
      const text = rows.map((tr) => [...tr.cells].map((td) => td.textContent).join('\t')).join('\n');
      try { await navigator.clipboard.writeText(text); } catch (e) {
        const ta = document.createElement('textarea'); ta.value = text; document.body.appendChild(ta); ta.select(); document.execCommand('copy'); ta.remove();
      }
      root.dataset.copied = String(rows.length);
      toast(`Copied ${rows.length} lines`);
    };
  }
  return { close() { es.close(); } };
}

function logsPage(main, server, job) {
  const s = S.servers.get(server);
  main.innerHTML = `<h1 id="log-title"></h1><div id="log-panel"></div>`;
  $('#log-title').textContent = job ? `Job logs: ${job}` : `Server logs: ${s ? s.name : server}`;
  document.title = $('#log-title').textContent + ' - dtrep console';
  const p = logPanel($('#log-panel'), server, job);
  return { close: p.close };
}

function openLogWindow(hash) {
  // A separate window, as the reference's log windows are; the console
  // keeps working behind it.
  const w = window.open(location.pathname + hash, '_blank', 'noopener,width=1000,height=700');
  if (!w) location.hash = hash;
}

// ---- routing ----

function route() {
  if (S.page && S.page.close) S.page.close();
  S.page = null;
  const main = $('#main');
  if (!S.session) { S.page = loginPage(main); return; }
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + parts[0]);
  switch (parts[0]) {
    case 'jobs': S.page = jobsPage(main, new URLSearchParams(query || '')); break;
    case 'job': S.page = jobPage(main, parts[1], parts.slice(2).join('/')); break;
    case 'logs': S.page = logsPage(main, parts[1], ''); break;
    case 'joblog': S.page = logsPage(main, parts[1], parts.slice(2).join('/')); break;
    default: S.page = serversPage(main);
  }
}

function started() {
  $('#who').textContent = S.session.role === 'dtadmin' ? 'dtadmin (may act)' : 'dtmon (read-only)';
  $('#logout').classList.remove('hidden');
  connectEvents();
}

async function boot() {
  $('#logout').onclick = async () => { try { await api('POST', '/api/logout'); } finally { location.hash = '#/login'; location.reload(); } };
  try { S.session = await api('GET', '/api/session'); started(); } catch (e) { S.session = null; }
  window.addEventListener('hashchange', route);
  route();
}

boot();
