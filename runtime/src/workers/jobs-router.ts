import express from 'express';
import type { Request, Router } from 'express';
import { requireApiKey } from '../platform/admin-api-key.ts';
import { AppError } from '../platform/error-catalog.ts';
import type { JobQueue } from './job-queue.ts';

/**
 * Operator API of the workers component: queue depths, dead letters, redrive. Admin only: a caller must present
 * one of the configured API keys (`auth.apiKeys`, X-Api-Key); with none configured the API is closed.
 */
export function jobsRouter(queue: JobQueue, apiKeys: readonly { name: string; sha256: string }[]): Router {
  const router = express.Router();
  const requireAdmin = requireApiKey(apiKeys);
  const taskOf = (req: Request): string => {
    const task = String(req.params['task']);
    if (queue.task(task) === undefined) throw new AppError('not-found', `no task named ${task}`);
    return task;
  };
  const limitOf = (req: Request): number => {
    const raw = req.query['limit'];
    if (raw === undefined) return 100;
    const limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new AppError('invalid-parameter', 'limit: an integer from 1 to 1000', {
        extensions: { errors: [{ path: 'limit', message: 'an integer from 1 to 1000' }] },
      });
    return limit;
  };

  router.use('/v1/jobs', requireAdmin);
  router.get('/v1/jobs/queues', async (req, res) => {
    res.setHeader('cache-control', 'no-store').json({ queues: await queue.depths() });
  });
  router.get('/v1/jobs/queues/:task/dead-letters', async (req, res) => {
    const task = taskOf(req);
    res.setHeader('cache-control', 'no-store').json({ deadLetters: await queue.deadLetters(task, limitOf(req)) });
  });
  router.post('/v1/jobs/queues/:task/dead-letters/redrive', async (req, res) => {
    const task = taskOf(req);
    const id = req.query['id'];
    if (id !== undefined && (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)))
      throw new AppError('invalid-parameter', 'id: a job id (uuid)', {
        extensions: { errors: [{ path: 'id', message: 'a job id (uuid)' }] },
      });
    const moved = await queue.redrive(task, typeof id === 'string' ? id : undefined);
    res.setHeader('cache-control', 'no-store').json({ redriven: moved });
  });
  return router;
}
