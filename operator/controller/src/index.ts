export {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_LABEL,
  labelValue,
  managedLabels,
} from './managed-labels.ts';
