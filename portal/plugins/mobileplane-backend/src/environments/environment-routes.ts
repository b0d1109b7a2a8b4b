import {
  mobileEnvironmentCreatePermission,
  mobileEnvironmentDeletePermission,
  mobileEnvironmentReadPermission,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import type { ListResponse, MobileEnvironmentView } from '@mobileplane/backstage-plugin-mobileplane-common';
import { describeEnvironment, prepareMobileEnvironment } from '@mobileplane/backstage-plugin-mobileplane-node';
import type { MobileplaneClusters } from '@mobileplane/backstage-plugin-mobileplane-node';
import { NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import type { RequestAccess } from '../http/request-access';

/** The MobileEnvironment routes: list, get, request (create) and delete. */
export function environmentRoutes(deps: { clusters: MobileplaneClusters; access: RequestAccess }) {
  const { clusters, access } = deps;
  const router = Router();

  router.get('/environments', async (req, res) => {
    await access.allow(req, mobileEnvironmentReadPermission);
    const cluster = typeof req.query.cluster === 'string' ? req.query.cluster : undefined;
    const body: ListResponse<MobileEnvironmentView> = { items: [] };
    await Promise.all(
      (cluster ? [clusters.get(cluster)] : clusters.list()).map(async (client) => {
        try {
          const environments = await client.listEnvironments();
          body.items.push(...environments.map((e) => describeEnvironment(client.config.name, e)));
        } catch (error) {
          (body.errors ??= []).push({ cluster: client.config.name, message: (error as Error).message });
        }
      }),
    );
    body.items.sort((a, b) => `${a.cluster}/${a.name}`.localeCompare(`${b.cluster}/${b.name}`));
    res.json(body);
  });

  router.get('/environments/:cluster/:name', async (req, res) => {
    await access.allow(req, mobileEnvironmentReadPermission);
    const { cluster, name } = req.params;
    const environment = await clusters.get(cluster).getEnvironment(name);
    if (!environment) throw new NotFoundError(`MobileEnvironment ${name} not found in cluster ${cluster}`);
    res.json(describeEnvironment(cluster, environment));
  });

  router.post('/environments', async (req, res) => {
    await access.allow(req, mobileEnvironmentCreatePermission);
    const { client, manifest } = prepareMobileEnvironment(clusters, req.body);
    const dryRun = req.query.dryRun === 'true' || req.query.dryRun === 'All';
    const meta = { cluster: client.config.name, name: manifest.metadata.name, tier: manifest.spec.tier, dryRun };
    const created = await access.audited(req, 'environment-create', meta, () =>
      client.createEnvironment(manifest, { dryRun }),
    );
    res.status(dryRun ? 200 : 201).json(describeEnvironment(client.config.name, created));
  });

  router.delete('/environments/:cluster/:name', async (req, res) => {
    await access.allow(req, mobileEnvironmentDeletePermission);
    const { cluster, name } = req.params;
    const dryRun = req.query.dryRun === 'true';
    await access.audited(req, 'environment-delete', { cluster, name, dryRun }, () =>
      clusters.get(cluster).deleteEnvironment(name, { dryRun }),
    );
    res.status(204).end();
  });

  return router;
}
