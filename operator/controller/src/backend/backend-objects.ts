import type { ComponentName, ComponentSpec, MobileBackendSpec } from '@mobileplane/api';
import { COMPONENT_NAMES } from '@mobileplane/api';
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { typedQuantities } from '../kube/cdk8s-quantities.ts';
import type { Construct } from 'constructs';
import { controllerReference, type KubeObject, type PodToleration } from '../kube/kube-object.ts';
import { FLAGS_MOUNT_DIRECTORY, flagsConfigMapName } from '../flags/flags-mount.ts';
import { managedLabels } from '../managed-labels.ts';
import { DEFAULT_RESOURCES, HTTP_PORT, METRICS_PORT, enabledCallers } from './component-topology.ts';
import { parseQuantity } from '../apply/apply-diff.ts';
import { runtimeConfig } from './runtime-config.ts';
import { secretReferences, type SecretReference } from './secret-references.ts';
import { createHash } from 'node:crypto';

/** Namespaces holding the public ingress gateway carry this label; only they reach public components. */
export const GATEWAY_NAMESPACE_LABEL = 'mobileplane.io/gateway';
/** Namespaces allowed to scrape metrics carry this label. */
export const MONITORING_NAMESPACE_LABEL = 'mobileplane.io/monitoring';
/** Pod-template annotation with a hash of the component config: a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'mobileplane.io/config-hash';

const RUNTIME_UID = 65532;

export interface BackendObjectsInput {
  backend: KubeObject;
  spec: MobileBackendSpec;
  /** Image repository used when spec.runtime.image is unset. */
  defaultImage: string;
  /** Operator-wide tolerations for every pod template (`--pod-tolerations`). */
  podTolerations?: readonly PodToleration[];
}

/** The components the spec enables, in the API's order. */
export function enabledComponents(spec: MobileBackendSpec): ComponentName[] {
  return COMPONENT_NAMES.filter((name) => spec.components[name].enabled);
}

/** `<backend>-<component>`: fixed names, so a refactor of the construct tree never renames an object. */
export function componentObjectName(backend: string, component: ComponentName): string {
  return `${backend}-${component}`;
}

/**
 * Every object a MobileBackend should have, built in memory with cdk8s-plus (no synth to files). Each enabled
 * component gets a ServiceAccount, ConfigMap, Deployment, Service, PodDisruptionBudget, NetworkPolicy and, with
 * autoscaling, a HorizontalPodAutoscaler; all carry the managed labels and a controller owner reference.
 */
export function backendObjects(input: BackendObjectsInput): KubeObject[] {
  const { backend, spec } = input;
  const namespace = backend.metadata.namespace ?? 'default';
  const name = backend.metadata.name ?? '';
  const chart = new Chart(new App(), 'backend', { namespace, disableResourceNameHashes: true });
  const enabled = enabledComponents(spec);
  const secrets = secretReferences(spec, new Set(enabled));
  for (const component of enabled) {
    addComponentObjects(chart, component, {
      backend: { namespace, name },
      component,
      componentSpec: spec.components[component],
      spec,
      image: imageReference(spec.runtime.image ?? input.defaultImage, spec.runtime.version),
      secrets: secrets.filter((ref) => ref.components.includes(component)),
      callers: enabledCallers(component, new Set(enabled)),
      tolerations: input.podTolerations ?? [],
    });
  }
  const owner = controllerReference(backend);
  return (chart.toJson() as KubeObject[]).map((object) => ({
    ...object,
    metadata: { ...object.metadata, namespace, ownerReferences: [owner] },
  }));
}

/** `repo:tag` or `repo@sha256:…`. */
export function imageReference(repository: string, version: string): string {
  return version.startsWith('sha256:') ? `${repository}@${version}` : `${repository}:${version}`;
}

interface ComponentProps {
  backend: { namespace: string; name: string };
  component: ComponentName;
  componentSpec: ComponentSpec;
  spec: MobileBackendSpec;
  image: string;
  secrets: SecretReference[];
  callers: ('public' | ComponentName)[];
  tolerations: readonly PodToleration[];
}

