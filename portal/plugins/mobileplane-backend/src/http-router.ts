import express from 'express';
import type { Router } from 'express';
import { kindCatalog } from './kinds/kind-catalog';

/** Paths that answer without credentials; the plugin registers them as `unauthenticated` auth policies. */
export const unauthenticatedPaths = ['/health'] as const;

/** The plugin's HTTP API, mounted by the backend under `/api/mobileplane`. */
export function createHttpRouter(): Router {
  const router = express.Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/kinds', (_req, res) => {
    res.json(kindCatalog());
  });

  return router;
}
