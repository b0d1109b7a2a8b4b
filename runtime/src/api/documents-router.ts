import { randomUUID } from 'node:crypto';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Database, SqlClient } from '../data/database.ts';
import type { ChangeNotifier } from './change-notifier.ts';
import { AppError } from '../platform/error-catalog.ts';
import { etagOf, parseIfMatch } from '../platform/http-conditionals.ts';
import { jsonBodyParser } from '../platform/json-body-parser.ts';
import { sendJson } from '../platform/json-response.ts';
import { deprecationHeaders, requireAccess } from './collection-registry.ts';
import type { Collection, CollectionRegistry } from './collection-registry.ts';
import {
  INITIAL_CHANGE_CURSOR,
  decodeChangeCursor,
  decodeListCursor,
  encodeChangeCursor,
  encodeListCursor,
  isUuid,
} from './cursor-codec.ts';
import { mergePatch, validateDocument } from './document-schema.ts';
import { runMutation } from './document-mutation.ts';
import type { MutationResult } from './document-mutation.ts';
import { presentChange, presentDocument } from './document-presenter.ts';
import { documentEtag } from './document-store.ts';
import type { DocumentStore, StoredDocument } from './document-store.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import { parseListQuery } from './list-query.ts';
import { identityOf } from './request-identity.ts';

export const DOCUMENTS_PATH = '/v1/collections/:collection/documents';
export const DOCUMENT_PATH = '/v1/collections/:collection/documents/:id';
export const CHANGES_PATH = '/v1/collections/:collection/changes';

export interface DocumentRoutesOptions {
  collections: CollectionRegistry;
  store: DocumentStore;
  idempotency: IdempotencyStore;
  database: Database;
  notifier: ChangeNotifier;
  bodyLimitBytes: number;
  maxJsonDepth: number;
  compressionThresholdBytes: number;
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** Looks up the collection and sets its deprecation headers, if any. */
function collectionOf(req: Request, res: Response, collections: CollectionRegistry): Collection {
  const collection = collections.get(String(req.params['collection']));
  for (const [name, value] of Object.entries(deprecationHeaders(collection.settings.deprecation)))
    res.setHeader(name, value);
  return collection;
}

function documentId(req: Request): string {
  const id = String(req.params['id']);
  if (!isUuid(id)) throw new AppError('not-found', 'no such document');
  return id;
}

function searchParams(req: Request): URLSearchParams {
  return new URL(req.originalUrl, 'http://localhost').searchParams;
}

function onlyParams(params: URLSearchParams, allowed: readonly string[]): void {
  for (const name of params.keys())
    if (!allowed.includes(name)) throw new AppError('invalid-parameter', `${name.slice(0, 80)}: unknown parameter`);
}

/** If-Match as a list of acceptable versions (`undefined`: no precondition or `*`). A weak or foreign tag matches nothing. */
function expectedVersions(req: Request): number[] | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const accepted = parseIfMatch(header);
  if (accepted === '*') return undefined;
  return accepted
    .map((tag) => /^"v(\d{1,9})"$/.exec(tag)?.[1])
    .filter((v) => v !== undefined)
    .map(Number);
}

function written(document: StoredDocument, status: number, extra: Record<string, string> = {}): MutationResult {
  return { status, headers: { etag: documentEtag(document), ...extra }, body: presentDocument(document) };
}

