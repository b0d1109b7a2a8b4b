import type { DocumentData } from './document-schema.ts';
import type { StoredDocument } from './document-store.ts';

export interface DocumentBody {
  id: string;
  owner: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  data: Partial<DocumentData>;
}

export interface ChangeBody {
  op: 'upsert' | 'delete';
  id: string;
  version: number;
  updatedAt: string;
  document?: DocumentBody;
}

/** The public JSON of a document; `fields` (sparse fieldset) keeps only the named data fields. */
export function presentDocument(document: StoredDocument, fields?: readonly string[]): DocumentBody {
  let data: Partial<DocumentData> = document.data;
  if (fields !== undefined) {
    data = {};
    for (const name of fields) if (Object.hasOwn(document.data, name)) data[name] = document.data[name];
  }
  return {
    id: document.id,
    owner: document.owner,
    version: document.version,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    data,
  };
}

/** A delta-sync entry: the document's current state, or a tombstone. */
export function presentChange(document: StoredDocument): ChangeBody {
  const base = { id: document.id, version: document.version, updatedAt: document.updatedAt };
  return document.deleted ? { op: 'delete', ...base } : { op: 'upsert', ...base, document: presentDocument(document) };
}
