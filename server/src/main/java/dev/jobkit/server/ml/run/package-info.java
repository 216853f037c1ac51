/**
 * The programs of the shipped {@code train} and {@code predict} apps. They run as a job's pod in a
 * JVM of their own, on a classpath of this package and Apache Commons Math only (the service stages
 * it readable by pods, see {@code ShippedApps}): no Spring, no Jackson. They reach the service over
 * HTTP with the job's token, as any job can.
 */
package dev.jobkit.server.ml.run;
