/**
 * The shipped {@code train} and {@code predict} apps, on the service's side: registering them at
 * start, checking what a submission of them names, and recording a model or a result when one of
 * their jobs succeeds. Their programs are in {@code dev.jobkit.server.ml.run}.
 */
package dev.jobkit.server.ml;
