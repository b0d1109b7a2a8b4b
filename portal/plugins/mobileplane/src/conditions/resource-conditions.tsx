import { API_VERSION, isMobileplaneKind } from '@mobileplane/api';
import { InfoCard, StatusError, StatusOK, StatusPending, StatusWarning } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ComponentType, PropsWithChildren } from 'react';
import { orderConditions, readiness } from './readiness';
import type { ReadinessState } from './readiness';
import type { ResourceStatusView } from './resource-status';

const badges: Record<ReadinessState, { label: string; Status: ComponentType<PropsWithChildren> }> = {
  Ready: { label: 'Ready', Status: StatusOK },
  NotReady: { label: 'Not ready', Status: StatusError },
  Reconciling: { label: 'Reconciling', Status: StatusPending },
  Unknown: { label: 'Unknown', Status: StatusWarning },
};

export interface ResourceConditionsProps {
  resource: ResourceStatusView;
}

/** A mobileplane.io resource's status conditions, headed by a Ready badge that summarises them. */
export function ResourceConditions({ resource }: ResourceConditionsProps) {
  const { state, reason, message } = readiness(resource);
  const { label, Status } = badges[state];
  const conditions = orderConditions(resource.status?.conditions ?? []);
  const { name, namespace } = resource.metadata;

  return (
    <InfoCard title="Conditions" subheader={`${resource.kind} ${namespace ? `${namespace}/` : ''}${name}`}>
      {/* The Status components are aria-hidden; the live region carries the accessible name. */}
      <Box role="status" aria-label={label} display="flex" alignItems="baseline" mb={2}>
        <Status>{label}</Status>
        {(reason || message) && (
          <Typography variant="body2" color="textSecondary" component="span" style={{ marginLeft: 8 }}>
            {[reason, message].filter(Boolean).join(': ')}
          </Typography>
        )}
      </Box>
      {!isMobileplaneKind(resource.apiVersion, resource.kind) && (
        <Typography variant="body2" color="error" paragraph>
          {`This resource is served as ${resource.apiVersion}; the portal understands ${API_VERSION}.`}
        </Typography>
      )}
      {conditions.length === 0 ? (
        <Typography variant="body2">No conditions reported yet.</Typography>
      ) : (
        <Table size="small" aria-label="Conditions">
          <TableHead>
            <TableRow>
              <TableCell>Type</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Message</TableCell>
              <TableCell>Last transition</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {conditions.map((condition) => (
              <TableRow key={condition.type}>
                <TableCell>{condition.type}</TableCell>
                <TableCell>
                  <Chip size="small" variant="outlined" label={condition.status} />
                </TableCell>
                <TableCell>{condition.reason ?? ''}</TableCell>
                <TableCell>{condition.message ?? ''}</TableCell>
                <TableCell>{condition.lastTransitionTime ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
