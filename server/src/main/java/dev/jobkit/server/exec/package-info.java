/**
 * Running jobs: {@link dev.jobkit.server.exec.JobExecutor} is the SPI the engine launches and stops
 * attempts through; {@link dev.jobkit.server.exec.LocalProcessExecutor} runs each pod as a local
 * process in its own process group, so a stop reaches every descendant; {@link
 * dev.jobkit.server.exec.JobFiles} is the layout of a job's files under the data dir. Jobs are
 * untrusted code: when the service is root, {@code PodUsers} gives each running job a uid of its
 * own and {@code DataDirModes} keeps the data dir private to the service.
 */
package dev.jobkit.server.exec;
