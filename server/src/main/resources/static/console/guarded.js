// The guarded delete and flush, as the SDK's GuardedActions does them (and so the shell and the
// agent tools): pre-check (read the job, or a flush's dry run), ask in a dialog with the same
// sentence, send with the server-side pre-check (expected_status, a dry run's snapshot), verify,
// and name the outcome as the SDK's OutcomeKind does. The stop lives in app.js.

import { ApiError, call, get } from './api.js';
import { el, fill } from './dom.js';
import { deletePrecheck, flushPrecheck } from './precheck.js';

const dialog = document.getElementById('confirm-dialog');

/**
 * Asks in the shared confirm dialog (a modal <dialog>, the focus on Cancel); resolves to true on
 * the confirm button, false on Cancel or Escape. The focus goes back to `back` when it closes.
 */
export function confirmDialog({ title, text, list = [], note = '', confirm }, back) {
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  const ul = document.getElementById('confirm-list');
  fill(ul, list.map((item) => el('li', {}, item)));
  ul.hidden = list.length === 0;
  document.getElementById('confirm-note').textContent = note;
  document.getElementById('confirm-ok').textContent = confirm;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      back?.focus();
      resolve(dialog.returnValue === 'confirm');
    }, { once: true });
    dialog.showModal();
  });
}

/** Closes the confirm dialog as a Cancel (the page it was asked from goes away). */
export function closeConfirm() {
  if (dialog.open) dialog.close('cancel');
}

/** Shows an outcome by its name in `node`: <strong id="<prefix>-outcome-kind">KIND</strong> text. */
export function showOutcome(node, prefix, kind, text) {
  fill(node, el('strong', { id: `${prefix}-outcome-kind`, class: `kind kind-${kind}` }, kind), ' ', text);
  return kind;
}

const gone = (e) => e instanceof ApiError && e.status === 404;

/** " with 1 model and 2 result records" (GuardedActions.removedRecords), or nothing. */
function removedRecords(d) {
  if (!d || d.removed_models + d.removed_results === 0) return '';
  return ` with ${d.removed_models} ${d.removed_models === 1 ? 'model' : 'models'} and `
    + `${d.removed_results} ${d.removed_results === 1 ? 'result record' : 'result records'}`;
}

/**
 * Deletes an ended job with its events and files (GuardedActions.delete): NOT_FOUND,
 * NOT_ALLOWED_IN_STATE, DECLINED, RACE_LOST, APPLIED (it is gone) or UNVERIFIED (still there).
 * Returns the outcome's name.
 */
export async function guardedDelete(id, outcome, button) {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  const show = (kind, text) => showOutcome(outcome, 'delete', kind, text);
  fill(outcome, 'Checking the job…');
  let job;
  let events;
  try {
    [job, events] = await Promise.all([get(path), get(`${path}/events`)]);
  } catch (e) {
    if (gone(e)) return show('NOT_FOUND', `there is no job ${id}, or this key may not see it; nothing was done`);
    throw e;
  }
  const precheck = deletePrecheck(job, events, true);
  if (!precheck.allowed) return show('NOT_ALLOWED_IN_STATE', precheck.consequence);
  fill(outcome, '');
  const yes = await confirmDialog({
    title: 'Delete this job?',
    text: precheck.prompt,
    note: `The delete is sent for the status shown above (expected_status=${precheck.status}): `
      + 'if the job has changed by then, nothing is done.',
    confirm: 'Delete job',
  }, button);
  if (!yes) return show('DECLINED', `not confirmed; job ${id} was kept`);
  fill(outcome, `Deleting (expected_status=${precheck.status})…`);
  let deletion = null;
  try {
    deletion = (await call('DELETE', path, {
      query: { expected_status: precheck.status, purge_artifacts: 'true' },
    })).body;
  } catch (e) {
    if (gone(e)) return show('RACE_LOST', `job ${id} was deleted by someone else first`);
    if (e instanceof ApiError && e.status === 409 && e.code === 'invalid_state') {
      return show('RACE_LOST', `job ${id} is ${e.problem.current_status} now; it can no longer be deleted`);
    }
    throw e;
  }
  try {
    await get(path);
    return show('UNVERIFIED', `job ${id} still exists after the delete`);
  } catch (e) {
    if (gone(e)) return show('APPLIED', `deleted job ${id}${removedRecords(deletion)}`);
    throw e;
  }
}

/** Random hex for an Idempotency-Key (crypto.randomUUID needs a secure context; this does not). */
function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const FOLLOW_MS = 120000;

