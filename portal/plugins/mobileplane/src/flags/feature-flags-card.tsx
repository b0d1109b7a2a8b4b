import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  mobileBackendFlagsUpdatePermission,
  mobileBackendResourceRef,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Switch from '@material-ui/core/Switch';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
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
 * variants, and whether the operator accepted each set; a switch turns a flag on or off when the policy allows it.
 * When the cluster does not serve the FeatureFlagSet kind, the card says so.
 */
export function FeatureFlagsCard({ view }: { view: MobileBackendView }) {
  const api = useApi(mobileplaneApiRef);
  const flags = usePolling(() => api.getFeatureFlags(view), [api, view.cluster, view.namespace, view.name], 10_000);
  const value = flags.value;
  const permission = usePermission({
    permission: mobileBackendFlagsUpdatePermission,
    resourceRef: mobileBackendResourceRef(view),
  });
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<string>();

  async function toggle(set: string, flag: string, enabled: boolean) {
    setBusy(`${set}/${flag}`);
    setFailure(undefined);
    try {
      await api.setFlagState(view, set, flag, enabled ? 'ENABLED' : 'DISABLED');
      flags.reload();
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setBusy(undefined);
    }
  }
  return (
    <InfoCard title="Feature flags">
      {failure && <Alert severity="error">{failure}</Alert>}
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
                    <TableCell>
                      <Switch
                        size="small"
                        checked={flag.state === 'ENABLED'}
                        disabled={!permission.allowed || busy !== undefined}
                        onChange={(e) => toggle(set.metadata.name ?? '', key, e.target.checked)}
                        inputProps={{ 'aria-label': `${key} enabled` }}
                      />
                      {flag.state}
                    </TableCell>
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
