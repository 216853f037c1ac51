// The web terminal's page (terminal.html#<ticket>): an xterm.js terminal on the service's terminal
// WebSocket. The ticket comes in the URL's fragment, which no request carries; the page takes it
// and removes it from the address bar and the history at once. Binary frames carry the terminal's
// bytes both ways; text frames are control messages: resize from here; from the service
// {"connected":{"job_id":…,"pod":…}} first, then {"exit":N} or {"error":…}.

const state = document.getElementById('terminal-state');
const title = document.getElementById('terminal-title');
const holder = document.getElementById('terminal');

const REFUSED = 'This terminal link was used already or has expired, or the pod has ended — ask for a new one.';

function say(text, kind = '') {
  state.textContent = text;
  state.className = kind;
}

/**
 * xterm.js 4's DOM renderer writes its rules into <style> elements it makes itself, which a
 * Content-Security-Policy without 'unsafe-inline' refuses. While the terminal opens, those elements
 * are <template>s instead (inert, never rendered, nothing for the CSP to refuse), and whatever
 * xterm.js writes into one is applied as a constructed stylesheet (CSSOM, which the CSP allows).
 */
function openWithoutInlineStyles(term, parent) {
  const create = Document.prototype.createElement;
  document.createElement = function createElement(name, options) {
    if (String(name).toLowerCase() !== 'style') {
      return create.call(this, name, options);
    }
    const rules = create.call(this, 'template');
    const sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    const apply = () => sheet.replaceSync(rules.content.textContent);
    new MutationObserver(apply).observe(rules.content, { childList: true, characterData: true, subtree: true });
    return rules;
  };
  try {
    term.open(parent);
  } finally {
    delete document.createElement;
  }
}

function start() {
  const ticket = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, '', location.pathname);
  if (!ticket) {
    say(REFUSED, 'refused');
    return;
  }

  const term = new window.Terminal({
    rendererType: 'dom',
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace',
    fontSize: 15,
    scrollback: 5000,
  });
  const fit = new window.FitAddon.FitAddon();
  term.loadAddon(fit);
  openWithoutInlineStyles(term, holder);
  fit.fit();

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/api/v1/terminal/socket?ticket=${encodeURIComponent(ticket)}`);
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  let opened = false;
  let exit;

  const sendSize = () => {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ resize: { cols: term.cols, rows: term.rows } }));
    }
  };

  socket.addEventListener('open', () => {
    opened = true;
    say('Connected.');
    sendSize();
    term.focus();
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') {
      const control = JSON.parse(event.data);
      if (control.connected) {
        describe(control.connected.job_id, control.connected.pod);
      } else if ('exit' in control) {
        exit = control.exit;
      } else if (control.error) {
        exit = control.error;
      }
      return;
    }
    term.write(new Uint8Array(event.data));
  });
  socket.addEventListener('close', () => {
    term.setOption('disableStdin', true);
    if (!opened) {
      say(REFUSED, 'refused');
    } else if (typeof exit === 'number') {
      say(`The shell exited with code ${exit}; the terminal is closed. Ask for a new one to go on.`, 'ended');
    } else if (typeof exit === 'string') {
      say(`The terminal could not start: ${exit}`, 'refused');
    } else {
      say('The connection closed (the pod or the job may have ended); ask for a new terminal to go on.', 'ended');
    }
  });

  term.onData((data) => {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(encoder.encode(data));
    }
  });
  term.onBinary((data) => {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(Uint8Array.from(data, (c) => c.charCodeAt(0)));
    }
  });
  term.onResize(sendSize);
  window.addEventListener('resize', () => fit.fit());
  term.focus();
}

/** Says where the terminal is, from the service's first message on the socket. */
function describe(jobId, pod) {
  const where = `pod ${pod} of job ${jobId}`;
  title.textContent = `Terminal: ${where}`;
  document.title = `Terminal: ${where} — Jobkit`;
  say(`Connected to ${where}.`);
}

start();
