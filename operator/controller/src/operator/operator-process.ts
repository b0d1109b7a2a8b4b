import type { Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { createBackendController } from '../backend/backend-controller.ts';
import type { ControllerSetup } from '../controller/owned-informers.ts';
import { EventRecorder } from '../controller/event-recorder.ts';
import { createEnvironmentController } from '../environment/environment-controller.ts';
import { createFlagsController } from '../flags/flags-controller.ts';
import { KubeClient, WRITE_VERBS, type RequestObserver } from '../kube/kube-client.ts';
import { LeaderElector } from '../leader/leader-elector.ts';
import { startHttpServer } from '../observability/http-server.ts';
import { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { OperatorOptions } from './operator-options.ts';

/**
 * The operator's lifecycle: serve health and metrics → win the leader Lease (if enabled) → start informers →
 * wait for their first list → run the controllers → on SIGTERM/SIGINT stop taking work, drain reconciles in
 * progress, release the Lease and exit 0. Losing the Lease exits 1 at once (controller-runtime does the same):
 * a process that might no longer be leader must not write.
 */
export async function runOperator(options: OperatorOptions, logger: Logger): Promise<number> {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  const metrics = new OperatorMetrics();
  // Every write at debug level, with the time it completed: the audit trail that shows two leaders never write
  // at once (test/e2e/leader-election.test.ts).
  const observe: RequestObserver = (request) => {
    metrics.observeRequest(request);
    if (WRITE_VERBS.has(request.verb) && request.resource !== 'leases') logger.debug(request, 'api write');
  };
  // A request never outlives the renew deadline: a leader that lost its Lease has no write still in flight
  // once a standby can have taken over.
  const client = new KubeClient(kc, {
    observe,
    maxConcurrentWrites: options['max-concurrent-writes'],
    requestTimeoutMs: options['leader-elect']
      ? Math.max(1_000, Math.min(30_000, options['renew-deadline'] - options['retry-period']))
      : 30_000,
  });
  const events = new EventRecorder(client, options.identity, logger);
  const shutdown = new AbortController();
  const leaderName = options['leader-election-id'];
  metrics.leaderStatus.set({ name: leaderName }, 0);

  const setups: ControllerSetup[] = [];
  let leading = !options['leader-elect'];
  const checks = {
    healthy: () => ({ ok: true, detail: 'ok' }),
    ready: () => {
      if (!leading) return { ok: true, detail: 'standby: waiting for the leader lease' };
      const pending = setups.flatMap((s) => s.informers).filter((i) => !i.hasSynced);
      return pending.length === 0
        ? { ok: true, detail: 'ok' }
        : { ok: false, detail: `caches not synced: ${pending.map((i) => i.resource.plural).join(', ')}` };
    },
  };
  const server: Server = await startHttpServer(options['http-bind-address'], metrics.registry, checks);
  const address = server.address();
  logger.info(
    { address, identity: options.identity, options: { ...options, controllers: [...options.controllers] } },
    'operator starting',
  );

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down: draining reconciles in progress');
    shutdown.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const elector = options['leader-elect']
    ? new LeaderElector(
        // Its own client: Lease renewals never queue behind reconcile writes, and time out well inside the
        // renew deadline so a stuck request cannot eat it.
        new KubeClient(kc, {
          observe: metrics.observeRequest,
          requestTimeoutMs: Math.max(1_000, Math.floor(options['renew-deadline'] / 3)),
        }),
        {
          namespace: options['leader-election-namespace'],
          name: leaderName,
          identity: options.identity,
          leaseDurationMs: options['lease-duration'],
          renewDeadlineMs: options['renew-deadline'],
          retryPeriodMs: options['retry-period'],
        },
        logger,
      )
    : undefined;
  if (elector !== undefined) {
    leading = await elector.acquire(shutdown.signal);
    if (!leading) {
      server.close();
      return 0;
    }
  }
  metrics.leaderStatus.set({ name: leaderName }, 1);
  logger.info('leading: starting controllers');

  const rateLimiter = { baseDelayMs: options['backoff-base'], maxDelayMs: options['backoff-max'], qps: 10, burst: 100 };
  const common = {
    client,
    metrics,
    logger,
    events,
    concurrency: options['max-concurrent-reconciles'],
    resyncMs: options['resync-period'],
    rateLimiter,
  };
  if (options.controllers.has('backend')) {
    setups.push(
      createBackendController({
        ...common,
        namespace: options['watch-namespace'],
        defaultImage: options['runtime-image'],
        podTolerations: options['pod-tolerations'],
      }),
    );
  }
  if (options.controllers.has('environment')) {
    setups.push(createEnvironmentController({ ...common, selector: options['environment-selector'] }));
  }
  if (options.controllers.has('flags')) {
    setups.push(createFlagsController({ ...common, namespace: options['watch-namespace'] }));
  }

  const informersStopped = new AbortController();
  const informerRuns = setups.flatMap((s) => s.informers).map((informer) => informer.run(informersStopped.signal));
  // The Lease is renewed until the workers have stopped, not only until the signal: a standby must not lead
  // while this process still writes (controller-runtime releases only after its runnables returned).
  const leaseHeld = new AbortController();
  const holding = elector?.holdUntil(leaseHeld.signal).catch((error: unknown) => {
    metrics.leaderStatus.set({ name: leaderName }, 0);
    logger.fatal({ err: error }, 'lost the leader lease: exiting');
    process.exit(1);
  });
  await Promise.race([
    Promise.all(setups.flatMap((s) => s.informers).map((i) => i.synced())),
    abortPromise(shutdown.signal),
  ]);
  if (!shutdown.signal.aborted) logger.info('caches synced: reconciling');
  const drained = await Promise.all(setups.map((s) => s.controller.run(shutdown.signal)));

  informersStopped.abort();
  await Promise.allSettled(informerRuns);
  if (drained.includes(false)) {
    // A reconcile is still writing after the drain timeout: exit without releasing, so a standby waits out the
    // lease duration, by which time this process and its requests are gone.
    logger.error('reconciles still running after the drain timeout: exiting without releasing the lease');
    return 1;
  }
  await events.flush(); // Events are writes too: none may still be in flight once a standby can lead
  leaseHeld.abort();
  await holding;
  await elector?.release();
  metrics.leaderStatus.set({ name: leaderName }, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  logger.info('stopped');
  return 0;
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
