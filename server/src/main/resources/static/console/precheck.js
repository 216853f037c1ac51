// The pre-checks of stop, delete and flush, in the words the shell, the SDK and the agent tools use:
// a mirror of the SDK's dev.jobkit.sdk.Prompts (stop, delete, flush) and
// dev.jobkit.sdk.guard.PromptText (keep them in step). The service has no endpoint that words them,
// so the console builds them from the job and its events, or from a flush's dry run, read just
// before the dialog opens.

const MAX_CHARS = 80;
const RENAME_WINDOW_MS = 60 * 60 * 1000;

export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);
const LAUNCHED = new Set(['RUNNING', 'RUN_DONE', 'POSTPROCESSED', 'STAGED_OUT', 'CANCEL_REQUESTED']);

/** Whether the lifecycle allows a stop: any active (not ended) state. */
export function stopAllowed(status) {
  return !TERMINAL.has(status);
}

/** What a stop does in a state: a yes holds while a job moves within one effect. */
export function stopEffect(status) {
  if (!stopAllowed(status)) {
    return 'NONE';
  }
  if (status === 'CANCEL_REQUESTED') {
    return 'ALREADY_STOPPING';
  }
  return LAUNCHED.has(status) ? 'ENDS_RUNNING' : 'CANCELS_BEFORE_RUN';
}

const QUOTE_LIKE = new Set([
  0x22, 0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x2036, 0x275d, 0x275e, 0x301d, 0x301e, 0x301f,
  0xff02, 0x00ab, 0x00bb,
]);
const GAP = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Cs}\u115F\u1160\u3164\uFFA0\s]/u;

/** PromptText.clean: gaps to one space, quotes to ', at most 80 characters with … at a cut. */
export function clean(text) {
  if (text === null || text === undefined) {
    return '';
  }
  const out = [];
  let gap = false;
  for (const ch of String(text)) {
    if (out.length > MAX_CHARS) {
      break;
    }
    if (GAP.test(ch)) {
      gap = true;
      continue;
    }
    if (gap && out.length > 0) {
      out.push(' ');
    }
    gap = false;
    out.push(QUOTE_LIKE.has(ch.codePointAt(0)) ? "'" : ch);
  }
  if (out.length <= MAX_CHARS) {
    return out.join('');
  }
  return out.slice(0, MAX_CHARS - 1).join('').trimEnd() + '…';
}

export const quoted = (text) => `"${clean(text)}"`;

