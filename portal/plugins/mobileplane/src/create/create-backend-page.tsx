import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { formSchema } from '@mobileplane/api';
import type { FieldError } from '@mobileplane/api';
import { validateCreateMobileBackendRequest } from '@mobileplane/backstage-plugin-mobileplane-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import Form from '@rjsf/material-ui';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { FieldErrorsError, mobileplaneApiRef } from '../api/mobileplane-api';
import { messageFor, specErrorSchema } from '../common/field-errors';
import { MobileplaneFrame } from '../common/mobileplane-nav';
import { backendPath, useBasePath } from '../common/use-base-path';
import { usePolling } from '../common/use-polling';

/** What a first backend needs (everything else has a default); "Show every field" shows the whole spec. */
const ESSENTIAL_FIELDS = ['runtime'];

/**
 * Quantities are `anyOf: [string, number]` (Kubernetes int-or-string); a form asks for the string ("250m", "1",
 * "512Mi"), which the validation accepts, instead of making the user pick a type first.
 */
export function preferStringAlternatives(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(preferStringAlternatives);
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  const alternatives = record.anyOf as Record<string, unknown>[] | undefined;
  const text = alternatives?.find((a) => a.type === 'string');
  if (text) {
    const { anyOf: _anyOf, ...rest } = record;
    return preferStringAlternatives({ ...text, ...rest });
  }
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, preferStringAlternatives(value)]));
}

/** The CRD's spec schema (from @mobileplane/api), optionally cut down to the essential fields. */
export function backendFormSchema(everyField: boolean): RJSFSchema {
  const schema = preferStringAlternatives(formSchema('MobileBackend')) as RJSFSchema;
  if (everyField) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).filter(([key]) => ESSENTIAL_FIELDS.includes(key)),
  );
  return { ...schema, properties, required: (schema.required ?? []).filter((k) => ESSENTIAL_FIELDS.includes(k)) };
}

/**
 * Create a MobileBackend: the environment (its namespace), a name, and a form generated from the CRD's JSON Schema.
 * Validation is the API's own (zod, the same messages as the API server); errors show beside their fields.
 */
export function CreateBackendPage() {
  const api = useApi(mobileplaneApiRef);
  const base = useBasePath();
  const navigate = useNavigate();
  const environments = usePolling(() => api.listEnvironments(), [api], 15_000);
  const [environment, setEnvironment] = useState('');
  const [name, setName] = useState('');
  const [spec, setSpec] = useState<Record<string, unknown>>({ runtime: { version: '' } });
  const [everyField, setEveryField] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const schema = useMemo(() => backendFormSchema(everyField), [everyField]);
  const extraErrors = useMemo(() => specErrorSchema(errors), [errors]);

  const options = (environments.value?.items ?? []).map((e) => ({
    value: `${e.cluster}|${e.resource.status?.namespace ?? e.resource.spec.namespace ?? e.name}`,
    label: `${e.name} (${e.resource.spec.tier}, team ${e.resource.spec.team})`,
  }));

  async function submit(formData: Record<string, unknown>) {
    const [cluster, namespace] = environment ? environment.split('|') : [undefined, ''];
    const request = { cluster, namespace: namespace ?? '', name, spec: formData };
    setFailure(undefined);
    const local = validateCreateMobileBackendRequest(request);
    if (!local.valid) {
      setErrors(local.errors);
      return;
    }
    setErrors([]);
    setSubmitting(true);
    try {
      const created = await api.createBackend(request as never);
      navigate(backendPath(base, created));
    } catch (error) {
      if (error instanceof FieldErrorsError) setErrors(error.fieldErrors);
      else setFailure((error as Error).message);
    } finally {
      setSubmitting(false);
    }
  }

  const namespaceError = messageFor(errors, 'metadata.namespace');
  const nameError = messageFor(errors, 'metadata.name');
  const otherErrors = errors.filter((e) => !e.field.startsWith('spec') && !e.field.startsWith('metadata.'));

  return (
    <MobileplaneFrame title="Create a mobile backend">
      <InfoCard title="New MobileBackend">
        {environments.loading && !environments.value && <Progress />}
        {environments.value && options.length === 0 && (
          <Alert severity="info">No environment exists yet: request one on the Environments tab first.</Alert>
        )}
        <Grid container spacing={2}>
          <Grid item xs={12} md={6}>
            <TextField
              select
              fullWidth
              required
              id="backend-environment"
              label="Environment"
              value={environment}
              onChange={(e) => setEnvironment(e.target.value)}
              error={!!namespaceError}
              helperText={namespaceError ?? 'The namespace the backend lives in'}
              variant="outlined"
            >
              {options.map((o) => (
                <MenuItem key={o.value} value={o.value}>
                  {o.label}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} md={6}>
            <TextField
              fullWidth
              required
              id="backend-name"
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={!!nameError}
              helperText={nameError ?? 'Lowercase letters, digits and "-", starting with a letter'}
              variant="outlined"
            />
          </Grid>
        </Grid>
        <Box mt={2}>
          <FormControlLabel
            control={<Switch checked={everyField} onChange={(e) => setEveryField(e.target.checked)} />}
            label="Show every field"
          />
        </Box>
        {otherErrors.map((e) => (
          <Alert key={e.field} severity="error">{`${e.field}: ${e.message}`}</Alert>
        ))}
        {failure && <Alert severity="error">{failure}</Alert>}
        <Form
          schema={schema}
          validator={validator}
          formData={spec}
          onChange={(e) => setSpec(e.formData as Record<string, unknown>)}
          onSubmit={(e) => submit(e.formData as Record<string, unknown>)}
          extraErrors={extraErrors}
          noValidate
          showErrorList={false}
          idPrefix="spec"
        >
          <Box mt={2}>
            <Button type="submit" variant="contained" color="primary" disabled={submitting}>
              {submitting ? 'Creating…' : 'Create'}
            </Button>
          </Box>
        </Form>
      </InfoCard>
    </MobileplaneFrame>
  );
}
