import { z } from 'zod';
import { withCelRules, type CelRule } from './cel-rules.ts';
import { celQuantity, parseQuantity, quantity, type Quantity } from './quantity.ts';

/** CPU and memory amounts, as in a container's `resources.requests` / `resources.limits`. */
export function computeResources(description: string) {
  return z
    .object({
      cpu: quantity('CPU in cores or millicores, for example 250m or 1.').optional(),
      memory: quantity('Memory in bytes with a binary suffix, for example 256Mi or 1Gi.').optional(),
    })
    .describe(description);
}

type Amounts = { cpu?: Quantity | undefined; memory?: Quantity | undefined };

/**
 * Rule "`lower.<resource>` ≤ `upper.<resource>` when both are set", named after the fields so the error says
 * which one, for example `requests.cpu must be less than or equal to limits.cpu`.
 */
export function notGreaterThan<T>(
  lower: { path: string; get: (self: T) => Amounts | undefined },
  upper: { path: string; get: (self: T) => Amounts | undefined },
  resource: 'cpu' | 'memory',
): CelRule<T> {
  const [lowerField, upperField] = [`${lower.path}.${resource}`, `${upper.path}.${resource}`];
  const present = (path: string) => {
    const parts = path.split('.');
    return parts.map((_, i) => `has(self.${parts.slice(0, i + 1).join('.')})`).join(' && ');
  };
  return {
    rule:
      `!(${present(lowerField)} && ${present(upperField)}) || ` +
      `${celQuantity(`self.${lowerField}`)}.compareTo(${celQuantity(`self.${upperField}`)}) <= 0`,
    message: `${lowerField} must be less than or equal to ${upperField}`,
    fieldPath: `.${lowerField}`,
    holds: (self) => {
      const low = lower.get(self)?.[resource];
      const high = upper.get(self)?.[resource];
      return low === undefined || high === undefined || parseQuantity(low) <= parseQuantity(high);
    },
  };
}

/** Requests and limits of a container, with requests ≤ limits enforced for CPU and memory. */
export function resourceRequirements(description: string) {
  const schema = z
    .object({
      requests: computeResources('Resources the scheduler reserves for each pod.').optional(),
      limits: computeResources('Most each pod may use; memory above the limit gets the container killed.').optional(),
    })
    .describe(description);
  const requests = { path: 'requests', get: (self: z.output<typeof schema>) => self.requests };
  const limits = { path: 'limits', get: (self: z.output<typeof schema>) => self.limits };
  return withCelRules(schema, [notGreaterThan(requests, limits, 'cpu'), notGreaterThan(requests, limits, 'memory')]);
}
