// A job's share links, for its owner or an admin: make one (POST /api/v1/jobs/{id}/shares), list
// those that still work with their expiry, revoke one (DELETE /api/v1/shares/{id}). The console
// link of a share is /#/share/<job id>/<token>: the token rides in the fragment, which a browser
// never sends to a server, and the tab that opens it keeps it in sessionStorage and sends it as
// its Authorization header (app.js, api.js), reading that one job read-only.

import { ApiError, call, get } from './api.js';
import { el, fill, when } from './dom.js';

const EXPIRIES = [['1h', '1 hour'], ['1d', '1 day'], ['7d', '7 days'], ['30d', '30 days']];

/** The console's address that opens job `jobId` read-only with share token `token`. */
export function shareLink(jobId, token) {
  return `${location.origin}${location.pathname}#/share/${jobId}/${token}`;
}

/** The share-links section of job `id`: {node, load()}. */
export function sharesSection(id) {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}/shares`;
  const expires = el('select', { id: 'share-expires', name: 'expires_in' },
    EXPIRIES.map(([v, label]) => el('option', { value: v }, label)));
  expires.value = '7d';
  const create = el('button', { type: 'submit', id: 'share-create' }, 'Create share link');
  const link = el('input', {
    id: 'share-link', type: 'text', readonly: true, spellcheck: 'false', 'aria-describedby': 'share-link-help',
  });
  const copy = el('button', { type: 'button', id: 'share-copy', class: 'secondary' }, 'Copy');
  const fresh = el('div', { id: 'share-new', class: 'share-new', hidden: true },
    el('label', { for: 'share-link' }, 'Console link (read-only; shown this once)'),
    el('div', { class: 'inline' }, link, copy),
    el('p', { id: 'share-link-help', class: 'help' },
      'Whoever has this link can read this job, its log, events and results until it expires or is '
      + 'revoked. The token is after the #, so it is never sent to a server in a URL.'));
  const body = el('tbody', { id: 'shares-body' });
  const empty = el('p', { id: 'shares-empty', class: 'note' }, 'No share link works now.');
  const state = el('p', { id: 'shares-state', class: 'note', role: 'status' });
  const form = el('form', { id: 'share-form', class: 'inline' },
    el('label', { for: 'share-expires' }, 'Expires in'), expires, create);
  const table = el('table', { id: 'shares', class: 'small', hidden: true },
    el('caption', { class: 'visually-hidden' }, 'Share links that work now'),
    el('thead', {}, el('tr', {}, ['Share', 'Made by', 'Made', 'Expires', ''].map((h) => el('th', { scope: 'col' }, h)))),
    body);
  const node = el('section', { 'aria-labelledby': 'shares-h', class: 'shares-section' },
    el('h2', { id: 'shares-h' }, 'Share links'), form, fresh, table, empty, state);

  const problem = (e) => !(e instanceof ApiError && e.status === 401);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    create.setAttribute('aria-disabled', 'true');
    try {
      const share = (await call('POST', path, { body: { expires_in: expires.value } })).body;
      link.value = shareLink(id, share.token);
      fresh.hidden = false;
      state.textContent = `Share ${share.id} made; it expires ${when(share.expires_at)}.`;
      link.focus();
      link.select();
      await load();
    } catch (e) {
      if (problem(e)) state.textContent = `Cannot make a share: ${e.message}`;
    } finally {
      create.removeAttribute('aria-disabled');
    }
  });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link.value);
      state.textContent = 'Copied the link.';
    } catch {
      link.focus();
      link.select();
      state.textContent = 'Select and copy the link (Ctrl+C): this page may not write to the clipboard.';
    }
  });

  async function revoke(share, button) {
    button.setAttribute('aria-disabled', 'true');
    try {
      await call('DELETE', `/api/v1/shares/${encodeURIComponent(share.id)}`);
      state.textContent = `Revoked share ${share.id}: its link stops working now.`;
      await load();
      create.focus();
    } catch (e) {
      if (problem(e)) state.textContent = `Cannot revoke share ${share.id}: ${e.message}`;
      button.removeAttribute('aria-disabled');
    }
  }

  async function load() {
    try {
      const { items } = await get(path);
      fill(body, items.map((s) => {
        const button = el('button', { type: 'button', class: 'secondary small-button', 'aria-label': `Revoke share ${s.id}` }, 'Revoke');
        button.addEventListener('click', () => revoke(s, button));
        return el('tr', { 'data-share-id': s.id },
          el('td', {}, el('code', {}, s.id)), el('td', {}, s.created_by),
          el('td', {}, when(s.created_at)), el('td', { class: 'expires' }, when(s.expires_at)), el('td', {}, button));
      }));
      table.hidden = items.length === 0;
      empty.hidden = items.length > 0;
    } catch (e) {
      if (problem(e)) state.textContent = `Cannot list the shares: ${e.message}`;
    }
  }

  return { node, load };
}
