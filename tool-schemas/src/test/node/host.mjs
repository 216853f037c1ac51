// A long-running MCP host around the official TypeScript client, driven one command at a time by a
// Java test (TypeScriptHost). It spawns jobkit's MCP server over stdio, connects, lists the tools
// once (as a real host does, so the client validates structured content against the output
// schemas from the first call on), then reads one JSON command per line on stdin and writes
// exactly one JSON answer per line on stdout. Nothing else goes to stdout; diagnostics and the
// server's stderr go to stderr.
//
//   node host.mjs [--elicitation]
//
// The server is started from MCP_SERVER_COMMAND and MCP_SERVER_ARGS (a JSON array); the whole
// environment passes through to it (JOBKIT_URL, JOBKIT_API_KEY, JOBKIT_MCP_*).
//
// Every command is {"id": any, "op": ..., ...}; every answer is {"id": <the same>, "ok": true,
// "result": ...} or {"id", "ok": false, "error": {"code": <JSON-RPC code or null>, "message",
// "name", "data"?}}, plus "elapsed_ms". Commands run concurrently: a long call does not hold back
// the commands after it, so answers can come in another order than the commands.
//
//   list_tools [cursor]            the ListToolsResult (tools, nextCursor)
//   call name arguments [progress timeout_ms reset_timeout_on_progress max_total_timeout_ms
//        cancel_after_ms]          client.callTool: the CallToolResult; the answer also carries
//                                  "progress" (every notification's params with the elapsed_ms at
//                                  which it came) and "aborted" (true once cancel_after_ms fired)
//   elicitation answer             how later elicitation/create requests are answered: accept
//                                  (confirm true), accept_false, decline or cancel; decline until set
//   elicitations                   the params of every elicitation/create received since the last
//                                  time, recorded with or without --elicitation
//   notifications                  every server notification other than progress and cancelled
//                                  received since the last time ({method, params})
//   list_resources, list_resource_templates, read_resource uri, subscribe uri, unsubscribe uri,
//   list_prompts, get_prompt name arguments, ping
//   server                         the server's capabilities, version and instructions
//   raw method params              client.request with a schema that accepts any result
//   close                          closes the client (the server sees the end of its stdin),
//                                  answers, exits 0; the end of stdin does the same without answer
import readline from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  ElicitRequestSchema,
  ErrorCode,
  McpError,
  ResultSchema,
} from "@modelcontextprotocol/sdk/types.js";

// stdout belongs to the answers; anything that logs through console goes to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

const flags = process.argv.slice(2);
if (flags.some((f) => f !== "--elicitation")) {
  console.error("usage: node host.mjs [--elicitation]");
  process.exit(2);
}
const elicitation = flags.includes("--elicitation");
if (!process.env.MCP_SERVER_COMMAND || !process.env.MCP_SERVER_ARGS) {
  console.error("host: MCP_SERVER_COMMAND and MCP_SERVER_ARGS must be set");
  process.exit(2);
}

const ELICITATION_ANSWERS = {
  accept: { action: "accept", content: { confirm: true } },
  accept_false: { action: "accept", content: { confirm: false } },
  decline: { action: "decline" },
  cancel: { action: "cancel" },
};
let elicitationAnswer = "decline";
let elicitations = [];
let notifications = [];

const client = new Client(
  { name: "jobkit-test-host", version: "1.0.0" },
  { capabilities: elicitation ? { elicitation: {} } : {} },
);
if (elicitation) {
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params);
    return ELICITATION_ANSWERS[elicitationAnswer];
  });
}
// What the SDK does for a request without a handler, except that an elicitation the server
// should not have sent (the client did not declare the capability) is recorded first.
client.fallbackRequestHandler = async (request) => {
  if (request.method === "elicitation/create") {
    elicitations.push(request.params);
  }
  console.error(`host: the server sent ${request.method}, which this client does not handle`);
  throw new McpError(ErrorCode.MethodNotFound, "Method not found");
};
client.fallbackNotificationHandler = async (notification) => {
  notifications.push({ method: notification.method, params: notification.params });
};
client.onerror = (error) => console.error(`host: ${error}`);
let closing = false;
client.onclose = () => {
  if (!closing) {
    console.error("host: the connection to the MCP server closed");
  }
};

const transport = new StdioClientTransport({
  command: process.env.MCP_SERVER_COMMAND,
  args: JSON.parse(process.env.MCP_SERVER_ARGS),
  env: { ...process.env },
  stderr: "inherit",
});

