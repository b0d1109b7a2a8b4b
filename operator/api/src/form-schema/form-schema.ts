import { z } from 'zod';
import { API_VERSION } from '../group-version.ts';
import { MobileBackendSpecSchema } from '../mobile-backend/mobile-backend-spec.ts';
import { MobileEnvironmentSpecSchema } from '../mobile-environment/mobile-environment-spec.ts';

/** A JSON Schema document, as plain data. */
export type JsonSchemaDocument = { [key: string]: unknown };

/**
 * Form schemas describe a spec only: the portal asks for name and namespace itself. Draft-07, because that is
 * what react-jsonschema-form (and so the Backstage scaffolder) validates with by default.
 */
const FORM_SCHEMAS = {
  MobileBackend: MobileBackendSpecSchema,
  MobileEnvironment: MobileEnvironmentSpecSchema,
} as const;

export type FormSchemaKind = keyof typeof FORM_SCHEMAS;

/** Removes the Kubernetes-only extensions: a form has no use for CEL or list-merge semantics. */
function withoutKubernetesExtensions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutKubernetesExtensions);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !key.startsWith('x-kubernetes-'))
      .map(([key, value]) => [key, key === 'default' || key === 'enum' ? value : withoutKubernetesExtensions(value)]),
  );
}

/**
 * The JSON Schema of a kind's spec for the portal's forms (input side: defaulted fields are optional and carry
 * their default). Cross-field rules are not expressible here; call `validateMobileBackendSpec()` for those.
 * Field order is the schema's own, which is the order a form shows.
 */
export function formSchema(kind: FormSchemaKind): JsonSchemaDocument {
  const schema = z.toJSONSchema(FORM_SCHEMAS[kind], {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
    reused: 'inline',
    cycles: 'throw',
  });
  const { $schema, ...rest } = withoutKubernetesExtensions(schema) as JsonSchemaDocument;
  return { $schema, title: `${kind} spec (${API_VERSION})`, ...rest };
}
