import type { MobileBackend, MobileEnvironment } from '@mobileplane/api';
import type { MobileBackendView, MobileEnvironmentView } from '@mobileplane/backstage-plugin-mobileplane-common';

/** The namespace a MobileEnvironment owns: what the operator reports, else what it will create. */
export function environmentNamespace(environment: MobileEnvironment): string {
  return environment.status?.namespace ?? environment.spec.namespace ?? environment.metadata.name ?? '';
}

/** The MobileEnvironment whose namespace is `namespace`, if any. */
export function environmentForNamespace(
  environments: readonly MobileEnvironment[],
  namespace: string,
): MobileEnvironment | undefined {
  return environments.find((e) => environmentNamespace(e) === namespace);
}

/** A backend with the team and tier of the environment it lives in: what permissions and the UI decide on. */
export function describeBackend(
  cluster: string,
  backend: MobileBackend,
  environments: readonly MobileEnvironment[],
): MobileBackendView {
  const namespace = backend.metadata.namespace ?? '';
  const environment = environmentForNamespace(environments, namespace);
  return {
    cluster,
    namespace,
    name: backend.metadata.name ?? '',
    ...(environment && {
      environment: environment.metadata.name,
      team: environment.spec.team,
      tier: environment.spec.tier,
    }),
    resource: backend,
  };
}

export function describeEnvironment(cluster: string, environment: MobileEnvironment): MobileEnvironmentView {
  return { cluster, name: environment.metadata.name ?? '', resource: environment };
}
