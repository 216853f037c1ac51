package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.jobs.AppSteps;

/**
 * One attempt of a job as the dispatcher launched it: what its hooks need (the job, the attempt's
 * token) and the app steps around its pods ({@link AppSteps#NONE} for a job with no app).
 *
 * @param job the job as it was claimed
 * @param attempt the attempt's number
 * @param token the attempt's job token, which its hooks get as its pods do
 * @param steps the hooks and transfers of the job's app version
 */
record AppAttempt(Job job, int attempt, String token, AppSteps steps) {}
