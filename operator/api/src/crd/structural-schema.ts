/**
 * Turns the JSON Schema zod emits into a Kubernetes structural schema (`JSONSchemaProps`), following the rules
 * of https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema:
 * every node has a type (or is int-or-string), no $ref, no additionalProperties: false, anyOf only in the
 * int-or-string pattern, patterns in RE2 syntax. Anything else throws with the path, so a schema feature the API
 * server cannot take fails the generator rather than `kubectl apply`.
 */

/** A node of an OpenAPI v3 schema as a CRD carries it. */
export type JSONSchemaProps = { [key: string]: unknown };

type JsonSchema = { [key: string]: unknown };

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
/** Formats the API server validates; others would be accepted but silently ignored, which hides mistakes. */
const FORMATS = new Set([
  'date-time',
  'uri',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'uuid',
  'byte',
  'int32',
  'int64',
]);
/** Keys copied as they are (after their values are checked by the generic walk). */
const VALUE_KEYS = [
  'description',
  'default',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
];
/** Keys handled explicitly below, or dropped on purpose. */
const HANDLED_KEYS = new Set([
  ...VALUE_KEYS,
  'type',
  'format',
  'pattern',
  'const',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'propertyNames',
  'anyOf',
  'exclusiveMinimum',
  'exclusiveMaximum',
  '$schema',
]);

/** zod's bounds for `z.int()`; they only restate JavaScript's safe-integer range, so they are noise in a CRD. */
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);

export class StructuralSchemaError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path || '<root>'}: ${reason}`);
    this.name = 'StructuralSchemaError';
    this.path = path;
  }
}

/** Constructs RE2 rejects (lookaround, backreferences, atomic and JS-style named groups); JS rejects the rest. */
const NON_RE2 = /\(\?[=!<>]|\\[1-9]|\\k</;

export function assertRe2Compatible(pattern: string, path: string): void {
  if (NON_RE2.test(pattern)) throw new StructuralSchemaError(path, `pattern is not RE2 syntax: ${pattern}`);
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new StructuralSchemaError(path, `invalid pattern ${pattern}: ${(error as Error).message}`);
  }
}

function intOrString(node: JsonSchema, path: string): JSONSchemaProps | undefined {
  const branches = node.anyOf;
  if (!Array.isArray(branches)) return undefined;
  const types = branches.map((b: JsonSchema) => b.type).sort();
  if (branches.length !== 2 || types[0] !== 'integer' || types[1] !== 'string') {
    throw new StructuralSchemaError(path, 'anyOf is only supported as integer-or-string');
  }
  const stringBranch = branches.find((b: JsonSchema) => b.type === 'string') as JsonSchema;
  const integerBranch = branches.find((b: JsonSchema) => b.type === 'integer') as JsonSchema;
  const out: JSONSchemaProps = {
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
  };
  if (typeof stringBranch.pattern === 'string') {
    assertRe2Compatible(stringBranch.pattern, path);
    out.pattern = stringBranch.pattern;
  }
  if (typeof stringBranch.maxLength === 'number') out.maxLength = stringBranch.maxLength;
  if (typeof integerBranch.minimum === 'number' && !SAFE_INTEGER_BOUNDS.has(integerBranch.minimum)) {
    out.minimum = integerBranch.minimum;
  }
  return out;
}

/** Converts one node (and its children) of zod's JSON Schema output into a structural schema node. */
export function toStructuralSchema(node: JsonSchema, path = ''): JSONSchemaProps {
  for (const key of Object.keys(node)) {
    if (!HANDLED_KEYS.has(key)) throw new StructuralSchemaError(path, `unsupported JSON Schema keyword ${key}`);
  }
  // Free-form JSON kept as written (a flag variant's value, a JsonLogic rule): untyped, or an object of anything.
  if (node['x-kubernetes-preserve-unknown-fields'] === true) {
    const free: JSONSchemaProps = { 'x-kubernetes-preserve-unknown-fields': true };
    if (typeof node.description === 'string') free.description = node.description;
    if (node.type === 'object') free.type = 'object';
    return sortKeys(free);
  }
  const out: JSONSchemaProps = intOrString(node, path) ?? {};
  for (const key of VALUE_KEYS) {
    const value = node[key];
    if (value === undefined) continue;
    if ((key === 'minimum' || key === 'maximum') && SAFE_INTEGER_BOUNDS.has(value as number)) continue;
    out[key] = key === 'x-kubernetes-validations' ? (value as JSONSchemaProps[]).map(sortKeys) : value;
  }
  if (node.const !== undefined) out.enum = [node.const];
  if (typeof node.exclusiveMinimum === 'number')
    Object.assign(out, { minimum: node.exclusiveMinimum, exclusiveMinimum: true });
  if (typeof node.exclusiveMaximum === 'number')
    Object.assign(out, { maximum: node.exclusiveMaximum, exclusiveMaximum: true });
  if (out['x-kubernetes-int-or-string'] === true) return sortKeys(out);

  const type = node.type;
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new StructuralSchemaError(path, `every node needs a single type, got ${JSON.stringify(type)}`);
  }
  out.type = type;
  if (typeof node.format === 'string') {
    if (!FORMATS.has(node.format)) throw new StructuralSchemaError(path, `format ${node.format} is not validated`);
    out.format = node.format;
  }
  // zod adds its own regular expression to formats; the API server checks the format itself, and zod's date-time
  // pattern is not RE2.
  if (typeof node.pattern === 'string' && out.format === undefined) {
    assertRe2Compatible(node.pattern, path);
    out.pattern = node.pattern;
  }

  if (type === 'object') {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    const additional = node.additionalProperties;
    if (properties !== undefined) {
      out.properties = Object.fromEntries(
        Object.keys(properties)
          .sort()
          .map((name) => [name, toStructuralSchema(properties[name] as JsonSchema, `${path}.${name}`)]),
      );
      if (Array.isArray(node.required) && node.required.length > 0) out.required = [...node.required].sort();
      // additionalProperties: false is forbidden; the API server prunes unknown fields instead.
      if (additional !== undefined && additional !== false) {
        throw new StructuralSchemaError(path, 'properties and additionalProperties cannot be combined');
      }
    } else if (typeof additional === 'object' && additional !== null) {
      const names = node.propertyNames as JsonSchema | undefined;
      if (names !== undefined && Object.keys(names).some((k) => k !== 'type')) {
        throw new StructuralSchemaError(path, 'map keys cannot be constrained');
      }
      out.additionalProperties = toStructuralSchema(additional as JsonSchema, `${path}[*]`);
    }
  } else if (type === 'array') {
    if (typeof node.items !== 'object' || node.items === null || Array.isArray(node.items)) {
      throw new StructuralSchemaError(path, 'arrays need a single items schema');
    }
    out.items = toStructuralSchema(node.items as JsonSchema, `${path}[*]`);
  }
  return sortKeys(out);
}

/** Same keys, alphabetical, as controller-gen writes them: stable diffs whatever order the schema was built in. */
function sortKeys(node: JSONSchemaProps): JSONSchemaProps {
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((key) => [key, node[key]]),
  );
}
