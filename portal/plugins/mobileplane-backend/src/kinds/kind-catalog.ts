import { API_VERSION, GROUP, KINDS, VERSION, crdName } from '@mobileplane/api';
import type { KindName } from '@mobileplane/api';

export interface KindDescription {
  kind: KindName;
  apiVersion: typeof API_VERSION;
  crd: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  scope: 'Namespaced' | 'Cluster';
}

export interface KindCatalog {
  group: typeof GROUP;
  version: typeof VERSION;
  items: KindDescription[];
}

/** The mobileplane.io kinds as the portal's API lists them, straight from the shared API package. */
export function kindCatalog(): KindCatalog {
  const items = (Object.keys(KINDS) as KindName[]).map((kind) => {
    const { plural, singular, shortNames, scope } = KINDS[kind];
    return { kind, apiVersion: API_VERSION, crd: crdName(kind), plural, singular, shortNames, scope };
  });
  return { group: GROUP, version: VERSION, items };
}
