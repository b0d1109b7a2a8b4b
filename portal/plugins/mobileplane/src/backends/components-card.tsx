import { InfoCard } from '@backstage/core-components';
import { COMPONENT_NAMES } from '@mobileplane/api';
import type { MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';

const n = (value: number | undefined) => (value === undefined ? '—' : String(value));

/** Each component: enabled, desired and observed replicas (stable and canary), revision. */
export function ComponentsCard({ view }: { view: MobileBackendView }) {
  const { spec, status } = view.resource;
  return (
    <InfoCard title="Components">
      <div style={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Components">
          <TableHead>
            <TableRow>
              <TableCell>Component</TableCell>
              <TableCell>Enabled</TableCell>
              <TableCell>Desired</TableCell>
              <TableCell>Ready</TableCell>
              <TableCell>Updated</TableCell>
              <TableCell>Canary</TableCell>
              <TableCell>Revision</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {COMPONENT_NAMES.map((name) => {
              const desired = spec.components[name];
              const observed = status?.components?.[name];
              return (
                <TableRow key={name}>
                  <TableCell>{name}</TableCell>
                  <TableCell>{desired.enabled ? 'yes' : 'no'}</TableCell>
                  <TableCell>{desired.enabled ? n(desired.replicas) : '—'}</TableCell>
                  <TableCell>
                    {desired.enabled ? `${n(observed?.readyReplicas)}/${n(observed?.replicas)}` : '—'}
                  </TableCell>
                  <TableCell>{n(observed?.updatedReplicas)}</TableCell>
                  <TableCell>{n(observed?.canaryReplicas)}</TableCell>
                  <TableCell>
                    <code>{observed?.revision ?? '—'}</code>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
    </InfoCard>
  );
}

/** The URLs the backend serves. */
export function EndpointsCard({ view }: { view: MobileBackendView }) {
  const endpoints = view.resource.status?.endpoints ?? [];
  return (
    <InfoCard title="Endpoints">
      {endpoints.length === 0 ? (
        <Typography variant="body2">No endpoints reported yet.</Typography>
      ) : (
        <ul aria-label="Endpoints" style={{ margin: 0, paddingLeft: 20 }}>
          {endpoints.map((e) => (
            <li key={e.name}>
              {`${e.name}: `}
              <Link href={e.url}>{e.url}</Link>
            </li>
          ))}
        </ul>
      )}
    </InfoCard>
  );
}
