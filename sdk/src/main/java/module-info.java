/**
 * The Jobkit SDK: a typed client of the Jobkit job service. Only the API packages are exported;
 * {@code dev.jobkit.sdk.internal} (the Feign interface, its envelopes and codec) is not. The
 * packages whose records travel as JSON are open to Jackson, which reads and writes them.
 */
module dev.jobkit.sdk {
  requires java.net.http;
  requires com.fasterxml.jackson.annotation;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires feign.core;
  requires feign.jackson3;
  requires feign.java11;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;

  exports dev.jobkit.sdk;
  exports dev.jobkit.sdk.apps;
  exports dev.jobkit.sdk.data;
  exports dev.jobkit.sdk.guard;
  exports dev.jobkit.sdk.jobs;
  exports dev.jobkit.sdk.lifecycle;
  exports dev.jobkit.sdk.shares;
  exports dev.jobkit.sdk.users;
  exports dev.jobkit.sdk.webhooks;
  exports dev.jobkit.sdk.workers;

  opens dev.jobkit.sdk to
      tools.jackson.databind;
  opens dev.jobkit.sdk.apps to
      tools.jackson.databind;
  opens dev.jobkit.sdk.data to
      tools.jackson.databind;
  opens dev.jobkit.sdk.guard to
      tools.jackson.databind;
  opens dev.jobkit.sdk.jobs to
      tools.jackson.databind;
  opens dev.jobkit.sdk.lifecycle to
      tools.jackson.databind;
  opens dev.jobkit.sdk.shares to
      tools.jackson.databind;
  opens dev.jobkit.sdk.users to
      tools.jackson.databind;
  opens dev.jobkit.sdk.webhooks to
      tools.jackson.databind;
  opens dev.jobkit.sdk.workers to
      tools.jackson.databind;
  opens dev.jobkit.sdk.internal to
      tools.jackson.databind,
      feign.core;
}
