import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  mobileBackendDeletePermission,
  mobileBackendResourceRef,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileBackendRef, MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { usePolling } from '../common/use-polling';
import { ResourceConditions } from '../conditions/resource-conditions';
import type { ResourceStatusView } from '../conditions/resource-status';
import { FeatureFlagsCard } from '../flags/feature-flags-card';
import { RedMetricsCard } from '../metrics/red-metrics-card';
import { RolloutCard } from '../rollout/rollout-card';
import { ComponentsCard, EndpointsCard } from './components-card';

function DeleteButton({ view, onDeleted }: { view: MobileBackendView; onDeleted(): void }) {
  const api = useApi(mobileplaneApiRef);
  const permission = usePermission({
    permission: mobileBackendDeletePermission,
    resourceRef: mobileBackendResourceRef(view),
  });
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  async function remove() {
    try {
      await api.deleteBackend(view);
      setOpen(false);
      onDeleted();
    } catch (e) {
      setError((e as Error).message);
    }
  }
  return (
    <>
      <Button variant="outlined" disabled={!permission.allowed} onClick={() => setOpen(true)}>
        Delete
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="delete-backend-title">
        <DialogTitle id="delete-backend-title">{`Delete ${view.namespace}/${view.name}?`}</DialogTitle>
        <DialogContent>
          <Typography>The operator removes every component of this backend. Its data in the database stays.</Typography>
          {error && <Alert severity="error">{error}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button color="secondary" variant="contained" onClick={remove}>
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/**
 * Everything about one backend, refreshed every few seconds: conditions, components and replicas, endpoints, rollout
 * with promote/abort, feature flags, RED charts. Used by the backend page and the catalog entity tab.
 */
export function BackendDetails({ backendRef, onDeleted }: { backendRef: MobileBackendRef; onDeleted?(): void }) {
  const api = useApi(mobileplaneApiRef);
  const { value, error, loading, reload } = usePolling(
    () => api.getBackend(backendRef),
    [api, backendRef.cluster, backendRef.namespace, backendRef.name],
  );
  const [deleted, setDeleted] = useState(false);
  if (deleted)
    return <Alert severity="success">{`${backendRef.namespace}/${backendRef.name} is being deleted.`}</Alert>;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (loading && !value) return <Progress />;
  if (!value) return null;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 8 }}>
          <Chip label={`cluster ${value.cluster}`} size="small" />
          <Chip label={`namespace ${value.namespace}`} size="small" />
          <Chip label={`team ${value.team ?? '—'}`} size="small" />
          <Chip label={`tier ${value.tier ?? '—'}`} size="small" />
          <Chip label={`version ${value.resource.spec.runtime.version}`} size="small" />
          <Box flexGrow={1} />
          <DeleteButton
            view={value}
            onDeleted={() => {
              setDeleted(true);
              onDeleted?.();
            }}
          />
        </Box>
        {error && <Alert severity="warning">{`Showing the last known state: ${error.message}`}</Alert>}
      </Grid>
      <Grid item xs={12}>
        <ResourceConditions resource={value.resource as unknown as ResourceStatusView} />
      </Grid>
      <Grid item xs={12} md={6}>
        <RolloutCard view={value} onChanged={reload} />
      </Grid>
      <Grid item xs={12} md={6}>
        <EndpointsCard view={value} />
      </Grid>
      <Grid item xs={12}>
        <ComponentsCard view={value} />
      </Grid>
      <Grid item xs={12}>
        <RedMetricsCard view={value} />
      </Grid>
      <Grid item xs={12}>
        <FeatureFlagsCard view={value} />
      </Grid>
    </Grid>
  );
}
