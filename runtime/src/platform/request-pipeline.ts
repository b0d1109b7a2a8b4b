import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs a declared list of middleware steps as one Express layer: each step's `next()` starts the following step,
 * `next(error)` leaves the pipeline for the error middleware, a step that throws does the same. Behaves as mounting
 * the steps one by one, without the router matching and re-trimming the mount path once per step on every request.
 */
export function requestPipeline(steps: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        done(error);
        return;
      }
      const step = steps[index++];
      if (step === undefined) {
        done();
        return;
      }
      try {
        void step(req, res, next as NextFunction);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}
