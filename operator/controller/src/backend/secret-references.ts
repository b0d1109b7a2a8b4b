import type { ComponentName, MobileBackendSpec } from '@mobileplane/api';

/** A Secret a component needs, where the spec names it, and how the pod receives it. */
export interface SecretReference {
  field: string;
  secret: string;
  /** The key, for references to one key; undefined for whole-Secret references (mounted as files). */
  key: string | undefined;
  components: ComponentName[];
  /** Environment variable for single-key references; mount directory for whole Secrets and key files. */
  env?: string;
  mountPath?: string;
}

const ALL: ComponentName[] = ['api', 'auth', 'workers', 'push', 'storage'];

/** Every Secret the spec references for the components that are enabled (pure; order is stable). */
export function secretReferences(spec: MobileBackendSpec, enabled: ReadonlySet<ComponentName>): SecretReference[] {
  const refs: SecretReference[] = [];
  const add = (ref: SecretReference) => {
    const components = ref.components.filter((c) => enabled.has(c));
    if (components.length > 0) refs.push({ ...ref, components });
  };
  if (spec.database) {
    add({
      field: 'spec.database.secretRef',
      secret: spec.database.secretRef.name,
      key: spec.database.secretRef.key,
      components: ALL,
      env: 'DATABASE_URL',
    });
  }
  for (const [index, provider] of (spec.auth.providers ?? []).entries()) {
    add({
      field: `spec.auth.providers[${index}].clientSecretRef`,
      secret: provider.clientSecretRef.name,
      key: provider.clientSecretRef.key,
      components: ['auth'],
      env: `OIDC_${provider.name.toUpperCase().replace(/-/g, '_')}_CLIENT_SECRET`,
    });
  }
  if (spec.storage?.credentialsSecretRef) {
    add({
      field: 'spec.storage.credentialsSecretRef',
      secret: spec.storage.credentialsSecretRef.name,
      key: undefined,
      components: ['storage'],
      mountPath: '/var/run/secrets/mobileplane/storage',
    });
  }
  if (spec.push?.fcm) {
    const ref = spec.push.fcm.serviceAccountSecretRef;
    add({
      field: 'spec.push.fcm.serviceAccountSecretRef',
      secret: ref.name,
      key: ref.key,
      components: ['push'],
      mountPath: '/var/run/secrets/mobileplane/fcm',
    });
  }
  if (spec.push?.apns?.keySecretRef) {
    const ref = spec.push.apns.keySecretRef;
    add({
      field: 'spec.push.apns.keySecretRef',
      secret: ref.name,
      key: ref.key,
      components: ['push'],
      mountPath: '/var/run/secrets/mobileplane/apns',
    });
  }
  return refs;
}