/** The objects of one component, added to `scope` under construct ids prefixed `id`. */
function addComponentObjects(scope: Construct, id: string, props: ComponentProps): void {
  const { backend, component, componentSpec } = props;
  const objectName = componentObjectName(backend.name, component);
  const labels = managedLabels({ name: backend.name, component });
  const selector = {
    'app.kubernetes.io/name': labels['app.kubernetes.io/name'] ?? '',
    'app.kubernetes.io/instance': labels['app.kubernetes.io/instance'] ?? '',
    'app.kubernetes.io/component': labels['app.kubernetes.io/component'] ?? '',
  };
  const metadata = { name: objectName, labels };

  const serviceAccount = new kplus.ServiceAccount(scope, `${id}-sa`, { metadata, automountToken: false });

  const configJson = `${JSON.stringify(runtimeConfig(backend, component, props.spec), null, 2)}\n`;
  const configMap = new kplus.ConfigMap(scope, `${id}-config`, { metadata, data: { 'config.json': configJson } });

  const resources = componentResources(component, componentSpec);
  const deployment = new kplus.Deployment(scope, `${id}-deployment`, {
    metadata,
    select: false,
    podMetadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: hash(configJson) } },
    serviceAccount,
    automountServiceAccountToken: false,
    ...(componentSpec.autoscaling ? {} : { replicas: componentSpec.replicas }),
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.percent(25),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    securityContext: { ensureNonRoot: true, user: RUNTIME_UID, group: RUNTIME_UID, fsGroup: RUNTIME_UID },
    containers: [
      {
        name: 'runtime',
        image: props.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        args: [`--component=${component}`],
        ports: [
          { name: 'http', number: HTTP_PORT },
          { name: 'metrics', number: METRICS_PORT },
        ],
        envVariables: {
          MOBILEPLANE_CONFIG_FILE: kplus.EnvValue.fromValue('/etc/mobileplane/config.json'),
          ...(props.spec.database
            ? {}
            : { MOBILEPLANE_PGLITE_DIR: kplus.EnvValue.fromValue('/var/lib/mobileplane/pglite') }),
        },
        securityContext: {
          ensureNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          user: RUNTIME_UID,
          group: RUNTIME_UID,
          capabilities: { drop: [kplus.Capability.ALL] },
          seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
        },
        liveness: kplus.Probe.fromHttpGet('/livez', {
          port: HTTP_PORT,
          periodSeconds: Duration.seconds(10),
          failureThreshold: 3,
        }),
        readiness: kplus.Probe.fromHttpGet('/readyz', {
          port: HTTP_PORT,
          periodSeconds: Duration.seconds(5),
          failureThreshold: 2,
        }),
        startup: kplus.Probe.fromHttpGet('/livez', {
          port: HTTP_PORT,
          periodSeconds: Duration.seconds(2),
          failureThreshold: 30,
        }),
      },
    ],
  });
  const container = deployment.containers[0];
  if (container === undefined) throw new Error('deployment without container');
  container.mount(
    '/etc/mobileplane',
    kplus.Volume.fromConfigMap(scope, `${id}-config-volume`, configMap, { name: 'config' }),
    { readOnly: true },
  );
  if (component === 'api') {
    // Feature flags: the FeatureFlagSet controller's ConfigMap, optional so the api starts before any flag set
    // exists; mounted as a directory so kubelet refreshes the file on change, without a restart (decision 0500).
    const flags = kplus.ConfigMap.fromConfigMapName(scope, `${id}-flags`, flagsConfigMapName(backend.name));
    container.mount(
      FLAGS_MOUNT_DIRECTORY,
      kplus.Volume.fromConfigMap(scope, `${id}-flags-volume`, flags, { name: 'flags', optional: true }),
      { readOnly: true },
    );
  }
  container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, `${id}-tmp`, 'tmp'));
  if (!props.spec.database)
    container.mount('/var/lib/mobileplane', kplus.Volume.fromEmptyDir(scope, `${id}-data`, 'data'));
  for (const ref of props.secrets) {
    if (ref.env !== undefined && ref.key !== undefined) {
      const secret = kplus.Secret.fromSecretName(scope, `${id}-${ref.env}`, ref.secret);
      container.env.addVariable(ref.env, kplus.EnvValue.fromSecretValue({ secret, key: ref.key }));
    } else if (ref.mountPath !== undefined) {
      const secret = kplus.Secret.fromSecretName(scope, `${id}-${ref.mountPath}`, ref.secret);
      const volumeName = ref.mountPath.split('/').at(-1) ?? 'secret';
      container.mount(
        ref.mountPath,
        kplus.Volume.fromSecret(scope, `${id}-${volumeName}-volume`, secret, { name: `secret-${volumeName}` }),
        { readOnly: true },
      );
    }
  }
  const deploymentObject = ApiObject.of(deployment);
  // cdk8s-plus labels the pod template with its construct path; never let that reach a live object.
  deploymentObject.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  deploymentObject.addJsonPatch(
    JsonPatch.add('/spec/selector', { matchLabels: selector }),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    // Quantities as the user wrote them: kplus would convert memory to Mi and reject fractions. Patch values
    // go through the typed L1 serializer (KubeDeployment.toJson), so they must be typed Quantity objects.
    JsonPatch.add('/spec/template/spec/containers/0/resources', {
      requests: typedQuantities(resources.requests),
      limits: typedQuantities(resources.limits),
    }),
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
      spread('topology.kubernetes.io/zone', selector),
      spread('kubernetes.io/hostname', selector),
    ]),
  );
  if (props.tolerations.length > 0) {
    deploymentObject.addJsonPatch(
      JsonPatch.add(
        '/spec/template/spec/tolerations',
        props.tolerations.map((t) => ({ ...t })),
      ),
    );
  }

  new kplus.Service(scope, `${id}-service`, {
    metadata,
    selector: kplus.Pods.select(scope, `${id}-pods`, { labels: selector }),
    ports: [
      { name: 'http', port: HTTP_PORT, targetPort: HTTP_PORT },
      { name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT },
    ],
  });

  const replicas = componentSpec.autoscaling?.minReplicas ?? componentSpec.replicas;
  new kplus.k8s.KubePodDisruptionBudget(scope, `${id}-pdb`, {
    metadata,
    spec: {
      selector: { matchLabels: selector },
      // One pod may always go (node drains never deadlock); with a single replica none has to stay.
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      ...(replicas <= 1
        ? { unhealthyPodEvictionPolicy: 'AlwaysAllow' }
        : { unhealthyPodEvictionPolicy: 'IfHealthyBudget' }),
    },
  });

  if (componentSpec.autoscaling) {
    new kplus.HorizontalPodAutoscaler(scope, `${id}-hpa`, {
      metadata,
      target: deployment,
      minReplicas: componentSpec.autoscaling.minReplicas,
      maxReplicas: componentSpec.autoscaling.maxReplicas,
      metrics: [
        kplus.Metric.resourceCpu(
          kplus.MetricTarget.averageUtilization(componentSpec.autoscaling.targetCPUUtilizationPercentage),
        ),
      ],
    });
  }

  new kplus.k8s.KubeNetworkPolicy(scope, `${id}-netpol`, {
    metadata,
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress'],
      ingress: [
        ...(props.callers.length > 0
          ? [
              {
                from: props.callers.map((caller) =>
                  caller === 'public'
                    ? { namespaceSelector: { matchLabels: { [GATEWAY_NAMESPACE_LABEL]: 'true' } } }
                    : { podSelector: { matchLabels: { ...selector, 'app.kubernetes.io/component': caller } } },
                ),
                ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(HTTP_PORT) }],
              },
            ]
          : []),
        {
          from: [{ namespaceSelector: { matchLabels: { [MONITORING_NAMESPACE_LABEL]: 'true' } } }],
          ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(METRICS_PORT) }],
        },
      ],
    },
  });
}

function spread(topologyKey: string, selector: Record<string, string>) {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ['pod-template-hash'],
  };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Requests and limits: the spec's values over the component defaults, per resource. When the spec raises a
 * request above the default limit and sets no limit, the limit rises with it (requests ≤ limits).
 */
export function componentResources(
  component: ComponentName,
  spec: Pick<ComponentSpec, 'resources'>,
): { requests: Record<string, string>; limits: Record<string, string> } {
  const defaults = DEFAULT_RESOURCES[component];
  const requests: Record<string, string> = { ...defaults.requests, ...definedEntries(spec.resources?.requests) };
  const limits: Record<string, string> = { ...defaults.limits, ...definedEntries(spec.resources?.limits) };
  for (const resource of ['cpu', 'memory'] as const) {
    const [request, limit] = [requests[resource], limits[resource]];
    if (request === undefined || limit === undefined || spec.resources?.limits?.[resource] !== undefined) continue;
    if ((parseQuantity(request) ?? 0) > (parseQuantity(limit) ?? 0)) limits[resource] = request;
  }
  return { requests, limits };
}

/** Set entries as quantity strings (the API's Quantity is int-or-string). */
function definedEntries(values: Record<string, string | number | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {})
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}