function answer(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

// Exits once everything written to stdout has gone out; with 1 after a failed start, whatever
// closes next.
let failed = false;
function exit(code) {
  process.stdout.write("", () => process.exit(failed ? 1 : code));
}

function errorOf(error) {
  return {
    code: error instanceof McpError ? error.code : null,
    message: error?.message ?? String(error),
    name: error?.name,
    data: error?.data,
  };
}

// The MCP server is a JVM that may take long to start when the tests run several at once on two
// busy cores; the client's default (60 s) would fail the whole host for it. TypeScriptHost waits as
// long for the first answer.
const CONNECT_TIMEOUT_MS = 180_000;

const connected = client
  .connect(transport, { timeout: CONNECT_TIMEOUT_MS })
  .then(() => client.listTools(undefined, { timeout: CONNECT_TIMEOUT_MS }))
  .catch((error) => {
    console.error(`host: could not connect to the MCP server: ${error?.stack ?? error}`);
    failed = true;
    exit(1);
    return new Promise(() => {});
  });

function take(list) {
  return list.splice(0, list.length);
}

async function call(command, extra) {
  const started = performance.now();
  const progress = [];
  extra.progress = progress;
  const options = {};
  if (command.progress) {
    options.onprogress = (params) =>
      progress.push({ ...params, elapsed_ms: Math.round(performance.now() - started) });
  }
  if (command.timeout_ms != null) options.timeout = command.timeout_ms;
  if (command.reset_timeout_on_progress != null) {
    options.resetTimeoutOnProgress = command.reset_timeout_on_progress;
  }
  if (command.max_total_timeout_ms != null) options.maxTotalTimeout = command.max_total_timeout_ms;
  let timer;
  if (command.cancel_after_ms != null) {
    const controller = new AbortController();
    options.signal = controller.signal;
    extra.aborted = false;
    timer = setTimeout(() => {
      extra.aborted = true;
      controller.abort(`the test cancelled the call after ${command.cancel_after_ms} ms`);
    }, command.cancel_after_ms);
  }
  try {
    return await client.callTool(
      { name: command.name, arguments: command.arguments },
      undefined,
      options,
    );
  } finally {
    clearTimeout(timer);
  }
}

const operations = {
  list_tools: (c) => client.listTools(c.cursor ? { cursor: c.cursor } : undefined),
  call,
  elicitation: (c) => {
    if (!(c.answer in ELICITATION_ANSWERS)) {
      throw new Error(`answer must be one of ${Object.keys(ELICITATION_ANSWERS)}, not ${c.answer}`);
    }
    elicitationAnswer = c.answer;
    return {};
  },
  elicitations: () => take(elicitations),
  notifications: () => take(notifications),
  list_resources: (c) => client.listResources(c.cursor ? { cursor: c.cursor } : undefined),
  list_resource_templates: (c) =>
    client.listResourceTemplates(c.cursor ? { cursor: c.cursor } : undefined),
  read_resource: (c) => client.readResource({ uri: c.uri }),
  subscribe: (c) => client.subscribeResource({ uri: c.uri }),
  unsubscribe: (c) => client.unsubscribeResource({ uri: c.uri }),
  list_prompts: (c) => client.listPrompts(c.cursor ? { cursor: c.cursor } : undefined),
  get_prompt: (c) => client.getPrompt({ name: c.name, arguments: c.arguments }),
  ping: () => client.ping(),
  server: () => ({
    capabilities: client.getServerCapabilities(),
    version: client.getServerVersion(),
    instructions: client.getInstructions(),
  }),
  raw: (c) => client.request({ method: c.method, params: c.params }, ResultSchema),
};

async function close() {
  closing = true;
  await client.close();
}

async function handle(command) {
  const started = performance.now();
  const extra = {};
  const elapsed = () => Math.round(performance.now() - started);
  try {
    if (command.op === "close") {
      await close();
      answer({ id: command.id, ok: true, result: {}, elapsed_ms: elapsed() });
      exit(0);
      return;
    }
    const operation = operations[command.op];
    if (!operation) {
      throw new Error(`unknown op '${command.op}'`);
    }
    await connected;
    const result = await operation(command, extra);
    answer({ id: command.id, ok: true, result, ...extra, elapsed_ms: elapsed() });
  } catch (error) {
    answer({ id: command.id, ok: false, error: errorOf(error), ...extra, elapsed_ms: elapsed() });
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line.trim() === "") {
    return;
  }
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    answer({ id: null, ok: false, error: { code: ErrorCode.ParseError, message: String(error) } });
    return;
  }
  // Not awaited: a call that waits must not hold back the commands after it.
  handle(command);
});
lines.on("close", async () => {
  if (!closing) {
    await close();
    exit(0);
  }
});
