/** The parts of object metadata the operator reads or writes. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as plain JSON: the wire form, never client-node's typed models (see decision 0200). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the work queue key. */
export function objectKey(object: { metadata: { namespace?: string | undefined; name?: string | undefined } }): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/** Splits a work queue key back into namespace and name. */
export function parseKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The owner reference that makes `owner` this object's controller (garbage collection, adoption). */
export function controllerReference(owner: KubeObject): OwnerReference {
  if (owner.metadata.name === undefined || owner.metadata.uid === undefined) {
    throw new Error(`owner ${owner.kind} has no name or uid yet`);
  }
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The uid of the object's controller owner of the given kind, if any. */
export function controllerUid(object: KubeObject, ownerKind: string): string | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true && ref.kind === ownerKind)?.uid;
}

/** A pod toleration, as in the PodSpec. */
export interface PodToleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}
