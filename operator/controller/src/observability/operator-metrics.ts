import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestObserver } from '../kube/kube-client.ts';
import type { WorkQueueMetrics } from '../workqueue/work-queue.ts';

const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

/**
 * The operator's metrics. Names and labels follow controller-runtime (`controller_runtime_*`, `workqueue_*`,
 * `rest_client_requests_total`, `leader_election_master_status`) so existing dashboards and alerts work;
 * Mobileplane-specific ones are prefixed `mobileplane_`.
 */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers: [this.registry],
  });
  readonly reconcileTriggers = new Counter({
    name: 'mobileplane_reconcile_triggers_total',
    help: 'Reconciles by what queued them: an event (the object, a child, a retry) or the periodic resync alone',
    labelNames: ['controller', 'trigger'] as const,
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly terminalReconcileErrors = new Counter({
    name: 'controller_runtime_terminal_reconcile_errors_total',
    help: 'Total number of terminal reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers: [this.registry],
  });
  readonly maxConcurrentReconciles = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  readonly queueAdds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  readonly queueRetries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  readonly queueLatency = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'] as const,
    buckets: QUEUE_BUCKETS,
    registers: [this.registry],
  });
  readonly workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'] as const,
    buckets: QUEUE_BUCKETS,
    registers: [this.registry],
  });
  readonly unfinishedWork = new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  readonly longestRunning = new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  readonly restClientRequests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code and method',
    labelNames: ['code', 'method'] as const,
    registers: [this.registry],
  });
  readonly leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: '1 when this process holds the leader Lease, 0 otherwise',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });
  readonly kubeApiRequests = new Counter({
    name: 'mobileplane_kube_api_requests_total',
    help: 'Kubernetes API requests sent by the operator, by verb, resource and HTTP status (0: no response)',
    labelNames: ['verb', 'resource', 'code'] as const,
    registers: [this.registry],
  });
  readonly kubeApiLatency = new Histogram({
    name: 'mobileplane_kube_api_request_duration_seconds',
    help: 'Latency of Kubernetes API requests (watches excluded), by verb',
    labelNames: ['verb'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly informerRelists = new Counter({
    name: 'mobileplane_informer_relists_total',
    help: 'Full lists an informer made (start, 410 Gone)',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly informerWatchErrors = new Counter({
    name: 'mobileplane_informer_watch_errors_total',
    help: 'Failed or silent watches an informer restarted with backoff',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly objectWrites = new Counter({
    name: 'mobileplane_object_writes_total',
    help: 'Child objects applied or pruned by a reconcile, by controller, kind and action',
    labelNames: ['controller', 'kind', 'action'] as const,
    registers: [this.registry],
  });
  readonly reconcileStepTime = new Histogram({
    name: 'mobileplane_reconcile_step_seconds',
    help: 'Time spent in each named reconcile step',
    labelNames: ['controller', 'step'] as const,
    buckets: RECONCILE_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Observer for the KubeClient: counts every request. */
  readonly observeRequest: RequestObserver = ({ verb, resource, code, seconds }) => {
    this.kubeApiRequests.inc({ verb, resource, code: String(code) });
    this.restClientRequests.inc({
      code: String(code),
      method: verb === 'watch' || verb === 'list' ? 'GET' : verbMethod[verb],
    });
    if (verb !== 'watch') this.kubeApiLatency.observe({ verb }, seconds);
  };

  workQueue(controller: string): WorkQueueMetrics {
    const labels = { name: controller, controller };
    return {
      adds: () => this.queueAdds.inc(labels),
      retries: () => this.queueRetries.inc(labels),
      depth: (depth) => this.queueDepth.set(labels, depth),
      queueLatency: (seconds) => this.queueLatency.observe(labels, seconds),
      workDuration: (seconds) => this.workDuration.observe(labels, seconds),
    };
  }
}

const verbMethod = { get: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE' } as const;
