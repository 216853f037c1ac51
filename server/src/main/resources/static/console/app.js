// The Jobkit web console: sign-in, the jobs table (live, with filters and the guarded flush), a
// job's page (live, with its log, metrics charts, results, share links, the guarded stop and
// delete), and a job opened read-only with a share link. Hash routes:
// #/jobs[?status=…&owner=…&name=…&tag=…&app=…&created_from=…&created_until=…], #/jobs/<id>,
// #/sign-in, #/share/<id>/<token> (kept in the tab, then shown as #/shared/<id>).

import {
  ApiError, apiKey, call, forgetKey, forgetShare, get, openStream, saveKey, saveShare, share,
  whenUnauthorized,
} from './api.js';
import { el, fill, span, when } from './dom.js';
import { closeConfirm, guardedDelete, guardedFlush } from './guarded.js';
import { metricsSection } from './metrics.js';
import { ALIASES, TERMINAL, statusOf, stopAllowed, stopEffect, stopPrecheck } from './precheck.js';
import { resultsSection } from './results.js';
import { sharesSection } from './shares.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');

const STATUSES = [
  'AWAITING_PARENTS', 'QUEUED', 'CLAIMED', 'STAGED_IN', 'PREPROCESSED', 'RUNNING', 'RUN_DONE',
  'POSTPROCESSED', 'STAGED_OUT', 'RUN_ERROR', 'RUN_TIMEOUT', 'RESTART_READY', 'CANCEL_REQUESTED',
  'SUCCEEDED', 'FAILED', 'CANCELED',
];
const ACTIVE = STATUSES.filter((s) => !TERMINAL.has(s));
const PAGE_SIZE = 50;

/** The start of a local day (YYYY-MM-DD) as an RFC 3339 time, `days` later; null for none. */
function dayStart(date, days = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).toISOString();
}

/**
 * The API's filter parameters of the jobs page's filters. The dates are local days, both
 * included: created_from is sent as created_after the last millisecond before that day,
 * created_until as created_before the start of the day after it (the API's bounds are exclusive).
 */
function apiFilters(f) {
  const from = dayStart(f.created_from);
  return {
    status: f.status, owner: f.owner, name: f.name, tag: f.tag, app: f.app,
    created_after: from ? new Date(Date.parse(from) - 1).toISOString() : null,
    created_before: dayStart(f.created_until, 1),
  };
}

/** The colour family of a status (the text always names it too: colour is never the only cue). */
function tone(status) {
  switch (status) {
    case 'SUCCEEDED':
      return 'ok';
    case 'FAILED':
    case 'RUN_ERROR':
    case 'RUN_TIMEOUT':
      return 'bad';
    case 'CANCELED':
    case 'CANCEL_REQUESTED':
      return 'stopped';
    case 'AWAITING_PARENTS':
    case 'QUEUED':
    case 'RESTART_READY':
      return 'waiting';
    default:
      return 'running';
  }
}

