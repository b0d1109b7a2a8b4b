import { Link, Progress, ResponseErrorPanel, Table } from '@backstage/core-components';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { MobileplaneFrame } from '../common/mobileplane-nav';
import { ReadinessStatus, readinessLabel } from '../common/readiness-status';
import { backendPath, useBasePath } from '../common/use-base-path';
import { usePolling } from '../common/use-polling';

const ALL = 'all';

function rolloutText(view: MobileBackendView): string {
  const rollout = view.resource.status?.rollout;
  if (!rollout) return '—';
  return rollout.weight !== undefined && rollout.phase !== 'Stable'
    ? `${rollout.phase} (${rollout.weight}%)`
    : rollout.phase;
}

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: string[];
  onChange(v: string): void;
}) {
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 140, marginRight: 16, marginBottom: 8 }}>
      <InputLabel id={`${props.id}-label`}>{props.label}</InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        value={props.value}
        label={props.label}
        onChange={(e) => props.onChange(String(e.target.value))}
      >
        <MenuItem value={ALL}>All</MenuItem>
        {props.options.map((o) => (
          <MenuItem key={o} value={o}>
            {o}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** Every MobileBackend of every cluster, with Ready, version and rollout, filters, and live updates. */
export function BackendsPage() {
  const api = useApi(mobileplaneApiRef);
  const base = useBasePath();
  const { value, error, loading } = usePolling(() => api.listBackends(), [api]);
  const [tier, setTier] = useState(ALL);
  const [ready, setReady] = useState(ALL);
  const [team, setTeam] = useState(ALL);

  const items = value?.items ?? [];
  const teams = useMemo(() => [...new Set(items.map((i) => i.team).filter((t): t is string => !!t))].sort(), [items]);
  const rows = items.filter(
    (i) =>
      (tier === ALL || i.tier === tier) &&
      (team === ALL || i.team === team) &&
      (ready === ALL || readinessLabel(i.resource) === ready),
  );

  const columns: TableColumn<MobileBackendView>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      render: (row) => <Link to={backendPath(base, row)}>{row.name}</Link>,
    },
    { title: 'Namespace', field: 'namespace' },
    { title: 'Team', field: 'team', emptyValue: '—' },
    { title: 'Tier', field: 'tier', emptyValue: '—' },
    {
      title: 'Ready',
      customFilterAndSearch: (term, row) =>
        readinessLabel(row.resource).toLowerCase().includes(String(term).toLowerCase()),
      render: (row) => <ReadinessStatus resource={row.resource} />,
    },
    { title: 'Version', render: (row) => row.resource.spec.runtime.version },
    { title: 'Rollout', render: (row) => rolloutText(row) },
    { title: 'Cluster', field: 'cluster' },
  ];

  return (
    <MobileplaneFrame title="Mobile backends">
      <Box display="flex" flexWrap="wrap" alignItems="center" mb={2}>
        <FilterSelect
          id="filter-tier"
          label="Tier"
          value={tier}
          options={['dev', 'staging', 'prod']}
          onChange={setTier}
        />
        <FilterSelect id="filter-team" label="Team" value={team} options={teams} onChange={setTeam} />
        <FilterSelect
          id="filter-ready"
          label="Ready"
          value={ready}
          options={['Ready', 'Not ready', 'Reconciling', 'Unknown']}
          onChange={setReady}
        />
        <Box flexGrow={1} />
        <Button variant="contained" color="primary" component={RouterLink} to={`${base}/create`}>
          Create backend
        </Button>
      </Box>
      {value?.errors?.map((e) => (
        <Alert key={e.cluster} severity="warning" style={{ marginBottom: 16 }}>
          {`Cluster ${e.cluster} could not be read: ${e.message}`}
        </Alert>
      ))}
      {error && !value && <ResponseErrorPanel error={error} />}
      {loading && !value && <Progress />}
      {value && (
        <Table<MobileBackendView>
          title={`Backends (${rows.length})`}
          options={{ paging: rows.length > 20, pageSize: 20, search: true, padding: 'dense' }}
          columns={columns}
          data={rows}
          emptyContent={
            <Box p={3}>
              <Typography>
                {items.length === 0
                  ? 'No MobileBackends yet. Create one, or request an environment first.'
                  : 'No backend matches these filters.'}
              </Typography>
            </Box>
          }
        />
      )}
    </MobileplaneFrame>
  );
}
