// A scripted MCP session with the official TypeScript client, against jobkit's MCP server spawned
// as a child process over stdio. McpTypeScriptClientIT runs it and checks the job on the service.
//
//   node session.mjs <elicit-accept|elicit-decline|no-elicit> <job-marker-file>
//
// The server is started from MCP_SERVER_COMMAND and MCP_SERVER_ARGS (a JSON array); JOBKIT_URL
// and JOBKIT_API_KEY pass through. The transcript (one JSON document) goes to stdout.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [scenario, gate] = process.argv.slice(2);
if (!["elicit-accept", "elicit-decline", "no-elicit"].includes(scenario) || !gate) {
  console.error("usage: node session.mjs <elicit-accept|elicit-decline|no-elicit> <gate-file>");
  process.exit(2);
}

const elicit = scenario !== "no-elicit";
const client = new Client(
  { name: "jobkit-e2e", version: "1.0.0" },
  { capabilities: elicit ? { elicitation: {} } : {} },
);
const elicitations = [];
if (elicit) {
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params);
    return scenario === "elicit-accept"
      ? { action: "accept", content: { confirm: true } }
      : { action: "decline" };
  });
}

const transport = new StdioClientTransport({
  command: process.env.MCP_SERVER_COMMAND,
  args: JSON.parse(process.env.MCP_SERVER_ARGS),
  env: { ...process.env },
  stderr: "inherit",
});

const transcript = { scenario, steps: [], elicitations };
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  transcript.steps.push({ name, args, isError: result.isError ?? false, result: result.structuredContent });
  return result.structuredContent;
}

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  transcript.tools = tools.map((t) => ({
    name: t.name,
    annotations: t.annotations,
    hasOutputSchema: t.outputSchema !== undefined,
  }));
  const submitted = await call("submit_job", {
    shell: `while [ ! -f '${gate}' ]; do sleep 0.05; done`,
    display_name: `e2e-${scenario}`,
  });
  const id = submitted.job.id;
  await call("wait_for_job", { job_id: id, until: ["running"], timeout_seconds: 60 });
  await call("get_job", { job_id: id });
  const first = await call("stop_job", { job_id: id });
  if (first.confirmation_token) {
    await call("stop_job", { job_id: id, confirmation_token: first.confirmation_token });
  }
  await call("get_job", { job_id: id });
  transcript.job_id = id;
} finally {
  await client.close();
}
process.stdout.write(JSON.stringify(transcript) + "\n");