const badge = (status) => el('span', { class: `badge tone-${tone(status)}` }, status);
const seconds = (from, to) => (from ? ((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000 : null);

// ---------------------------------------------------------------------------------------------
// Routing and the signed-in state

let cleanup = () => {};
let me = null;

function signOut(message) {
  forgetKey();
  forgetShare();
  me = null;
  sessionStorage.setItem('jobkit.signInMessage', message || '');
  if (location.hash === '#/sign-in') {
    route();
  } else {
    location.hash = '#/sign-in';
  }
}

/** Leaves a share link's read-only view: the token goes, an API key of this tab stays. */
function leaveShare(message) {
  forgetShare();
  if (!apiKey()) sessionStorage.setItem('jobkit.signInMessage', message); // the sign-in page shows it
  location.hash = '#/jobs';
}

whenUnauthorized(() => (share()
  ? leaveShare('The share link no longer works (401): it was revoked or has expired, or its job was deleted.')
  : signOut('The service no longer accepts this key (401). Sign in again.')));
signOutButton.addEventListener('click', () => (share()
  ? leaveShare('The share link was removed from this tab.')
  : signOut('Signed out. The key was removed from this tab.')));

async function route() {
  cleanup();
  cleanup = () => {};
  const hash = location.hash || '#/jobs';
  // A share link: keep its job and token in this tab and take the token out of the address.
  const link = hash.match(/^#\/share\/([A-Za-z0-9_]+)\/(jks_[A-Za-z0-9_-]+)$/);
  if (link) {
    saveShare(link[1], link[2]);
    location.replace(`#/shared/${link[1]}`);
    return;
  }
  const shared = hash.match(/^#\/shared\/([A-Za-z0-9_]+)$/);
  if (shared && share()?.job === shared[1]) {
    showWho();
    return jobView(shared[1], { readOnly: true });
  }
  forgetShare(); // any other page is read with the API key
  if (!apiKey()) {
    showWho();
    if (hash !== '#/sign-in') {
      sessionStorage.setItem('jobkit.afterSignIn', hash);
    }
    return signInView();
  }
  if (!me) {
    try {
      me = await get('/api/v1/me');
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        fill(main, el('p', { class: 'error', role: 'alert' }, `Cannot reach the service: ${e.message}`));
      }
      return;
    }
  }
  showWho();
  const [path, query = ''] = hash.slice(1).split('?');
  const job = path.match(/^\/jobs\/([A-Za-z0-9_]+)$/);
  if (job) {
    return jobView(job[1]);
  }
  if (path === '/sign-in') {
    location.hash = '#/jobs';
    return;
  }
  return jobsView(new URLSearchParams(query));
}

function showWho() {
  const shareMode = Boolean(share());
  const signedIn = Boolean(apiKey() && me) && !shareMode;
  who.hidden = !signedIn && !shareMode;
  signOutButton.hidden = !signedIn && !shareMode;
  signOutButton.textContent = shareMode ? 'Forget the share link' : 'Sign out';
  fill(who, shareMode ? 'Read-only share link'
    : signedIn ? ['Signed in as ', el('strong', {}, me.name), me.role ? ` (${me.role})` : ''] : []);
}

window.addEventListener('hashchange', route);

// ---------------------------------------------------------------------------------------------
// Sign-in

function signInView() {
  document.title = 'Sign in · Jobkit';
  const message = sessionStorage.getItem('jobkit.signInMessage');
  sessionStorage.removeItem('jobkit.signInMessage');
  const error = el('p', { id: 'sign-in-error', class: 'error', role: 'alert', hidden: true });
  const note = el('p', { id: 'sign-in-note', class: 'note', role: 'status' }, message || '');
  const input = el('input', {
    id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    required: true, 'aria-describedby': 'api-key-help sign-in-error',
  });
  const form = el('form', { id: 'sign-in', class: 'card narrow' },
    el('h1', {}, 'Sign in'),
    note,
    el('label', { for: 'api-key' }, 'API key'),
    input,
    el('p', { id: 'api-key-help', class: 'help' },
      'Paste a key (jk_…) from ', el('code', {}, 'jobkit'), ' or your admin. It is kept in this tab ',
      'only (session storage) and sent as an Authorization header; closing the tab or signing out forgets it.'),
    error,
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    error.hidden = true;
    if (!key) {
      return;
    }
    try {
      me = await get('/api/v1/me', { key, allow401: true });
    } catch (e) {
      fill(error, e instanceof ApiError && e.status === 401
        ? 'That key was not accepted (401 unauthorized): check that it was pasted whole, or ask an admin for a new one.'
        : `Cannot sign in: ${e.message}`);
      error.hidden = false;
      input.focus();
      input.select();
      return;
    }
    saveKey(key);
    forgetShare();
    const next = sessionStorage.getItem('jobkit.afterSignIn') || '#/jobs';
    sessionStorage.removeItem('jobkit.afterSignIn');
    if (location.hash === next) {
      route();
    } else {
      location.hash = next;
    }
  });
  fill(main, form);
  input.focus();
}

// ---------------------------------------------------------------------------------------------
// Jobs

function jobsView(params) {
  document.title = 'Jobs · Jobkit';
  const filters = {
    status: params.get('status') || '',
    owner: params.get('owner') || '',
    name: params.get('name') || '',
    tag: params.get('tag') || '',
    app: params.get('app') || '',
    created_from: params.get('created_from') || '',
    created_until: params.get('created_until') || '',
  };
  const pageSize = Number(params.get('limit')) || PAGE_SIZE;
  const statusSelect = el('select', { id: 'filter-status', name: 'status' },
    el('option', { value: '' }, 'Any status'),
    el('option', { value: ACTIVE.join(',') }, 'Active (not ended)'),
    el('optgroup', { label: 'Statuses' }, STATUSES.map((s) => el('option', { value: s }, s))),
    el('optgroup', { label: 'Aliases (other systems\' words)' },
      Object.entries(ALIASES).filter(([alias, to]) => alias !== to.toLowerCase())
        .map(([alias, to]) => el('option', { value: alias }, `${alias} (${to})`))));
  if (filters.status && ![...statusSelect.options].some((o) => o.value === filters.status)) {
    statusSelect.append(el('option', { value: filters.status }, filters.status)); // typed in the address
  }
  statusSelect.value = filters.status;
  const field = (id, label, value, placeholder, type = 'text') => [
    el('label', { for: id }, label),
    el('input', { id, name: id.replace('filter-', ''), value, placeholder, type, autocomplete: 'off' }),
  ];
  const form = el('form', { id: 'filters', class: 'filters', role: 'search', 'aria-label': 'Filter jobs' },
    el('div', {}, el('label', { for: 'filter-status' }, 'Status'), statusSelect),
    el('div', {}, field('filter-owner', 'Owner', filters.owner, 'a user, or me')),
    el('div', {}, field('filter-name', 'Name contains', filters.name, '')),
    el('div', {}, field('filter-tag', 'Tag', filters.tag, 'key=value')),
    el('div', {}, field('filter-app', 'App', filters.app, 'an app name')),
    el('div', {}, field('filter-created_from', 'Created from', filters.created_from, '', 'date')),
    el('div', {}, field('filter-created_until', 'Created until', filters.created_until, '', 'date')),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (String(value).trim()) q.set(name, String(value).trim());
    }
    if (params.get('limit')) q.set('limit', params.get('limit'));
    location.hash = `#/jobs${q.toString() ? `?${q}` : ''}`;
  });

  const tbody = el('tbody', { id: 'jobs-body' });
  const table = el('table', { id: 'jobs', class: 'jobs' },
    el('caption', { class: 'visually-hidden' }, 'Jobs, newest first'),
    el('colgroup', {},
      el('col', { class: 'c-name' }), el('col', { class: 'c-status' }), el('col', { class: 'c-owner' }),
      el('col', { class: 'c-pods' }), el('col', { class: 'c-age' }), el('col', { class: 'c-duration' })),
    el('thead', {}, el('tr', {},
      ['Name', 'Status', 'Owner', 'Pods', 'Age', 'Duration'].map((h) => el('th', { scope: 'col' }, h)))),
    tbody);
  const live = el('span', { id: 'live-state', class: 'live', role: 'status' }, 'connecting…');
  const message = el('p', { id: 'jobs-message', class: 'error', role: 'alert', hidden: true });
  const empty = el('p', { id: 'jobs-empty', class: 'note', hidden: true }, 'No jobs match.');
  const prev = el('button', { type: 'button', id: 'page-prev', class: 'secondary', disabled: true }, '← Newer');
  const next = el('button', { type: 'button', id: 'page-next', class: 'secondary', disabled: true }, 'Older →');
  const pageLabel = el('span', { id: 'page-label', class: 'note' }, 'Page 1');

  const flush = flushPanel(filters, () => sweep());
  fill(main,
    el('div', { class: 'heading' }, el('h1', {}, 'Jobs'), live),
    form, flush, message,
    el('div', { class: 'table-wrap' }, table),
    empty,
    el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageLabel, next));

  const rows = new Map(); // job id -> {tr, job, cells}
  const cursors = [null]; // cursors[i] is the cursor of page i (page 0 has none)
  let page = 0;
  let nextCursor = null;
  const query = (cursor) => ({ ...apiFilters(filters), limit: pageSize, cursor });

  function render(tr, job) {
    const cells = tr.cells;
    const link = cells[0].firstChild;
    link.textContent = job.display_name || job.id;
    link.title = job.id;
    fill(cells[1], badge(job.status),
      el('span', { class: 'reason', title: job.status_reason || '' }, job.status_reason || ''));
    tr.dataset.status = job.status;
    cells[2].textContent = job.owner;
    cells[3].textContent = String(job.pod_count);
    tick(tr, job);
  }

  function tick(tr, job) {
    tr.cells[4].textContent = span(seconds(job.created_at));
    tr.cells[5].textContent = job.started_at ? span(seconds(job.started_at, job.finished_at)) : '—';
  }

  function row(job) {
    const tr = el('tr', { 'data-job-id': job.id },
      el('td', {}, el('a', { href: `#/jobs/${job.id}` })), el('td', { class: 'status' }),
      el('td'), el('td', { class: 'num' }), el('td', { class: 'num' }), el('td', { class: 'num' }));
    rows.set(job.id, { tr, job });
    render(tr, job);
    return tr;
  }

  function update(job) {
    const entry = rows.get(job.id);
    if (entry) {
      entry.job = job;
      render(entry.tr, job);
    }
  }

  async function load(index) {
    message.hidden = true;
    try {
      const answer = await get('/api/v1/jobs', { query: query(cursors[index]) });
      page = index;
      nextCursor = answer.next_cursor;
      if (nextCursor) cursors[index + 1] = nextCursor;
      rows.clear();
      fill(tbody, answer.items.map(row));
      empty.hidden = answer.items.length > 0;
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
      pageLabel.textContent = `Page ${page + 1}`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      fill(message, `Cannot list jobs: ${e.message}`);
      message.hidden = false;
    }
  }
  prev.addEventListener('click', () => load(page - 1));
  next.addEventListener('click', () => load(page + 1));

  // Live: a job in the table is read again and its row updated in place; an event of a job not in
  // the table reads the first page again (on the first page only) and puts new rows on top, so the
  // filters stay the service's.
  const pending = new Map(); // job id -> a read in flight, and whether another is needed after it
  async function refresh(id) {
    if (pending.has(id)) {
      pending.set(id, true);
      return;
    }
    pending.set(id, false);
    try {
      do {
        pending.set(id, false);
        update(await get(`/api/v1/jobs/${encodeURIComponent(id)}`));
      } while (pending.get(id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        remove(id); // deleted (no event says so: the sweep below or a flush found it gone)
      }
      // else not readable now: the row stays as it was last seen
    } finally {
      pending.delete(id);
    }
  }
  function remove(id) {
    rows.get(id)?.tr.remove();
    rows.delete(id);
    empty.hidden = rows.size > 0;
  }
  // A delete writes no event: every 10 s the page is listed again, and a row it no longer has is
  // read again (gone: removed; else it moved to another page and stays until the next load).
  async function sweep() {
    try {
      const answer = await get('/api/v1/jobs', { query: query(cursors[page]) });
      const listed = new Set(answer.items.map((j) => j.id));
      [...rows.keys()].filter((id) => !listed.has(id)).forEach(refresh);
    } catch {
      // the next sweep tries again
    }
  }
  let topBusy = false;
  let topAgain = false;
  async function refreshTop() {
    if (page !== 0) return;
    if (topBusy) {
      topAgain = true;
      return;
    }
    topBusy = true;
    try {
      do {
        topAgain = false;
        const answer = await get('/api/v1/jobs', { query: query(null) });
        const fresh = answer.items.filter((j) => !rows.has(j.id));
        let anchor = tbody.firstChild;
        for (const job of fresh) {
          tbody.insertBefore(row(job), anchor);
        }
        answer.items.filter((j) => !fresh.includes(j)).forEach(update);
        empty.hidden = rows.size > 0;
      } while (topAgain && page === 0);
    } catch {
      // the next event tries again
    } finally {
      topBusy = false;
    }
  }
  const stream = openStream('/api/v1/events/stream', {
    onState: (state) => { live.textContent = state === 'live' ? '● live' : state; },
    onEvent: ({ data }) => {
      if (!data || !data.job_id) return;
      if (rows.has(data.job_id)) {
        refresh(data.job_id);
      } else {
        refreshTop();
      }
    },
  });
  let beats = 0;
  const ticker = setInterval(() => {
    for (const { tr, job } of rows.values()) tick(tr, job);
    if (++beats % 10 === 0) sweep();
  }, 1000);
  cleanup = () => {
    stream.close();
    clearInterval(ticker);
    closeConfirm();
  };
  load(0);
}

