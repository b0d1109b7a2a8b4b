import { StatusError, StatusOK, StatusPending, StatusWarning } from '@backstage/core-components';
import type { ComponentType, PropsWithChildren } from 'react';
import { readiness } from '../conditions/readiness';
import type { ReadinessState } from '../conditions/readiness';
import type { ResourceStatusView } from '../conditions/resource-status';

const LOOK: Record<ReadinessState, { label: string; Status: ComponentType<PropsWithChildren> }> = {
  Ready: { label: 'Ready', Status: StatusOK },
  NotReady: { label: 'Not ready', Status: StatusError },
  Reconciling: { label: 'Reconciling', Status: StatusPending },
  Unknown: { label: 'Unknown', Status: StatusWarning },
};

/** The readiness label of a resource, for filters and sorting. */
export function readinessLabel(resource: unknown): string {
  return LOOK[readiness(resource as ResourceStatusView).state].label;
}

/** A compact Ready cell: icon plus text (the text is what screen readers and tests read). */
export function ReadinessStatus({ resource }: { resource: unknown }) {
  const { state, reason } = readiness(resource as ResourceStatusView);
  const { label, Status } = LOOK[state];
  return (
    <span title={reason}>
      <Status />
      {label}
    </span>
  );
}
