import type { z } from 'zod';
import type { KindName } from '../group-version.ts';

/** One `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  /** 0 shows in `kubectl get`; 1 only in `kubectl get -o wide`. */
  priority?: number;
}

/** Everything needed to generate the CRD of one kind. */
export interface CustomResourceSource {
  kind: KindName;
  /** Schema of the whole resource: apiVersion, kind, metadata, spec and status. */
  schema: z.ZodType;
  categories: readonly string[];
  printerColumns: readonly PrinterColumn[];
  /** JSONPaths usable in `--field-selector` (selectableFields, Kubernetes 1.32+). */
  selectableFields?: readonly string[];
}

/** The `Ready` condition's status, as `kubectl get` shows it. */
export const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Status of the Ready condition.',
};

export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the resource was created.',
};

/** The `kubectl get mobileplane` category every kind of the API is in. */
export const MOBILEPLANE_CATEGORY = 'mobileplane';