/**
 * The jobs page's flush: scope, files, force, then the guarded flush (guarded.js) of the jobs the
 * page's filters select (as applied: the address, not unsent edits of the form).
 */
function flushPanel(filters, after) {
  const scope = el('select', { id: 'flush-scope', name: 'scope' },
    el('option', { value: 'active' }, 'Active jobs (stop and remove)'),
    el('option', { value: 'all' }, 'All jobs (ended ones too)'));
  const purge = el('input', { type: 'checkbox', id: 'flush-purge', checked: true });
  const force = el('input', { type: 'checkbox', id: 'flush-force' });
  const button = el('button', { type: 'button', id: 'flush-button', class: 'danger' }, 'Flush…');
  const outcome = el('p', { id: 'flush-outcome', class: 'outcome', role: 'status', tabindex: '-1' });
  const applied = Object.entries(apiFilters(filters)).filter(([, v]) => v);
  const panel = el('details', { id: 'flush-panel', class: 'flush' },
    el('summary', {}, 'Flush jobs'),
    el('p', { class: 'help' }, 'Stops and removes, in the background, the jobs of the scope that the filters ',
      'above select', applied.length ? ` (${applied.map(([k, v]) => `${k}=${v}`).join(', ')})` : ' (none: every job you may flush)',
      '. A dry run lists them first and you confirm what it found.'),
    el('div', { class: 'inline' },
      el('label', { for: 'flush-scope' }, 'Scope'), scope,
      el('label', { for: 'flush-purge', class: 'check' }, purge, ' Remove their files too'),
      el('label', { for: 'flush-force', class: 'check' }, force, ' Force (KILL at once)'),
      button),
    outcome);
  let busy = false;
  button.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    const api = apiFilters(filters);
    const statuses = (filters.status || '').split(',').filter(Boolean).map((t) => statusOf(t, STATUSES) || t);
    const tag = filters.tag && filters.tag.includes('=') ? filters.tag : null;
    const filter = {
      owner: filters.owner || null,
      statuses: [...new Set(statuses)],
      name: filters.name || null,
      tags: tag ? { [tag.slice(0, tag.indexOf('='))]: tag.slice(tag.indexOf('=') + 1) } : {},
      createdAfter: api.created_after,
      createdBefore: api.created_before,
    };
    try {
      const kind = await guardedFlush({
        scope: scope.value, query: api, filter, purge: purge.checked, force: force.checked,
      }, outcome, button);
      if (kind === 'APPLIED' || kind === 'UNVERIFIED') after();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        fill(outcome, el('span', { class: 'error' }, `The flush could not be done: ${e.message}`));
      }
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  });
  return panel;
}

