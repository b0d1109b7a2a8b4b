import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { PodToleration } from '../kube/kube-object.ts';

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, { error: 'must be a duration such as 500ms, 15s, 10m or 1h' })
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(text) ?? [];
    return Number(amount) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  });

const address = z
  .string()
  .regex(/^[^:]*:\d+$/, { error: 'must be host:port or :port' })
  .transform((text) => {
    const colon = text.lastIndexOf(':');
    return { host: text.slice(0, colon) || '0.0.0.0', port: Number(text.slice(colon + 1)) };
  });

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const TOLERATION =
  /^([A-Za-z0-9][-A-Za-z0-9_./]*)(?:=([-A-Za-z0-9_.]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/;

/** `key[=value][:Effect]`, comma-separated (kubectl taint's syntax); no value tolerates any value (Exists). */
const tolerations = z.string().transform((text, ctx) => {
  const result: PodToleration[] = [];
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = TOLERATION.exec(item);
    if (match === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${item}" must be key[=value][:NoSchedule|PreferNoSchedule|NoExecute]`,
      });
      return z.NEVER;
    }
    const [, key = '', value, effect] = match;
    result.push({
      key,
      ...(value === undefined ? { operator: 'Exists' as const } : { operator: 'Equal' as const, value }),
      ...(effect ? { effect: effect as PodToleration['effect'] } : {}),
    });
  }
  return result;
});

/** Every flag, its environment variable and default; flags win over the environment. */
export const OperatorOptionsSchema = z.object({
  // prefault: defaults go through the transforms, as if given on the command line.
  kubeconfig: z.string().optional().describe('Path of a kubeconfig; default: $KUBECONFIG, then in-cluster.'),
  'http-bind-address': address.prefault(':8080').describe('Serves /healthz, /readyz and /metrics.'),
  'leader-elect': flag.prefault('true').describe('Run leader election; only the leader reconciles.'),
  'leader-election-namespace': z.string().default('mobileplane-system'),
  'leader-election-id': z.string().default('mobileplane-operator'),
  'lease-duration': duration.prefault('15s'),
  'renew-deadline': duration.prefault('10s'),
  'retry-period': duration.prefault('2s'),
  'resync-period': duration.prefault('10m').describe('Every primary object is reconciled again this often.'),
  'max-concurrent-reconciles': z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(16)
    .describe('Workers per controller; their writes share --max-concurrent-writes.'),
  'max-concurrent-writes': z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(16)
    .describe('Most create/update/patch/delete requests in flight at once (a 429 is retried after Retry-After).'),
  'watch-namespace': z.string().optional().describe('Only reconcile MobileBackends in this namespace.'),
  'environment-selector': z
    .string()
    .optional()
    .describe('Label selector: only reconcile MobileEnvironments that match (sharding, tests).'),
  controllers: z
    .string()
    .prefault('backend,environment,flags')
    .transform(
      (v) =>
        new Set(
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
    )
    .pipe(z.set(z.enum(['backend', 'environment', 'flags']))),
  'runtime-image': z.string().default('ghcr.io/mobileplane/runtime'),
  'pod-tolerations': tolerations
    .prefault('')
    .describe(
      'Tolerations added to every pod template the operator renders, as key[=value][:Effect], comma-separated ' +
        '(e.g. kwok.x-k8s.io/node=fake:NoSchedule to let test pods land on kwok nodes). Operator-wide, not a CRD field.',
    ),
  'backoff-base': duration.prefault('500ms').describe('First retry delay of a failing key; doubles per failure.'),
  'backoff-max': duration.prefault('5m'),
  'log-level': z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  identity: z.string().default(`${hostname()}_${process.pid}`),
});

export type OperatorOptions = z.output<typeof OperatorOptionsSchema>;

/** Parses `--flag=value` arguments over `MOBILEPLANE_<FLAG>` environment variables; fails naming the flag. */
export function parseOperatorOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): OperatorOptions {
  const names = Object.keys(OperatorOptionsSchema.shape);
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  const raw: Record<string, unknown> = {};
  for (const name of names) {
    const fromEnv = env[`MOBILEPLANE_${name.toUpperCase().replace(/-/g, '_')}`];
    const value = values[name] ?? fromEnv;
    if (value !== undefined) raw[name] = value;
  }
  if (raw.kubeconfig === undefined && env.KUBECONFIG) raw.kubeconfig = env.KUBECONFIG;
  const result = OperatorOptionsSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `invalid options: ${result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (result.data['renew-deadline'] >= result.data['lease-duration']) {
    throw new Error('invalid options: --renew-deadline must be shorter than --lease-duration');
  }
  if (result.data['retry-period'] >= result.data['renew-deadline']) {
    throw new Error('invalid options: --retry-period must be shorter than --renew-deadline');
  }
  return result.data;
}
