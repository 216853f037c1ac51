/**
 * The agent tools: one {@link dev.jobkit.tools.registry.Tool} per job operation, each with an input
 * and an output record whose annotations are the only source of its JSON schemas, and the
 * descriptor files (MCP, OpenAI strict, Anthropic) generated from them.
 */
package dev.jobkit.tools.registry;
