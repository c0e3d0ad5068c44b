import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics of one context (a registry of its own, so tests can build many). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total', help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'], registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request duration',
    labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: 'job_runs_total', help: 'Job runs by job and outcome', labelNames: ['job', 'outcome'], registers: [this.registry],
  });
  readonly jobLastSuccess = new Gauge({
    name: 'job_last_success_timestamp_seconds', help: 'Unix time of the last successful run of each job',
    labelNames: ['job'], registers: [this.registry],
  });
  readonly botEvents = new Counter({
    name: 'bot_events_total', help: 'Bot account events (login, logout, error) by station',
    labelNames: ['station', 'event'], registers: [this.registry],
  });
  readonly botMessages = new Counter({
    name: 'bot_messages_total', help: 'Messages in and out by station and result',
    labelNames: ['station', 'direction', 'result'], registers: [this.registry],
  });

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
