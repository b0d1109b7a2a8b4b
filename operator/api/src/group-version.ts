/** The API group every Mobileplane custom resource belongs to. */
export const GROUP = 'mobileplane.io';
/** The served and stored version of the API. */
export const VERSION = 'v1alpha1';
/** `apiVersion` as written in manifests. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** The kinds of the mobileplane.io API, with the names Kubernetes serves them under. */
export const KINDS = {
  MobileBackend: { plural: 'mobilebackends', singular: 'mobilebackend', shortNames: ['mb'], scope: 'Namespaced' },
  MobileEnvironment: {
    plural: 'mobileenvironments',
    singular: 'mobileenvironment',
    shortNames: ['menv'],
    scope: 'Cluster',
  },
  FeatureFlagSet: {
    plural: 'featureflagsets',
    singular: 'featureflagset',
    shortNames: ['ffs'],
    scope: 'Namespaced',
  },
} as const;

export type KindName = keyof typeof KINDS;

/** The CustomResourceDefinition name of a kind, `<plural>.<group>`. */
export function crdName(kind: KindName): string {
  return `${KINDS[kind].plural}.${GROUP}`;
}

/** True when an object's apiVersion/kind pair names one of our kinds. */
export function isMobileplaneKind(apiVersion: unknown, kind: unknown): kind is KindName {
  return apiVersion === API_VERSION && typeof kind === 'string' && Object.hasOwn(KINDS, kind);
}