export function mountDocumentRoutes(app: Express, options: DocumentRoutesOptions): void {
  const { collections, store } = options;
  const json = jsonBodyParser({ limitBytes: options.bodyLimitBytes, maxDepth: options.maxJsonDepth });
  const mergePatchJson = jsonBodyParser({
    limitBytes: options.bodyLimitBytes,
    maxDepth: options.maxJsonDepth,
    extraTypes: ['application/merge-patch+json'],
  });
  const sendOptions = { compressionThresholdBytes: options.compressionThresholdBytes };
  const route =
    (handler: Handler): RequestHandler =>
    (req, res, next) =>
      handler(req, res).catch(next);
  const mutate = (
    req: Request,
    res: Response,
    collection: Collection,
    execute: (c: SqlClient) => Promise<MutationResult>,
  ) =>
    runMutation(req, res, {
      collection,
      identity: identityOf(res),
      database: options.database,
      idempotency: options.idempotency,
      execute,
      committed: () => options.notifier.changed(collection.name),
    });

  const list: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const principal = identityOf(res).principal;
    const scope = requireAccess(collection, 'read', principal);
    const query = parseListQuery(collection.settings, searchParams(req));
    const cursor =
      query.cursor === undefined ? undefined : decodeListCursor(query.cursor, query.sortSignature, query.sort.length);
    const page = await store.list(collection.name, query, scope, principal?.userId, cursor);
    const body = {
      items: page.documents.map((d) => presentDocument(d, query.fields)),
      nextCursor: page.next === undefined ? null : encodeListCursor(page.next),
    };
    await sendJson(req, res, body, sendOptions);
  };

  const create: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const principal = identityOf(res).principal;
    requireAccess(collection, 'create', principal);
    const data = validateDocument(collection.schema, collection.settings, req.body);
    await mutate(req, res, collection, async (client) => {
      const document = await store.create(
        client,
        collection.name,
        randomUUID(),
        principal?.userId ?? 'anonymous',
        data,
      );
      return written(document, 201, { location: `/v1/collections/${collection.name}/documents/${document.id}` });
    });
  };

  const read: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const principal = identityOf(res).principal;
    const scope = requireAccess(collection, 'read', principal);
    const params = searchParams(req);
    onlyParams(params, ['fields']);
    const fields = params.has('fields')
      ? parseListQuery(collection.settings, new URLSearchParams({ fields: params.get('fields') ?? '' })).fields
      : undefined;
    const document = await store.get(collection.name, documentId(req), scope === 'own' ? principal?.userId : undefined);
    if (document === undefined) throw new AppError('not-found', 'no such document');
    const body = presentDocument(document, fields);
    await sendJson(req, res, body, {
      ...sendOptions,
      etag: fields === undefined ? documentEtag(document) : etagOf(JSON.stringify(body)),
    });
  };

  const writeTarget = (req: Request, res: Response, collection: Collection, operation: 'update' | 'delete') => {
    const principal = identityOf(res).principal;
    const scope = requireAccess(collection, operation, principal);
    return {
      collection: collection.name,
      id: documentId(req),
      ownerId: scope === 'own' ? principal?.userId : undefined,
    };
  };

  const replace: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const target = writeTarget(req, res, collection, 'update');
    const data = validateDocument(collection.schema, collection.settings, req.body);
    const versions = expectedVersions(req);
    await mutate(req, res, collection, async (client) =>
      written(await store.write(client, { ...target, expectedVersions: versions }, data), 200),
    );
  };

  const patch: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const target = writeTarget(req, res, collection, 'update');
    const versions = expectedVersions(req);
    await mutate(req, res, collection, async (client) => {
      // Read, merge, validate, write with the read version; without If-Match a lost race just merges again.
      for (let attempt = 0; ; attempt++) {
        const current = await store.get(collection.name, target.id, target.ownerId, client);
        if (current === undefined) throw new AppError('not-found', 'no such document');
        const data = validateDocument(collection.schema, collection.settings, mergePatch(current.data, req.body));
        if (versions !== undefined && !versions.includes(current.version))
          throw new AppError('precondition-failed', `the document is at version ${current.version}`, {
            headers: { etag: documentEtag(current) },
          });
        try {
          return written(await store.write(client, { ...target, expectedVersions: [current.version] }, data), 200);
        } catch (error) {
          if (
            versions !== undefined ||
            attempt >= 4 ||
            !(error instanceof AppError) ||
            error.code !== 'precondition-failed'
          )
            throw error;
        }
      }
    });
  };

  const remove: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const target = writeTarget(req, res, collection, 'delete');
    const versions = expectedVersions(req);
    await mutate(req, res, collection, async (client) => {
      await store.write(client, { ...target, expectedVersions: versions }, undefined);
      return { status: 204, headers: {}, body: undefined };
    });
  };

  const changes: Handler = async (req, res) => {
    const collection = collectionOf(req, res, collections);
    const principal = identityOf(res).principal;
    const scope = requireAccess(collection, 'read', principal);
    const params = searchParams(req);
    onlyParams(params, ['since', 'limit']);
    const since = params.has('since') ? decodeChangeCursor(params.get('since') ?? '') : INITIAL_CHANGE_CURSOR;
    const rawLimit = params.get('limit') ?? '100';
    const limit = Number(rawLimit);
    if (!/^\d{1,4}$/.test(rawLimit) || limit < 1 || limit > collection.settings.maxPageSize)
      throw new AppError('invalid-parameter', `limit: must be an integer from 1 to ${collection.settings.maxPageSize}`);
    const ownerId = scope === 'own' ? principal?.userId : undefined;
    const { changes: rows, pending } = await store.changes(
      collection.name,
      since,
      limit + 1,
      ownerId,
      params.has('since'),
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const body = {
      changes: page.map(presentChange),
      nextSince: encodeChangeCursor(last === undefined ? since : { xid: last.xid, id: last.id }),
      hasMore: rows.length > limit,
      // Committed changes wait behind an older transaction that is still open: sync again shortly.
      pending,
    };
    await sendJson(req, res, body, sendOptions);
  };

  const notAllowed =
    (allow: string): RequestHandler =>
    (_req, res, next) => {
      res.setHeader('allow', allow);
      next(new AppError('method-not-allowed', `use ${allow}`));
    };

  app.get(DOCUMENTS_PATH, route(list));
  app.post(DOCUMENTS_PATH, json, route(create));
  app.all(DOCUMENTS_PATH, notAllowed('GET, HEAD, POST'));
  app.get(DOCUMENT_PATH, route(read));
  app.put(DOCUMENT_PATH, json, route(replace));
  app.patch(DOCUMENT_PATH, mergePatchJson, route(patch));
  app.delete(DOCUMENT_PATH, route(remove));
  app.all(DOCUMENT_PATH, notAllowed('GET, HEAD, PUT, PATCH, DELETE'));
  app.get(CHANGES_PATH, route(changes));
  app.all(CHANGES_PATH, notAllowed('GET, HEAD'));
}
