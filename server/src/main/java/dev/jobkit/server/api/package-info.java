/**
 * The HTTP API (v1): thin controllers that translate requests to the services and render their
 * answers, the live streams (Server-Sent Events), the mapping of every failure to an RFC 9457
 * problem document with a stable {@code code}, and the OpenAPI 3.1 document that describes it all
 * ({@code OpenApiDocument}).
 */
package dev.jobkit.server.api;