/**
 * Flushes the jobs a listing's filters select (GuardedActions.flushMatching): a dry run lists them
 * and words the pre-check, the dialog asks, the flush is sent bound to the dry run's snapshot, its
 * operation is followed to its end, and a dry run bound to the same snapshot verifies that none of
 * them is left. `query` is the API's filter parameters, `filter` the same for the sentence
 * (precheck.js flushPrecheck). Returns the outcome's name.
 */
export async function guardedFlush({ scope, query, filter, purge, force }, outcome, button, onDryRun) {
  const show = (kind, text) => showOutcome(outcome, 'flush', kind, text);
  const params = { ...query, scope, purge_artifacts: String(purge), force: String(force) };
  for (let round = 0; round < 3; round++) {
    fill(outcome, 'Dry run: listing the jobs the flush would hit…');
    const dry = (await call('POST', '/api/v1/jobs/flush', { query: { ...params, dry_run: 'true' } })).body;
    onDryRun?.(dry);
    const precheck = flushPrecheck(scope, filter, purge, dry);
    if (!precheck.allowed) return show('NOT_ALLOWED_IN_STATE', precheck.consequence);
    fill(outcome, '');
    const yes = await confirmDialog({
      title: `Flush ${dry.matched} job(s)?`,
      text: precheck.prompt,
      list: (dry.preview || []).map((j) => `${j.display_name || j.id} (${j.id}, ${j.status}, ${j.owner})`),
      note: `The dry run matched ${dry.matched} job(s)${dry.matched > (dry.preview || []).length
        ? ` (the first ${(dry.preview || []).length} are listed)` : ''}. The flush is bound to it `
        + '(its snapshot): it hits no job submitted since, and if its filters select other jobs by '
        + 'then, nothing is done and you are asked again.',
      confirm: 'Flush jobs',
    }, button);
    if (!yes) return show('DECLINED', 'not confirmed; nothing was flushed');
    fill(outcome, 'Flushing…');
    let operation;
    try {
      operation = (await call('POST', '/api/v1/jobs/flush', {
        query: { ...params, snapshot: dry.snapshot },
        headers: { 'Idempotency-Key': idempotencyKey() },
      })).body;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'conflict' && !e.problem.operation_id) {
        continue; // the filters select other jobs by now: dry-run and ask again
      }
      throw e;
    }
    const start = Date.now();
    while (operation.status === 'running' && Date.now() - start < FOLLOW_MS) {
      fill(outcome, `Flushing: ${operation.deleted} of ${operation.matched} job(s) removed…`);
      operation = await get(`/api/v1/operations/${encodeURIComponent(operation.id)}`, { query: { wait: '30s' } });
    }
    if (operation.status === 'running') {
      return show('UNVERIFIED', `flush ${operation.id} is still running after ${FOLLOW_MS / 1000} s `
        + `(${operation.deleted} of ${operation.matched} removed so far); follow it at /api/v1/operations/${operation.id}`);
    }
    if (operation.status !== 'succeeded') {
      return show('UNVERIFIED', `flush ${operation.id} ended ${operation.status} `
        + `(${operation.status_reason || 'no reason given'}); it removed ${operation.deleted} of ${operation.matched} job(s)`);
    }
    const after = (await call('POST', '/api/v1/jobs/flush', {
      query: { ...params, dry_run: 'true', snapshot: dry.snapshot },
    })).body;
    const hit = new Set(dry.job_ids);
    const left = (after.job_ids || []).filter((j) => hit.has(j));
    if (left.length) {
      return show('UNVERIFIED', `flush ${operation.id} succeeded, but ${left.length} of its jobs are still there: `
        + left.slice(0, 10).join(', ') + (left.length > 10 ? ' …' : ''));
    }
    if (operation.skipped_count > 0) {
      return show('UNVERIFIED', `flushed ${operation.deleted} of ${operation.matched} job(s); `
        + `${operation.skipped_count} survived: ${(operation.skipped || []).slice(0, 10).map((s) => s.id || s.job_id).join(', ')}`);
    }
    return show('APPLIED', `flushed ${operation.deleted} job(s)${flushRecords(operation)}`);
  }
  return show('RACE_LOST', 'the jobs to flush kept changing; nothing was done');
}

/** " with 1 model(s) and 2 result record(s)" (GuardedFlush.records), or nothing. */
function flushRecords(op) {
  if (!op.removed_models && !op.removed_results) return '';
  return ` with ${op.removed_models} model(s) and ${op.removed_results} result record(s)`;
}
