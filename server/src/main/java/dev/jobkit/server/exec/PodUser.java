package dev.jobkit.server.exec;

/**
 * Who one running job's pods are when the service runs as root.
 *
 * @param uid the job's own user id, from {@code jobkit.executor.pod-uids}
 * @param gid the job's own group id (the same number)
 * @param group the run-as account's group, the pods' only supplementary group: it lets them pass
 *     through the data dir and {@code jobs/} to their own directory, and nothing else
 * @param name the run-as account's name, the pods' {@code USER}
 */
record PodUser(int uid, int gid, int group, String name) {}
