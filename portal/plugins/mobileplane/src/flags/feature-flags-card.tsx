import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { usePolling } from '../common/use-polling';

/**
 * The backend's feature flags: every flag of the FeatureFlagSets that reference it, with state, default variant and
 * variants, and whether the operator accepted each set. Read-only for now; when the cluster does not serve the
 * FeatureFlagSet kind, the card says so.
 */
export function FeatureFlagsCard({ view }: { view: MobileBackendView }) {
  const api = useApi(mobileplaneApiRef);
  const flags = usePolling(() => api.getFeatureFlags(view), [api, view.cluster, view.namespace, view.name], 10_000);
  const value = flags.value;
  return (
    <InfoCard title="Feature flags">
      {flags.loading && !value && <Progress />}
      {flags.error && !value && (
        <Typography color="error">{`Flags could not be loaded: ${flags.error.message}`}</Typography>
      )}
      {value && !value.served && (
        <Typography variant="body2">
          This cluster does not serve FeatureFlagSets (mobileplane.io): install the FeatureFlagSet CRD to manage flags.
        </Typography>
      )}
      {value?.served && value.items.length === 0 && (
        <Typography variant="body2">No FeatureFlagSet references this backend.</Typography>
      )}
      {value?.served && value.items.length > 0 && (
        <div style={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Feature flags">
            <TableHead>
              <TableRow>
                <TableCell>Set</TableCell>
                <TableCell>Flag</TableCell>
                <TableCell>State</TableCell>
                <TableCell>Default</TableCell>
                <TableCell>Variants</TableCell>
                <TableCell>Accepted</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.items.flatMap((set) => {
                const accepted = set.status?.conditions?.find((c) => c.type === 'Accepted');
                return Object.entries(set.spec.flags).map(([key, flag]) => (
                  <TableRow key={`${set.metadata.name}/${key}`}>
                    <TableCell>{set.metadata.name}</TableCell>
                    <TableCell>{key}</TableCell>
                    <TableCell>{flag.state}</TableCell>
                    <TableCell>{flag.defaultVariant ?? '—'}</TableCell>
                    <TableCell>{Object.keys(flag.variants).join(', ')}</TableCell>
                    <TableCell>
                      {accepted ? `${accepted.status}${accepted.reason ? ` (${accepted.reason})` : ''}` : '—'}
                    </TableCell>
                  </TableRow>
                ));
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </InfoCard>
  );
}
