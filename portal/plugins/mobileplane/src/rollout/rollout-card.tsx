import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ROLLOUT_ACTION_PHASES,
  mobileBackendResourceRef,
  mobileBackendRolloutPermission,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileBackendView, RolloutAction } from '@mobileplane/backstage-plugin-mobileplane-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { mobileplaneApiRef } from '../api/mobileplane-api';

/**
 * Rollout progress (phase, step, canary weight, versions) with Promote and Abort. The buttons are disabled, with the
 * reason, when the phase does not allow the action or the permission policy does not allow this user.
 */
export function RolloutCard({ view, onChanged }: { view: MobileBackendView; onChanged(): void }) {
  const api = useApi(mobileplaneApiRef);
  const permission = usePermission({
    permission: mobileBackendRolloutPermission,
    resourceRef: mobileBackendResourceRef(view),
  });
  const [busy, setBusy] = useState<RolloutAction>();
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string }>();
  const rollout = view.resource.status?.rollout;
  const steps = view.resource.spec.rollout?.steps ?? [];
  const phase = rollout?.phase ?? 'Stable';

  async function act(action: RolloutAction) {
    setBusy(action);
    setMessage(undefined);
    try {
      await api.rollout(view, action);
      setMessage({ severity: 'success', text: `${action === 'promote' ? 'Promotion' : 'Abort'} requested.` });
      onChanged();
    } catch (error) {
      setMessage({ severity: 'error', text: (error as Error).message });
    } finally {
      setBusy(undefined);
    }
  }

  const denied = !permission.loading && !permission.allowed;
  const button = (action: RolloutAction, label: string, color: 'primary' | 'secondary') => {
    const fits = ROLLOUT_ACTION_PHASES[action].includes(phase);
    return (
      <Button
        variant={action === 'promote' ? 'contained' : 'outlined'}
        color={color}
        disabled={!fits || denied || permission.loading || busy !== undefined}
        onClick={() => act(action)}
        style={{ marginRight: 8 }}
      >
        {busy === action ? `${label}…` : label}
      </Button>
    );
  };

  return (
    <InfoCard title="Rollout">
      <Typography variant="h6" component="p" role="status" aria-label={`Rollout phase ${phase}`}>
        {phase}
      </Typography>
      {rollout?.weight !== undefined && phase !== 'Stable' && (
        <Box my={1}>
          <Typography variant="body2">
            {`Canary weight ${rollout.weight}%${rollout.step !== undefined ? `, step ${rollout.step + 1} of ${steps.length}` : ''}`}
          </Typography>
          <LinearProgress variant="determinate" value={rollout.weight} aria-label="Canary weight" />
        </Box>
      )}
      <Typography variant="body2" color="textSecondary">
        {`Stable ${rollout?.stableVersion ?? view.resource.spec.runtime.version}`}
        {rollout?.canaryVersion ? ` · canary ${rollout.canaryVersion}` : ''}
      </Typography>
      {rollout?.message && <Typography variant="body2">{rollout.message}</Typography>}
      <Box mt={2}>
        {button('promote', 'Promote', 'primary')}
        {button('abort', 'Abort', 'secondary')}
      </Box>
      {denied && (
        <Typography variant="body2" color="textSecondary" style={{ marginTop: 8 }}>
          {`Only team ${view.team ?? '(none)'} may promote or abort in ${view.tier ?? 'this environment'}.`}
        </Typography>
      )}
      {message && (
        <Alert severity={message.severity} style={{ marginTop: 8 }}>
          {message.text}
        </Alert>
      )}
    </InfoCard>
  );
}
