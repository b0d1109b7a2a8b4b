import { z } from 'zod';
import { GROUP, KINDS, VERSION, crdName } from '../group-version.ts';
import { type CustomResourceSource } from './custom-resource-source.ts';
import { toStructuralSchema, type JSONSchemaProps } from './structural-schema.ts';

/** An apiextensions.k8s.io/v1 CustomResourceDefinition, as much of it as we generate. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: Array<Record<string, unknown>>;
      selectableFields?: Array<{ jsonPath: string }>;
      schema: { openAPIV3Schema: JSONSchemaProps };
    }>;
  };
}

/** Labels on every generated CRD. */
export const CRD_LABELS = { 'app.kubernetes.io/part-of': 'mobileplane' } as const;

const ROOT_FIELDS: Record<string, JSONSchemaProps> = {
  apiVersion: {
    description:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
    type: 'string',
  },
  kind: {
    description:
      'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.',
    type: 'string',
  },
  // Declaring metadata.name lets root CEL rules blame it with fieldPath: .metadata.name. A CRD may not
  // constrain any other metadata field.
  metadata: { properties: { name: { type: 'string' } }, type: 'object' },
};

/**
 * The openAPIV3Schema of a kind: zod's JSON Schema for the resource (input side, so defaulted fields are
 * optional and carry their `default`), made structural, with the standard apiVersion/kind/metadata fields.
 */
export function openApiV3Schema(source: CustomResourceSource): JSONSchemaProps {
  const jsonSchema = z.toJSONSchema(source.schema, {
    io: 'input',
    unrepresentable: 'throw',
    reused: 'inline',
    cycles: 'throw',
  }) as Record<string, unknown>;
  const properties = Object.fromEntries(
    Object.entries(jsonSchema.properties as Record<string, Record<string, unknown>>).filter(
      ([name]) => !(name in ROOT_FIELDS),
    ),
  );
  const root = toStructuralSchema({
    ...jsonSchema,
    properties,
    required: (jsonSchema.required as string[]).filter((name) => !(name in ROOT_FIELDS)),
  });
  const merged = { ...(root.properties as Record<string, JSONSchemaProps>), ...ROOT_FIELDS };
  root.properties = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((name) => [name, merged[name]]),
  );
  return root;
}

/** The CustomResourceDefinition of one kind, as an object (apply it directly, or render it as YAML). */
export function customResourceDefinition(source: CustomResourceSource): CustomResourceDefinition {
  const names = KINDS[source.kind];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(source.kind), labels: { ...CRD_LABELS } },
    spec: {
      group: GROUP,
      names: {
        kind: source.kind,
        listKind: `${source.kind}List`,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [...source.categories],
      },
      scope: names.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: source.printerColumns.map((column) => ({ ...column })),
          ...(source.selectableFields === undefined
            ? {}
            : { selectableFields: source.selectableFields.map((jsonPath) => ({ jsonPath })) }),
          schema: { openAPIV3Schema: openApiV3Schema(source) },
        },
      ],
    },
  };
}
