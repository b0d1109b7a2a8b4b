import { InfoCard, Progress, ResponseErrorPanel, Table } from '@backstage/core-components';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ENVIRONMENT_TIERS } from '@mobileplane/api';
import type { FieldError } from '@mobileplane/api';
import { validateCreateMobileEnvironmentRequest } from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileEnvironmentView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { FormEvent } from 'react';
import { useState } from 'react';
import { FieldErrorsError, mobileplaneApiRef } from '../api/mobileplane-api';
import { messageFor } from '../common/field-errors';
import { MobileplaneFrame } from '../common/mobileplane-nav';
import { ReadinessStatus } from '../common/readiness-status';
import { usePolling } from '../common/use-polling';

function RequestEnvironmentForm({ onCreated }: { onCreated(): void }) {
  const api = useApi(mobileplaneApiRef);
  const [name, setName] = useState('');
  const [tier, setTier] = useState('dev');
  const [team, setTeam] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [result, setResult] = useState<{ severity: 'success' | 'error'; text: string }>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const request = { name, spec: { tier, team } };
    const local = validateCreateMobileEnvironmentRequest(request);
    setResult(undefined);
    if (!local.valid) {
      setErrors(local.errors);
      return;
    }
    setErrors([]);
    try {
      await api.createEnvironment(request as never);
      setResult({ severity: 'success', text: `Environment ${name} requested.` });
      setName('');
      onCreated();
    } catch (error) {
      if (error instanceof FieldErrorsError) setErrors(error.fieldErrors);
      else setResult({ severity: 'error', text: (error as Error).message });
    }
  }

  const field = (id: string, path: string, label: string, value: string, set: (v: string) => void, help: string) => (
    <TextField
      fullWidth
      required
      id={id}
      label={label}
      value={value}
      onChange={(e) => set(e.target.value)}
      error={!!messageFor(errors, path)}
      helperText={messageFor(errors, path) ?? help}
      variant="outlined"
    />
  );

  return (
    <InfoCard title="Request an environment">
      <form onSubmit={submit} aria-label="Request an environment" noValidate>
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            {field(
              'environment-name',
              'metadata.name',
              'Name',
              name,
              setName,
              'Also the namespace, for example shop-dev',
            )}
          </Grid>
          <Grid item xs={12} md={4}>
            <TextField
              select
              fullWidth
              id="environment-tier"
              label="Tier"
              value={tier}
              onChange={(e) => setTier(e.target.value)}
              error={!!messageFor(errors, 'spec.tier')}
              helperText={messageFor(errors, 'spec.tier') ?? 'Admission policies are stricter in higher tiers'}
              variant="outlined"
            >
              {ENVIRONMENT_TIERS.map((t) => (
                <MenuItem key={t} value={t}>
                  {t}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} md={4}>
            {field('environment-team', 'spec.team', 'Team', team, setTeam, 'The team that owns it, for example shop')}
          </Grid>
        </Grid>
        <Box mt={2}>
          <Button type="submit" variant="contained" color="primary">
            Request environment
          </Button>
        </Box>
        {result && (
          <Alert severity={result.severity} style={{ marginTop: 8 }}>
            {result.text}
          </Alert>
        )}
      </form>
    </InfoCard>
  );
}

/** The environments of every cluster (live), and a form to request one. */
export function EnvironmentsPage() {
  const api = useApi(mobileplaneApiRef);
  const { value, error, loading, reload } = usePolling(() => api.listEnvironments(), [api]);
  const columns: TableColumn<MobileEnvironmentView>[] = [
    { title: 'Name', field: 'name', highlight: true },
    { title: 'Tier', render: (row) => row.resource.spec.tier },
    { title: 'Team', render: (row) => row.resource.spec.team },
    { title: 'Namespace', render: (row) => row.resource.status?.namespace ?? row.resource.spec.namespace ?? row.name },
    { title: 'Ready', render: (row) => <ReadinessStatus resource={row.resource} /> },
    { title: 'Cluster', field: 'cluster' },
  ];
  return (
    <MobileplaneFrame title="Environments">
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <RequestEnvironmentForm onCreated={reload} />
        </Grid>
        <Grid item xs={12}>
          {error && !value && <ResponseErrorPanel error={error} />}
          {loading && !value && <Progress />}
          {value && (
            <Table<MobileEnvironmentView>
              title={`Environments (${value.items.length})`}
              options={{ paging: false, search: true, padding: 'dense' }}
              columns={columns}
              data={value.items}
              emptyContent={
                <Box p={3}>
                  <Typography>No environments yet. Request one above.</Typography>
                </Box>
              }
            />
          )}
        </Grid>
      </Grid>
    </MobileplaneFrame>
  );
}
