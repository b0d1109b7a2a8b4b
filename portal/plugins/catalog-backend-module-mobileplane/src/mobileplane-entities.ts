import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from '@backstage/catalog-model';
import type { MobileBackend, MobileEnvironment } from '@mobileplane/api';
import { mobileBackendResourceRef } from '@mobileplane/backstage-plugin-mobileplane-common';
import { describeBackend } from '@mobileplane/backstage-plugin-mobileplane-node';

/** On every entity from this provider: which MobileBackend (`<cluster>:<namespace>/<name>`) it is. */
export const BACKEND_ANNOTATION = 'mobileplane.io/backend';
/** On environment entities: `<cluster>:<name>` of the MobileEnvironment. */
export const ENVIRONMENT_ANNOTATION = 'mobileplane.io/environment';

/** Owner of resources whose environment names no team (a backend outside any environment). */
export const UNOWNED = 'group:default/unowned';

/**
 * Catalog entity names allow 63 characters of [A-Za-z0-9] separated by [-_.]: a backend is `<namespace>.<name>`
 * (unique per cluster, and the cluster is the entity namespace), an environment its own name.
 */
export function backendEntityName(namespace: string, name: string): string {
  return `${namespace}.${name}`.slice(0, 63).replace(/[-_.]+$/, '');
}

const team = (name: string | undefined) => (name ? `group:default/${name}` : UNOWNED);

function location(cluster: string): Record<string, string> {
  const value = `mobileplane:${cluster}`;
  return { [ANNOTATION_LOCATION]: value, [ANNOTATION_ORIGIN_LOCATION]: value };
}

/** A MobileEnvironment as a `Resource` of type `environment`, owned by its team. */
export function environmentEntity(cluster: string, environment: MobileEnvironment): Entity {
  const name = environment.metadata.name ?? '';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: cluster,
      title: `${name} (${environment.spec.tier})`,
      description: `MobileEnvironment ${name}: ${environment.spec.tier} environment of team ${environment.spec.team}`,
      labels: { 'mobileplane.io/tier': environment.spec.tier },
      annotations: { ...location(cluster), [ENVIRONMENT_ANNOTATION]: `${cluster}:${name}` },
    },
    spec: { type: 'environment', owner: team(environment.spec.team) },
  };
}

/** A MobileBackend as a `Component` of type `mobile-backend` that depends on its environment. */
export function backendEntity(
  cluster: string,
  backend: MobileBackend,
  environments: readonly MobileEnvironment[],
): Entity {
  const view = describeBackend(cluster, backend, environments);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: backendEntityName(view.namespace, view.name),
      namespace: cluster,
      title: view.name,
      description: `MobileBackend ${view.namespace}/${view.name} (runtime ${backend.spec.runtime.version})`,
      ...(view.tier && { labels: { 'mobileplane.io/tier': view.tier } }),
      annotations: {
        ...location(cluster),
        [BACKEND_ANNOTATION]: mobileBackendResourceRef(view),
        'backstage.io/kubernetes-namespace': view.namespace,
      },
    },
    spec: {
      type: 'mobile-backend',
      lifecycle: view.tier === 'prod' ? 'production' : 'experimental',
      owner: team(view.team),
      ...(view.environment && { dependsOn: [`resource:${cluster}/${view.environment}`] }),
    },
  };
}
