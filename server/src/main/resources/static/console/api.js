// The console's one way to the HTTP API: every request carries the API key the person pasted, as
// "Authorization: Bearer <key>". The key lives in sessionStorage only (this tab, until it closes or
// the person signs out): never in a URL, a cookie or localStorage. A tab opened with a share link
// (#/share/<job>/<token>) sends that share token the same way instead, and reads that one job.

const KEY = 'jobkit.apiKey';
const SHARE = 'jobkit.share';

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

/** The share this tab was opened with ({job, token}), or null. */
export function share() {
  try {
    return JSON.parse(sessionStorage.getItem(SHARE));
  } catch {
    return null;
  }
}

/** Keeps a share link's job and token for this tab: from now on they are its credential. */
export function saveShare(job, token) {
  sessionStorage.setItem(SHARE, JSON.stringify({ job, token }));
}

export function forgetShare() {
  sessionStorage.removeItem(SHARE);
}

/** What the requests send: the share token in a tab opened with a share link, else the API key. */
function credential() {
  return share()?.token || apiKey();
}

/** A failed API call: the problem document's detail, its code and the HTTP status. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `the service answered ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || null;
  }
}

/** Called when the service refuses the key (401) on any call: the app signs out. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

function headers(extra = {}, key = credential()) {
  const h = { Accept: 'application/json', ...extra };
  if (key) {
    h.Authorization = `Bearer ${key}`;
  }
  return h;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * The ApiError of an answer that is not 2xx, with its problem document; a 401 (the key is no longer
 * accepted) signs the page out first, unless `allow401` (the sign-in form checks a key).
 */
async function refusal(response, allow401 = false) {
  const problem = await problemOf(response);
  if (response.status === 401 && !allow401) {
    onUnauthorized();
  }
  return new ApiError(response.status, problem);
}

/**
 * Sends a request and returns the parsed JSON answer ({status, body}); throws ApiError for an
 * answer that is not 2xx. `key` overrides the stored key (the sign-in form checks one first).
 */
export async function call(method, path, { key, query, body, headers: more, allow401 = false } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    for (const v of [].concat(value)) {
      if (v !== undefined && v !== null && v !== '') {
        url.searchParams.append(name, v);
      }
    }
  }
  const extra = { ...(more || {}) };
  if (body !== undefined) {
    extra['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, {
    method,
    headers: headers(extra, key === undefined ? credential() : key),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    throw await refusal(response, allow401);
  }
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export const get = (path, options) => call('GET', path, options).then((r) => r.body);

/**
 * Downloads a file of the API as a person's download: read with fetch() and the Authorization
 * header (a plain link could not send it, and no key may go in a URL or a cookie), then handed to
 * the browser as a Blob through an object URL and an <a download>. Returns the Blob.
 */
export async function download(path, filename) {
  const response = await fetch(new URL(path, window.location.origin), {
    headers: headers({ Accept: '*/*' }),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    throw await refusal(response);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has started the download from the object URL; give it a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return blob;
}

/**
 * Reads a Server-Sent Events stream with fetch() (EventSource cannot send an Authorization
 * header), calling onEvent({id, event, data}) for each event, and reconnects after a drop with
 * Last-Event-ID (which the service prefers to a log stream's offset=) so nothing is missed or
 * repeated.
 *
 * Returns a handle whose close() ends it. onState(text) reports "live", "reconnecting…" and
 * the like for the page to show; onEnd() is called when the stream ended for good (a log's "end").
 */
export function openStream(path, { onEvent, onState = () => {}, endEvents = [] } = {}) {
  let lastId = null;
  let closed = false;
  let controller = null;
  let failures = 0;
  let wake = null;

  const wait = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function once() {
    controller = new AbortController();
    const url = new URL(path, window.location.origin);
    const extra = { Accept: 'text/event-stream' };
    if (lastId !== null) {
      extra['Last-Event-ID'] = lastId;
    }
    const response = await fetch(url, {
      headers: headers(extra),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) {
      if (response.status === 401) {
        closed = true; // signed out: no reconnecting
      }
      throw await refusal(response);
    }
    onState('live');
    failures = 0;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { id: null, event: 'message', data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return 'ended';
      }
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          // An event ends. One with an id and no data (the subscription point) only moves lastId.
          if (event.id !== null) {
            lastId = event.id;
          }
          if (event.data.length) {
            const data = event.data.join('\n');
            if (event.event === 'dropped') {
              try {
                const dropped = JSON.parse(data);
                if (dropped.last_event_id !== null && dropped.last_event_id !== undefined) {
                  lastId = String(dropped.last_event_id);
                }
              } catch {
                // reconnect from the last id seen
              }
            } else {
              onEvent({ id: event.id ?? lastId, event: event.event, data: JSON.parse(data) });
              if (endEvents.includes(event.event)) {
                return 'finished';
              }
            }
          }
          event = { id: null, event: 'message', data: [] };
          continue;
        }
        if (line.startsWith(':')) {
          continue; // a comment: :subscribed, :keepalive
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
          value = value.slice(1);
        }
        if (field === 'id') {
          event.id = value;
        } else if (field === 'event') {
          event.event = value;
        } else if (field === 'data') {
          event.data.push(value);
        }
      }
    }
  }

  (async () => {
    while (!closed) {
      try {
        const how = await once();
        if (how === 'finished') {
          closed = true;
          break;
        }
      } catch (e) {
        if (closed) {
          break;
        }
        if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) {
          onState(`stopped: ${e.message}`);
          closed = true;
          break;
        }
      }
      if (closed) {
        break;
      }
      failures++;
      onState('reconnecting…');
      await wait(Math.min(10000, 500 * 2 ** Math.min(failures, 5)));
    }
  })();

  return {
    close() {
      closed = true;
      controller?.abort();
      wake?.();
    },
  };
}
