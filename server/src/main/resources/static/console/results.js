// A job's results on its page: the manifest (GET /api/v1/jobs/{id}/results) with each file's size
// and SHA-256, a download per file and the zip. A download is read with fetch() and the
// Authorization header, then handed to the browser as a Blob (api.js download): no key in a URL.

import { ApiError, download, get } from './api.js';
import { el, fill, when } from './dom.js';

/** A byte count as "7 B", "1.5 KiB", "3.2 MiB" (the exact count is in the cell's title). */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

const basename = (path) => path.slice(path.lastIndexOf('/') + 1) || path;

/** The results section of job `id`: {node, load()}; load() reads the manifest again. */
export function resultsSection(id) {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  const summary = el('p', { id: 'results-summary', class: 'note' }, 'Reading the results…');
  const body = el('tbody', { id: 'results-body' });
  const state = el('p', { id: 'results-state', class: 'note', role: 'status' });
  const zip = el('button', { type: 'button', id: 'results-zip', class: 'secondary', hidden: true },
    'Download all (zip)');
  const table = el('table', { id: 'results', class: 'small results', hidden: true },
    el('caption', { class: 'visually-hidden' }, 'Result files'),
    el('thead', {}, el('tr', {}, ['File', 'Size', 'SHA-256', 'Download'].map((h) => el('th', { scope: 'col' }, h)))),
    body);
  const node = el('section', { 'aria-labelledby': 'results-h', class: 'results-section' },
    el('div', { class: 'heading' }, el('h2', { id: 'results-h' }, 'Results'), zip),
    summary, table, state);

  async function fetchFile(button, url, name, what) {
    button.setAttribute('aria-disabled', 'true');
    state.textContent = `Downloading ${what}…`;
    try {
      const blob = await download(url, name);
      state.textContent = `Downloaded ${what} (${bytes(blob.size)}) as ${name}.`;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) state.textContent = `Cannot download ${what}: ${e.message}`;
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }
  zip.addEventListener('click', () => fetchFile(zip, `${path}/results.zip`, `${id}-results.zip`, 'all results'));

  function row(f) {
    const button = el('button', { type: 'button', class: 'secondary small-button', 'aria-label': `Download ${f.path}` },
      'Download');
    const url = `${path}/results/${f.path.split('/').map(encodeURIComponent).join('/')}`;
    button.addEventListener('click', () => fetchFile(button, url, basename(f.path), f.path));
    return el('tr', { 'data-path': f.path },
      el('td', { class: 'path' }, f.path),
      el('td', { class: 'num', title: `${f.size_bytes} bytes` }, bytes(f.size_bytes)),
      el('td', {}, f.sha256 ? el('code', { class: 'sha' }, f.sha256) : el('span', { class: 'note' }, 'when the job ends')),
      el('td', {}, button));
  }

  async function load() {
    let manifest;
    try {
      manifest = await get(`${path}/results`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      table.hidden = true;
      zip.hidden = true;
      summary.textContent = e instanceof ApiError && e.status === 410
        ? `The results were removed by the retention${e.problem.expired_at ? ` on ${when(e.problem.expired_at)}` : ''}.`
        : `Cannot read the results: ${e.message}`;
      return;
    }
    fill(body, manifest.files.map(row));
    table.hidden = manifest.files.length === 0;
    zip.hidden = manifest.files.length === 0;
    summary.textContent = manifest.files.length === 0
      ? 'No result files (nothing under $JOBKIT_OUTPUT_DIR).'
      : `${manifest.file_count} file(s), ${bytes(manifest.total_bytes)}`
        + (manifest.final ? ', final.' : `, as listed at ${when(manifest.computed_at)}: the job has not ended, so there are no checksums yet.`);
  }

  return { node, load };
}
