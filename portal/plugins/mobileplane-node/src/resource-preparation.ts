import {
  validateCreateMobileBackendRequest,
  validateCreateMobileEnvironmentRequest,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type {
  MobileBackendManifest,
  MobileEnvironmentManifest,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileEnvironment } from '@mobileplane/api';
import type { MobileplaneClusterClient, MobileplaneClusters } from './cluster-client';
import { FieldValidationError } from './kube-errors';
import { environmentForNamespace } from './resource-ownership';

/** A create request checked and ready to send: the REST API and the scaffolder actions share this step. */
export interface PreparedBackend {
  client: MobileplaneClusterClient;
  manifest: MobileBackendManifest['manifest'];
  environments: MobileEnvironment[];
}

/**
 * Validates a MobileBackend create request (schemas of @mobileplane/api) and checks that an environment owns its
 * namespace: the portal creates backends only inside environments, whose team and tier its permissions rely on.
 * Throws FieldValidationError naming each bad field.
 */
export async function prepareMobileBackend(clusters: MobileplaneClusters, body: unknown): Promise<PreparedBackend> {
  const validation = validateCreateMobileBackendRequest(body);
  if (!validation.valid) throw new FieldValidationError('invalid MobileBackend', validation.errors);
  const { cluster, manifest } = validation.value;
  const client = clusters.get(cluster);
  const environments = await client.listEnvironments();
  if (!environmentForNamespace(environments, manifest.metadata.namespace)) {
    throw new FieldValidationError('invalid MobileBackend', [
      {
        field: 'metadata.namespace',
        message: `no MobileEnvironment owns namespace "${manifest.metadata.namespace}": request an environment first`,
      },
    ]);
  }
  return { client, manifest, environments };
}

/** Validates a MobileEnvironment create request; throws FieldValidationError naming each bad field. */
export function prepareMobileEnvironment(
  clusters: MobileplaneClusters,
  body: unknown,
): { client: MobileplaneClusterClient; manifest: MobileEnvironmentManifest['manifest'] } {
  const validation = validateCreateMobileEnvironmentRequest(body);
  if (!validation.valid) throw new FieldValidationError('invalid MobileEnvironment', validation.errors);
  return { client: clusters.get(validation.value.cluster), manifest: validation.value.manifest };
}
