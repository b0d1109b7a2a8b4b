import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ROLLOUT_ACTIONS,
  ROLLOUT_ACTION_ANNOTATION,
  ROLLOUT_ACTION_AT_ANNOTATION,
  ROLLOUT_ACTION_PHASES,
  mobileBackendCreatePermission,
  mobileBackendDeletePermission,
  mobileBackendFlagsUpdatePermission,
  mobileBackendReadPermission,
  mobileBackendResourceRef,
  mobileBackendRolloutPermission,
  mobileBackendUpdatePermission,
  validateCreateMobileBackendRequest,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type {
  FeatureFlagsResponse,
  ListResponse,
  MobileBackendRef,
  MobileBackendView,
  RolloutAction,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import { describeBackend, prepareMobileBackend } from '@mobileplane/backstage-plugin-mobileplane-node';
import type { MobileplaneClusters } from '@mobileplane/backstage-plugin-mobileplane-node';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { sendFieldErrors } from '../http/field-errors';
import type { RequestAccess } from '../http/request-access';

const isDryRun = (req: Request) => req.query.dryRun === 'true' || req.query.dryRun === 'All';

/** Loads one backend with its team and tier, or undefined; shared with the permission registry. */
export async function loadBackendView(
  clusters: MobileplaneClusters,
  ref: MobileBackendRef,
): Promise<MobileBackendView | undefined> {
  const client = clusters.get(ref.cluster);
  const [backend, environments] = await Promise.all([
    client.getBackend(ref.namespace, ref.name),
    client.listEnvironments(),
  ]);
  return backend && describeBackend(client.config.name, backend, environments);
}

function refOf(req: Request): MobileBackendRef {
  const { cluster = '', namespace = '', name = '' } = req.params as Record<string, string | undefined>;
  return { cluster, namespace, name };
}

/** The MobileBackend routes: list, get, create, update, delete, and promote/abort by annotation. */
export function backendRoutes(deps: { clusters: MobileplaneClusters; access: RequestAccess }) {
  const { clusters, access } = deps;
  const router = Router();

  async function mustLoad(ref: MobileBackendRef): Promise<MobileBackendView> {
    const view = await loadBackendView(clusters, ref);
    if (!view)
      throw new NotFoundError(`MobileBackend ${ref.namespace}/${ref.name} not found in cluster ${ref.cluster}`);
    return view;
  }

  router.get('/backends', async (req, res) => {
    await access.allow(req, mobileBackendReadPermission);
    const cluster = typeof req.query.cluster === 'string' ? req.query.cluster : undefined;
    const namespace = typeof req.query.namespace === 'string' ? req.query.namespace : undefined;
    const targets = cluster ? [clusters.get(cluster)] : clusters.list();
    const body: ListResponse<MobileBackendView> = { items: [] };
    await Promise.all(
      targets.map(async (client) => {
        try {
          const [backends, environments] = await Promise.all([
            client.listBackends(namespace),
            client.listEnvironments(),
          ]);
          body.items.push(...backends.map((b) => describeBackend(client.config.name, b, environments)));
        } catch (error) {
          (body.errors ??= []).push({ cluster: client.config.name, message: (error as Error).message });
        }
      }),
    );
    body.items.sort((a, b) =>
      `${a.cluster}/${a.namespace}/${a.name}`.localeCompare(`${b.cluster}/${b.namespace}/${b.name}`),
    );
    res.json(body);
  });

  router.get('/backends/:cluster/:namespace/:name/feature-flags', async (req, res) => {
    await access.allow(req, mobileBackendReadPermission);
    const ref = refOf(req);
    const sets = await clusters.get(ref.cluster).listFeatureFlagSets(ref.namespace);
    const body: FeatureFlagsResponse = sets
      ? { served: true, items: sets.filter((set) => set.spec.backendRef.name === ref.name) }
      : { served: false };
    res.json(body);
  });

  router.put('/backends/:cluster/:namespace/:name/feature-flags/:set/flags/:flag/state', async (req, res) => {
    const ref = refOf(req);
    const { set, flag } = req.params as { set: string; flag: string };
    const state = (req.body as { state?: unknown } | undefined)?.state;
    if (state !== 'ENABLED' && state !== 'DISABLED') {
      sendFieldErrors(res, [{ field: 'state', message: 'must be ENABLED or DISABLED' }]);
      return;
    }
    await access.allowOn(req, mobileBackendFlagsUpdatePermission, mobileBackendResourceRef(ref));
    const client = clusters.get(ref.cluster);
    const sets = await client.listFeatureFlagSets(ref.namespace);
    const target = sets?.find((s) => s.metadata.name === set && s.spec.backendRef.name === ref.name);
    if (!target)
      throw new NotFoundError(`no FeatureFlagSet ${set} references MobileBackend ${ref.namespace}/${ref.name}`);
    if (!Object.hasOwn(target.spec.flags, flag)) throw new NotFoundError(`FeatureFlagSet ${set} has no flag ${flag}`);
    const updated = await access.audited(req, 'flag-state', { ...ref, set, flag, state }, () =>
      client.setFlagState(ref.namespace, set, flag, state),
    );
    res.json(updated);
  });

  router.get('/backends/:cluster/:namespace/:name', async (req, res) => {
    await access.allow(req, mobileBackendReadPermission);
    res.json(await mustLoad(refOf(req)));
  });

  router.post('/backends', async (req, res) => {
    await access.allow(req, mobileBackendCreatePermission);
    const { client, manifest, environments } = await prepareMobileBackend(clusters, req.body);
    const dryRun = isDryRun(req);
    const meta = { cluster: client.config.name, ...manifest.metadata, dryRun };
    const created = await access.audited(req, 'backend-create', meta, () => client.createBackend(manifest, { dryRun }));
    res.status(dryRun ? 200 : 201).json(describeBackend(client.config.name, created, environments));
  });

  router.put('/backends/:cluster/:namespace/:name', async (req, res) => {
    const ref = refOf(req);
    const validation = validateCreateMobileBackendRequest({ ...req.body, ...ref });
    if (!validation.valid) {
      sendFieldErrors(res, validation.errors);
      return;
    }
    await access.allowOn(req, mobileBackendUpdatePermission, mobileBackendResourceRef(ref));
    const client = clusters.get(ref.cluster);
    await mustLoad(ref);
    const dryRun = isDryRun(req);
    const updated = await access.audited(req, 'backend-update', { ...ref, dryRun }, () =>
      client.applyBackend(validation.value.manifest, { dryRun }),
    );
    res.json(describeBackend(ref.cluster, updated, await client.listEnvironments()));
  });

  router.delete('/backends/:cluster/:namespace/:name', async (req, res) => {
    const ref = refOf(req);
    await access.allowOn(req, mobileBackendDeletePermission, mobileBackendResourceRef(ref));
    const dryRun = isDryRun(req);
    await access.audited(req, 'backend-delete', { ...ref, dryRun }, () =>
      clusters.get(ref.cluster).deleteBackend(ref.namespace, ref.name, { dryRun }),
    );
    res.status(204).end();
  });

  router.post('/backends/:cluster/:namespace/:name/rollout', async (req, res) => {
    const ref = refOf(req);
    const action = (req.body as { action?: unknown } | undefined)?.action;
    if (!ROLLOUT_ACTIONS.includes(action as RolloutAction)) {
      sendFieldErrors(res, [{ field: 'action', message: `must be one of ${ROLLOUT_ACTIONS.join(', ')}` }]);
      return;
    }
    const rolloutAction = action as RolloutAction;
    await access.allowOn(req, mobileBackendRolloutPermission, mobileBackendResourceRef(ref));
    const view = await mustLoad(ref);
    const phase = view.resource.status?.rollout?.phase ?? 'Stable';
    if (!ROLLOUT_ACTION_PHASES[rolloutAction].includes(phase)) {
      throw new ConflictError(`cannot ${rolloutAction} a rollout in phase ${phase}`);
    }
    const updated = await access.audited(req, `backend-rollout-${rolloutAction}`, { ...ref, phase }, () =>
      clusters.get(ref.cluster).annotateBackend(ref.namespace, ref.name, {
        [ROLLOUT_ACTION_ANNOTATION]: rolloutAction,
        [ROLLOUT_ACTION_AT_ANNOTATION]: new Date().toISOString(),
      }),
    );
    res.status(202).json({ ...view, resource: updated });
  });

  return router;
}
