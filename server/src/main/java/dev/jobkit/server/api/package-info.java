/**
 * The HTTP API (v1): thin controllers that translate requests to the services and render their
 * answers, the live streams (Server-Sent Events), and the mapping of every failure to an RFC 9457
 * problem document with a stable {@code code}.
 */
package dev.jobkit.server.api;
