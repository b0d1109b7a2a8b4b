import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { COMPONENT_NAMES } from '@mobileplane/api';
import type { MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Link from '@material-ui/core/Link';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { mobileplaneApiRef } from '../api/mobileplane-api';
import { usePolling } from '../common/use-polling';
import { LineChart } from './line-chart';

const RANGES = ['15m', '1h', '6h', '24h'];

/** Grafana dashboard of one backend (the observability chart's `mobileplane-backend` dashboard). */
export function grafanaDashboardUrl(grafanaUrl: string, view: MobileBackendView): string {
  const query = new URLSearchParams({ 'var-namespace': view.namespace, 'var-backend': view.name });
  return `${grafanaUrl.replace(/\/$/, '')}/d/mobileplane-backend/mobileplane-backend?${query}`;
}

/** Rate, errors and p99 of one component, stable vs canary, from the backend plugin's Prometheus proxy. */
export function RedMetricsCard({ view }: { view: MobileBackendView }) {
  const api = useApi(mobileplaneApiRef);
  const enabled = COMPONENT_NAMES.filter((c) => view.resource.spec.components[c].enabled);
  const [component, setComponent] = useState<string>(enabled[0] ?? 'api');
  const [range, setRange] = useState('1h');
  const metrics = usePolling(
    () => api.getMetrics(view, component, range),
    [api, view.cluster, view.namespace, view.name, component, range],
    30_000,
  );
  const clusters = usePolling(() => api.listClusters(), [api], 300_000);
  const grafana = clusters.value?.find((c) => c.name === view.cluster)?.grafanaUrl;

  return (
    <InfoCard title="Rate, errors, duration">
      <Box display="flex" flexWrap="wrap" alignItems="center" mb={1}>
        <TextField
          select
          size="small"
          id="metrics-component"
          label="Component"
          value={component}
          onChange={(e) => setComponent(e.target.value)}
          variant="outlined"
          style={{ minWidth: 140, marginRight: 16 }}
        >
          {enabled.map((c) => (
            <MenuItem key={c} value={c}>
              {c}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          id="metrics-range"
          label="Range"
          value={range}
          onChange={(e) => setRange(e.target.value)}
          variant="outlined"
          style={{ minWidth: 100, marginRight: 16 }}
        >
          {RANGES.map((r) => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </TextField>
        {grafana && <Link href={grafanaDashboardUrl(grafana, view)}>Open the Grafana dashboard</Link>}
      </Box>
      {metrics.loading && !metrics.value && <Progress />}
      {metrics.error && (
        <Typography color="error">{`Metrics could not be loaded: ${metrics.error.message}`}</Typography>
      )}
      {metrics.value && !metrics.value.available && (
        <Typography variant="body2">{`No data: ${metrics.value.reason ?? 'metrics are not available'}.`}</Typography>
      )}
      {metrics.value?.available && metrics.value.series && (
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            <LineChart title="Requests per second" series={metrics.value.series.rate} format={(v) => v.toFixed(2)} />
          </Grid>
          <Grid item xs={12} md={4}>
            <LineChart
              title="Error ratio"
              series={metrics.value.series.errors}
              format={(v) => `${(v * 100).toFixed(2)}%`}
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <LineChart
              title="p99 latency"
              series={metrics.value.series.p99}
              format={(v) => `${(v * 1000).toFixed(0)} ms`}
            />
          </Grid>
        </Grid>
      )}
    </InfoCard>
  );
}