/** PromptText.ago. */
export function ago(then, now) {
  const seconds = Math.floor((now - then) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

const name = (job) => `Job ${clean(job.id)} ${quoted(job.display_name)}`;

function recentRename(events, now) {
  const after = now - RENAME_WINDOW_MS;
  const renames = events.filter(
    (e) => e.kind === 'renamed' && e.at && Date.parse(e.at) > after,
  );
  if (!renames.length) {
    return null;
  }
  return { from: renames[0].old_value, at: Date.parse(renames[0].at), since: renames.length - 1 };
}

function describe(job, rename, now) {
  let s = `${name(job)} (owner ${clean(job.owner)}`;
  if (job.created_at) {
    s += `, submitted ${ago(Date.parse(job.created_at), now)}`;
  }
  if (rename) {
    s += `; renamed from ${quoted(rename.from)} ${ago(rename.at, now)}`;
    if (rename.since > 0) {
      s += ` and ${rename.since} ${rename.since === 1 ? 'more time' : 'more times'} since`;
    }
  }
  return s + ')';
}

function consequence(job) {
  const status = job.status;
  switch (stopEffect(status)) {
    case 'NONE':
      return TERMINAL.has(status)
        ? `${name(job)} has already ended ${status}; there is nothing to stop.`
        : `${name(job)} is ${status}; stop is not allowed in that state.`;
    case 'ALREADY_STOPPING':
      return 'It is already being stopped; its processes are being terminated.';
    case 'ENDS_RUNNING':
      return 'Stopping a running job cannot be undone and discards any progress it has not checkpointed.';
    default:
      return 'Stopping it cancels it before it runs; this cannot be undone.';
  }
}

/**
 * The stop pre-check of a job just read, with its events: {status, allowed, consequence, prompt},
 * prompt being the shell's question without its " [yes/no]" (the dialog's buttons answer it).
 */
export function stopPrecheck(job, events, now = Date.now()) {
  const status = job.status;
  const text = consequence(job);
  if (!stopAllowed(status)) {
    return { status, allowed: false, consequence: text, prompt: null };
  }
  const question = status === 'CANCEL_REQUESTED' ? 'Wait for it to end?' : 'Stop it?';
  const prompt = `${describe(job, recentRename(events, now), now)} is currently ${status}. ${text} ${question}`;
  return { status, allowed: true, consequence: text, prompt };
}

/**
 * The delete pre-check of a job just read, with its events (Prompts.delete): only an ended job
 * may be deleted; purgeArtifacts says whether its files go too.
 */
export function deletePrecheck(job, events, purgeArtifacts = true, now = Date.now()) {
  const status = job.status;
  if (!TERMINAL.has(status)) {
    const why = `${name(job)} is ${status}; only a job that has ended can be deleted (stop it first).`;
    return { status, allowed: false, consequence: why, prompt: null };
  }
  const text = purgeArtifacts
    ? 'Deleting it removes the job, its events and its files; this cannot be undone.'
    : 'Deleting it removes the job and its events (its files stay on disk); this cannot be undone.';
  const prompt = `${describe(job, recentRename(events, now), now)} ended ${status}. ${text} Delete it?`;
  return { status, allowed: true, consequence: text, prompt };
}

/** The status aliases the API accepts (docs/lifecycle.md, "Status aliases"), lower-cased. */
export const ALIASES = {
  pending: 'QUEUED', queuing: 'QUEUED', queued: 'QUEUED', ready: 'QUEUED', created: 'QUEUED',
  reset: 'QUEUED', assigned: 'CLAIMED', claimed: 'CLAIMED', running: 'RUNNING',
  completed: 'SUCCEEDED', success: 'SUCCEEDED', succeeded: 'SUCCEEDED', job_finished: 'SUCCEEDED',
  failed: 'FAILED', canceled: 'CANCELED', cancelled: 'CANCELED', stopped: 'CANCELED',
  user_killed: 'CANCELED', canceling: 'CANCEL_REQUESTED', cancel_requested: 'CANCEL_REQUESTED',
  stopping: 'CANCEL_REQUESTED',
};

/** A status name or alias as the service reads it (JobStatus.parse): its name, or null. */
export function statusOf(text, names) {
  const t = String(text).trim();
  if (names.includes(t.toUpperCase())) return t.toUpperCase();
  return ALIASES[t.toLowerCase()] || null;
}

/** An RFC 3339 time as Java's Instant.toString writes it (no fraction when it is zero). */
export function instant(iso) {
  return new Date(iso).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Which jobs a flush's filter selects, as Prompts.selected words it: filter is
 * {owner, statuses: [names], name, tags: {k: v}, parent, createdAfter, createdBefore}.
 */
function selected(filter) {
  let s = '';
  if (filter.owner === 'me') {
    s += ' of yours';
  } else if (filter.owner) {
    s += ` of ${clean(filter.owner)}`;
  }
  if (filter.statuses?.length) {
    s += ` in state ${filter.statuses.join(' or ')}`;
  }
  if (filter.name) {
    s += ` whose name contains ${quoted(filter.name)}`;
  }
  const tags = Object.keys(filter.tags || {}).sort();
  if (tags.length) {
    s += ` tagged ${tags.map((k) => quoted(`${k}=${filter.tags[k]}`)).join(' and ')}`;
  }
  if (filter.parent) {
    s += ` children of ${clean(filter.parent)}`;
  }
  if (filter.createdAfter) {
    s += ` created after ${instant(filter.createdAfter)}`;
  }
  if (filter.createdBefore) {
    s += ` created before ${instant(filter.createdBefore)}`;
  }
  return s;
}

const FLUSH_NAMES = 5;

/**
 * The flush pre-check of a dry run (Prompts.flush): scope 'active' or 'all', the filter as for
 * selected(), whether the files go too, and the dry run's answer ({job_ids, preview}).
 */
export function flushPrecheck(scope, filter, purgeArtifacts, dry) {
  const ids = dry.job_ids || [];
  const ofOwner = selected(filter);
  if (!ids.length) {
    return {
      allowed: false,
      consequence: `No job${ofOwner} matches scope ${scope}; there is nothing to flush.`,
      prompt: null,
    };
  }
  const preview = dry.preview || [];
  const named = preview.length
    ? preview.slice(0, FLUSH_NAMES).map((j) => `${quoted(j.display_name)} (${clean(j.id)}, ${j.status}, ${clean(j.owner)})`)
    : ids.slice(0, FLUSH_NAMES).map(clean);
  const more = ids.length - named.length;
  const which = more > 0 ? `, among them ${named.join(', ')} and ${more} more` : `: ${named.join(', ')}`;
  const onlyEnded = filter.statuses?.length && filter.statuses.every((s) => TERMINAL.has(s));
  const consequence = `Flushing ${scope === 'active' ? 'active jobs' : 'all jobs'}${ofOwner}`
    + (onlyEnded ? ' removes ' : ' stops every running or queued one and removes ')
    + `${ids.length} job(s)${purgeArtifacts ? ' with their files' : ''}${which}; this cannot be undone.`;
  return { allowed: true, consequence, prompt: `${consequence} Flush them?` };
}
