// The operator as a library: what other packages (the portal's backend, tests, benchmarks) may reuse.
export {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_LABEL,
  labelValue,
  managedLabels,
} from './managed-labels.ts';
export { REASONS } from './controller/condition-reasons.ts';
export type { Reason } from './controller/condition-reasons.ts';
export { backendObjects, enabledComponents } from './backend/backend-objects.ts';
export { environmentObjects } from './environment/environment-objects.ts';
export { parseOperatorOptions } from './operator/operator-options.ts';
export type { OperatorOptions } from './operator/operator-options.ts';
export { runOperator } from './operator/operator-process.ts';