// ---------------------------------------------------------------------------------------------
// A job

function jobView(id, { readOnly = false } = {}) {
  document.title = `${id} · Jobkit`;
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  let job = null;
  let closed = false;
  const streams = [];
  const waiters = []; // {test(job), resolve(job)}: the stop waits for CANCELED here

  const title = el('h1', { id: 'job-title' }, id);
  const status = el('div', { id: 'job-status', class: 'job-status' });
  const progress = el('div', { id: 'job-progress', class: 'progress', hidden: true });
  const facts = el('dl', { id: 'job-facts', class: 'facts' });
  const lastError = el('p', { id: 'job-last-error', class: 'error', hidden: true });
  const stopButton = el('button', { type: 'button', id: 'stop-button', class: 'danger', disabled: true }, 'Stop…');
  const outcome = el('p', { id: 'stop-outcome', class: 'outcome', role: 'status', tabindex: '-1' });
  const deleteButton = el('button', { type: 'button', id: 'delete-button', class: 'danger', disabled: true }, 'Delete…');
  const deleteOutcome = el('p', { id: 'delete-outcome', class: 'outcome', role: 'status', tabindex: '-1' });
  const readOnlyNote = el('p', { id: 'read-only', class: 'read-only', hidden: !readOnly });
  const metrics = metricsSection();
  const results = resultsSection(id);
  const shares = readOnly ? null : sharesSection(id);
  const sharesSlot = el('div', { id: 'shares-slot' });
  const pods = el('tbody', { id: 'pods-body' });
  const attempts = el('tbody', { id: 'attempts-body' });
  const timeline = el('ol', { id: 'timeline', class: 'timeline' });
  const podSelect = el('select', { id: 'log-pod', name: 'pod' });
  const follow = el('input', { type: 'checkbox', id: 'log-follow', checked: true });
  const log = el('pre', { id: 'log', class: 'log', tabindex: '0', 'aria-label': 'Log' });
  const logEnd = el('p', { id: 'log-end', class: 'note', role: 'status' });
  const logState = el('span', { id: 'log-state', class: 'live' });
  const message = el('p', { id: 'job-message', class: 'error', role: 'alert', hidden: true });

  const table = (id2, caption, heads, body) => el('table', { id: id2, class: 'small' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))), body);

  if (readOnly) {
    stopButton.hidden = true;
    deleteButton.hidden = true;
  }
  fill(main,
    readOnly ? readOnlyNote : el('p', { class: 'crumbs' }, el('a', { href: '#/jobs' }, '← Jobs')),
    el('div', { class: 'heading' }, title, el('div', { class: 'actions' }, stopButton, deleteButton)),
    message, status, progress, outcome, deleteOutcome, lastError,
    el('div', { class: 'columns' },
      el('section', { 'aria-labelledby': 'facts-h' }, el('h2', { id: 'facts-h' }, 'Details'), facts,
        table('pods', 'Pods', ['Pod', 'Status', 'PID', 'Exit', 'Started', 'Ended', 'Terminal'], pods),
        table('attempts', 'Attempts', ['#', 'Outcome', 'Exit', 'Error', 'Started', 'Ended'], attempts)),
      el('section', { 'aria-labelledby': 'timeline-h' }, el('h2', { id: 'timeline-h' }, 'Events'), timeline)),
    el('section', { 'aria-labelledby': 'log-h', class: 'log-section' },
      el('div', { class: 'heading' }, el('h2', { id: 'log-h' }, 'Log'), logState),
      el('div', { class: 'log-controls' },
        el('label', { for: 'log-pod' }, 'Pod'), podSelect,
        el('label', { for: 'log-follow', class: 'check' }, follow, ' Follow (keep the end in view)')),
      log, logEnd),
    metrics.node, results.node, sharesSlot);

  // What a fresh read of the job brings beyond render(): a metrics point, the results again when
  // the status moved, the share links once the page knows the job is the signed-in user's.
  let lastRead = null;
  let lastStatus = null;
  function seen() {
    if (job === lastRead) return;
    lastRead = job;
    metrics.record(job);
    if (job.status !== lastStatus) {
      if (lastStatus === null && shares && me && (me.name === job.owner || me.role === 'admin')) {
        sharesSlot.append(shares.node);
        shares.load();
      }
      lastStatus = job.status;
      results.load();
    }
    if (readOnly) {
      fill(readOnlyNote, el('strong', {}, 'Read-only'), `, shared by ${job.owner}: `,
        'this page was opened with a share link, which reads this one job and changes nothing.');
    }
    deleteButton.disabled = !TERMINAL.has(job.status);
  }

  // A web terminal into a running pod: a single-use URL, valid for a minute, opened in a new tab
  // (docs/console.md). Asked for with the signed-in key; the ticket travels in the URL's fragment.
  function terminalButton(pod) {
    return el('button', {
      type: 'button', class: 'secondary', 'data-pod': String(pod),
      'aria-label': `Open a terminal in pod ${pod}`,
      onclick: async () => {
        try {
          const answer = await call('POST', `${path}/pods/${pod}/terminal`);
          window.open(answer.body.url, '_blank', 'noopener,noreferrer');
        } catch (e) {
          fill(message, `No terminal: ${e.message}`);
          message.hidden = false;
        }
      },
    }, 'Terminal');
  }

  let podsDrawn = null;
  function render() {
    title.textContent = job.display_name || job.id;
    fill(status, badge(job.status), ' ',
      el('span', { id: 'job-reason', class: 'reason-full' }, job.status_reason || ''));
    if (job.progress && job.progress.percent !== null && job.progress.percent !== undefined) {
      fill(progress,
        el('label', { for: 'job-progress-bar' }, `Progress ${Math.round(job.progress.percent)} %`),
        el('progress', { id: 'job-progress-bar', max: '100', value: String(job.progress.percent) }),
        job.progress.message ? el('span', { class: 'note' }, job.progress.message) : null);
      progress.hidden = false;
    } else if (job.progress && job.progress.message) {
      fill(progress, el('span', { class: 'note' }, job.progress.message));
      progress.hidden = false;
    }
    const fact = (k, v) => [el('dt', {}, k), el('dd', {}, v)];
    fill(facts,
      fact('Id', el('code', {}, job.id)),
      fact('Owner', job.owner),
      fact('Priority', String(job.priority)),
      fact('Pods', String(job.pod_count)),
      fact('Attempt', `${job.attempt} of ${job.max_attempts}`),
      job.app ? fact('App', `${job.app} v${job.app_version}`) : null,
      job.metrics && Object.keys(job.metrics).length
        ? fact('Metrics', el('span', { id: 'job-metrics' },
          Object.entries(job.metrics).map(([k, v]) => `${k} ${v}`).join(', ')))
        : null,
      fact('Runs', job.shell ? el('code', {}, job.shell) : el('code', {}, (job.command || []).join(' '))),
      fact('Submitted', when(job.created_at)),
      fact('Started', when(job.started_at)),
      fact('Ended', when(job.finished_at)),
      fact('Duration', job.started_at ? span(seconds(job.started_at, job.finished_at)) : '—'));
    lastError.hidden = !job.last_error;
    fill(lastError, job.last_error ? ['Last error: ', job.last_error] : []);
    // Drawn again only when a pod changed: a live update then leaves the Terminal buttons (and the
    // keyboard focus on one) in place.
    const terminals = !readOnly && job.status === 'RUNNING';
    const podsNow = JSON.stringify([terminals, job.pods || []]);
    if (podsNow !== podsDrawn) {
      podsDrawn = podsNow;
      fill(pods, (job.pods || []).map((p) => el('tr', {},
        el('td', {}, String(p.index)), el('td', {}, p.status), el('td', {}, p.pid ?? '—'),
        el('td', {}, p.exit_code ?? '—'), el('td', {}, when(p.started_at)), el('td', {}, when(p.finished_at)),
        el('td', {}, terminals && p.status === 'RUNNING' ? terminalButton(p.index) : ''))));
    }
    fill(attempts, (job.attempts || []).map((a) => el('tr', {},
      el('td', {}, String(a.number)), el('td', {}, a.outcome ?? '—'), el('td', {}, a.exit_code ?? '—'),
      el('td', {}, a.error ?? ''), el('td', {}, when(a.started_at)), el('td', {}, when(a.finished_at)))));
    stopButton.disabled = !stopAllowed(job.status);
    if (podSelect.options.length !== job.pod_count) {
      const current = podSelect.value || '0';
      fill(podSelect, Array.from({ length: job.pod_count }, (_, i) => el('option', { value: String(i) }, `pod ${i}`)));
      podSelect.value = Number(current) < job.pod_count ? current : '0';
    }
    seen();
    for (const w of waiters.slice()) {
      if (w.test(job)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(job);
      }
    }
  }

  const seenEvents = new Set();
  function addEvent(e) {
    if (seenEvents.has(e.id)) return;
    seenEvents.add(e.id);
    const what = e.kind === 'transition'
      ? [e.from_status ? `${e.from_status} → ` : 'submitted → ', badge(e.to_status)]
      : [e.kind === 'renamed' ? 'renamed' : e.kind.replaceAll('_', ' ')];
    const item = (el('li', { 'data-event-id': String(e.id) },
      el('time', { datetime: e.at }, when(e.at)), ' ',
      el('span', { class: 'what' }, what),
      el('span', { class: 'by' }, ` by ${e.actor}${e.actor_kind ? ` (${e.actor_kind})` : ''}`),
      e.reason ? el('span', { class: 'why' }, ` — ${e.reason}`) : null));
    // Oldest first, by id: the live stream and the first read may deliver out of order.
    const later = [...timeline.children].find((li) => Number(li.dataset.eventId) > e.id);
    timeline.insertBefore(item, later || null);
  }

  let reading = false;
  let readAgain = false;
  async function reread() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    try {
      do {
        readAgain = false;
        job = await get(path);
        if (!closed) render();
      } while (readAgain);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(message, `Job ${id} is gone (deleted), or this key may not see it.`);
        message.hidden = false;
      }
    } finally {
      reading = false;
    }
  }

  // The log as `tail -f` shows it: its last 20,000 characters, then what is written from there
  // on. The page keeps at most LOG_KEEP characters; older ones are dropped from the top.
  const LOG_KEEP = 1000000;
  let logChars = 0;
  function appendLog(text) {
    log.append(text);
    logChars += text.length;
    while (logChars > LOG_KEEP && log.firstChild && log.firstChild !== log.lastChild) {
      logChars -= log.firstChild.textContent.length;
      log.firstChild.remove();
    }
    if (follow.checked) log.scrollTop = log.scrollHeight;
  }
  let logStream = null;
  let logRound = 0;
  async function followLog() {
    logStream?.close();
    logStream = null;
    const round = ++logRound;
    log.replaceChildren();
    logChars = 0;
    logEnd.textContent = '';
    const pod = podSelect.value || '0';
    let offset = 0;
    try {
      const tail = await get(`${path}/log`, { query: { pod, tail_chars: 20000 } });
      if (round !== logRound || closed) return;
      if (tail.truncated) {
        appendLog('[earlier output not shown: the page starts at the last 20,000 characters]\n');
      }
      appendLog(tail.content);
      offset = tail.size_bytes;
    } catch (e) {
      if (round !== logRound || closed) return;
      if (e instanceof ApiError && e.status === 410) {
        logEnd.textContent = `The log is gone: ${e.message}`;
        return;
      }
      // else follow from the start
    }
    logStream = openStream(`${path}/log/stream?pod=${encodeURIComponent(pod)}&offset=${offset}`, {
      endEvents: ['end'],
      onState: (state) => { logState.textContent = state === 'live' ? '● following' : state; },
      onEvent: ({ event, data }) => {
        if (event === 'log') {
          appendLog(data.text);
        } else if (event === 'end') {
          logEnd.textContent = data.status
            ? `End of the log: the job ended ${data.status}.`
            : `End of the log: ${data.reason || 'the job is gone'}.`;
          logState.textContent = 'ended';
        }
      },
    });
  }
  podSelect.addEventListener('change', followLog);

  // ---- the guarded stop: the SDK's protocol (GuardedActions.stop), its outcomes by name
  let stopping = false;
  const dialog = document.getElementById('stop-dialog');
  function ask(precheck) {
    document.getElementById('stop-text').textContent = precheck.prompt;
    document.getElementById('stop-expected').textContent = precheck.status;
    document.getElementById('stop-confirm').textContent =
      precheck.status === 'CANCEL_REQUESTED' ? 'Wait for it to end' : 'Stop job';
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        stopButton.focus();
        resolve(dialog.returnValue === 'confirm');
      }, { once: true });
      dialog.showModal();
    });
  }
  function show(kind, text) {
    fill(outcome, el('strong', { id: 'stop-outcome-kind', class: `kind kind-${kind}` }, kind), ' ', text);
  }
  function waitFor(test, ms) {
    return new Promise((resolve) => {
      const w = { test, resolve };
      waiters.push(w);
      setTimeout(() => {
        const i = waiters.indexOf(w);
        if (i >= 0) {
          waiters.splice(i, 1);
          resolve(null);
        }
      }, ms);
      reread();
    });
  }
  async function stop() {
    if (stopping) {
      return;
    }
    // Busy, not disabled: a disabled button could not take the focus back when the dialog closes.
    stopping = true;
    stopButton.setAttribute('aria-disabled', 'true');
    fill(outcome, 'Checking the job…');
    try {
      let confirmedFor = null;
      let precheck = null;
      let expected = null;
      for (let round = 0; round < 5; round++) {
        if (expected === null) {
          let fresh;
          let events;
          try {
            [fresh, events] = await Promise.all([get(path), get(`${path}/events`)]);
          } catch (e) {
            if (e instanceof ApiError && e.status === 404) {
              return confirmedFor
                ? show('RACE_LOST', `job ${id} was gone when it was pre-checked again after the yes; nothing was done`)
                : show('NOT_FOUND', `there is no job ${id}, or this key may not see it; nothing was done`);
            }
            throw e;
          }
          job = fresh;
          render();
          precheck = stopPrecheck(fresh, events);
          if (TERMINAL.has(fresh.status)) {
            return show(confirmedFor ? 'RACE_LOST' : 'ALREADY_TERMINAL',
              `job ${id} has already ended ${fresh.status}; nothing to stop`);
          }
          if (!precheck.allowed) {
            return show('NOT_ALLOWED_IN_STATE', precheck.consequence);
          }
          if (!confirmedFor || stopEffect(fresh.status) !== stopEffect(confirmedFor.status)) {
            fill(outcome, '');
            if (!(await ask(precheck))) {
              return show('DECLINED', `not confirmed; job ${id} was left ${fresh.status}`);
            }
            confirmedFor = precheck;
          }
          expected = fresh.status;
        }
        fill(outcome, `Stopping (expected_status=${expected})…`);
        try {
          await call('POST', `${path}/stop`, { query: { expected_status: expected } });
        } catch (e) {
          if (e instanceof ApiError && e.status === 409 && e.code === 'invalid_state') {
            const now = e.problem.current_status || null;
            if (!now || !stopAllowed(now)) {
              return show('RACE_LOST', !now
                ? `job ${id} changed state before the stop landed; nothing was done`
                : TERMINAL.has(now)
                  ? `job ${id} ended ${now} before the stop landed`
                  : `job ${id} is ${now} now; it can no longer be stopped`);
            }
            expected = stopEffect(now) === stopEffect(confirmedFor.status) ? now : null;
            continue;
          }
          if (e instanceof ApiError && e.status === 404) {
            return show('RACE_LOST', `job ${id} was gone when the stop was sent; nothing was done`);
          }
          throw e;
        }
        fill(outcome, 'Stop sent; waiting for the job to end CANCELED…');
        const ended = await waitFor((j) => j.status === 'CANCELED', 60000);
        return ended
          ? show('APPLIED', `job ${id} stopped: it is CANCELED`)
          : show('UNVERIFIED', `the stop was accepted, but job ${id} was not seen CANCELED within 60 s; watch its status`);
      }
      return show('RACE_LOST', `job ${id} kept changing state; nothing was done`);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        fill(outcome, el('span', { class: 'error' }, `The stop could not be done: ${e.message}`));
      }
    } finally {
      stopping = false;
      stopButton.removeAttribute('aria-disabled');
      if (job) stopButton.disabled = !stopAllowed(job.status);
      if (stopButton.disabled) {
        outcome.focus(); // the job ended: the outcome is where the person reads on
      }
    }
  }
  stopButton.addEventListener('click', stop);

  // ---- the guarded delete (guarded.js): an ended job, sent with expected_status
  let deleting = false;
  deleteButton.addEventListener('click', async () => {
    if (deleting) return;
    deleting = true;
    deleteButton.setAttribute('aria-disabled', 'true');
    try {
      if ((await guardedDelete(id, deleteOutcome, deleteButton)) === 'APPLIED') {
        closed = true; // nothing more to read: the streams end, the page keeps what it showed
        streams.forEach((s) => s.close());
        logStream?.close();
        stopButton.disabled = true;
        deleteButton.disabled = true;
        fill(message, 'This job was deleted. ', el('a', { href: '#/jobs' }, 'Back to the jobs'));
        message.hidden = false;
        deleteOutcome.focus();
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        fill(deleteOutcome, el('span', { class: 'error' }, `The delete could not be done: ${e.message}`));
      }
    } finally {
      deleting = false;
      deleteButton.removeAttribute('aria-disabled');
    }
  });

  // The stream first, then the reads: an event committed in between is in one or the other.
  streams.push(openStream(`/api/v1/events/stream?job_id=${encodeURIComponent(id)}`, {
    onEvent: ({ data }) => {
      if (data && data.job_id === id) {
        addEvent(data);
        reread();
      }
    },
  }));
  (async () => {
    try {
      const [first, events] = await Promise.all([get(path), get(`${path}/events`)]);
      job = first;
      render();
      events.forEach(addEvent);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      fill(message, e instanceof ApiError && e.status === 404
        ? `There is no job ${id}, or this key may not see it.`
        : `Cannot read job ${id}: ${e.message}`);
      message.hidden = false;
      return;
    }
    if (closed) return;
    followLog();
  })();

  // Times move on by themselves; progress and metrics are files the job writes, which no event
  // announces: a running job is read again every 5 s for them.
  let beats = 0;
  const ticker = setInterval(() => {
    if (job && job.started_at && !job.finished_at) {
      if (++beats % 5 === 0) {
        reread();
      } else {
        render();
      }
    }
  }, 1000);
  cleanup = () => {
    closed = true;
    streams.forEach((s) => s.close());
    logStream?.close();
    clearInterval(ticker);
    if (dialog.open) dialog.close('cancel');
    closeConfirm();
  };
}

route();
