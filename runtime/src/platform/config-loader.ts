import { readFileSync } from 'node:fs';
import { runtimeConfigSchema } from './config-schema.ts';
import type { RuntimeConfig } from './config-schema.ts';

/** Environment variables and the config path each one sets. The mounted file is read first; env wins. */
export const CONFIG_ENV_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  MOBILEPLANE_COMPONENT: ['component'],
  HOST: ['server', 'host'],
  PORT: ['server', 'port'],
  MOBILEPLANE_BODY_LIMIT_BYTES: ['server', 'bodyLimitBytes'],
  MOBILEPLANE_COMPRESSION_THRESHOLD_BYTES: ['server', 'compressionThresholdBytes'],
  MOBILEPLANE_SHUTDOWN_TIMEOUT_MS: ['server', 'shutdownTimeoutMs'],
  MOBILEPLANE_TRUST_PROXY_HOPS: ['server', 'trustProxyHops'],
  MOBILEPLANE_BACKEND: ['identity', 'backend'],
  MOBILEPLANE_REVISION: ['identity', 'revision'],
  LOG_LEVEL: ['log', 'level'],
  DATABASE_URL: ['database', 'url'],
  DATABASE_POOL_SIZE: ['database', 'poolSize'],
  MOBILEPLANE_PGLITE_DIR: ['database', 'pgliteDataDir'],
  REDIS_URL: ['redis', 'url'],
  REDIS_KEY_PREFIX: ['redis', 'keyPrefix'],
  AUTH_JWKS_URL: ['auth', 'jwksUrl'],
  AUTH_ISSUER: ['auth', 'issuer'],
  AUTH_AUDIENCE: ['auth', 'audience'],
  SMTP_HOST: ['email', 'smtp', 'host'],
  SMTP_PORT: ['email', 'smtp', 'port'],
  MAIL_FROM: ['email', 'from'],
  MAIL_LINK_BASE_URL: ['email', 'linkBaseUrl'],
};

/** Thrown when the configuration is invalid; the message names every offending field (and its source). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigSources {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** The mounted config file's contents (JSON); by default read from MOBILEPLANE_CONFIG_FILE. */
  fileContents?: string;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function componentFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--component=')) return arg.slice('--component='.length);
    if (arg === '--component') return argv[i + 1];
  }
  return undefined;
}

/** Loads and validates the runtime config; fails fast with every invalid field named. */
export function loadConfig(sources: ConfigSources = {}): RuntimeConfig {
  const env = sources.env ?? process.env;
  const argv = sources.argv ?? process.argv.slice(2);
  const origin = new Map<string, string>();
  let raw: Record<string, unknown> = {};

  const file = env['MOBILEPLANE_CONFIG_FILE'];
  let text = sources.fileContents;
  if (text === undefined && file !== undefined && file !== '') {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `invalid config: MOBILEPLANE_CONFIG_FILE: cannot read ${file}: ${(error as Error).message}`,
      );
    }
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`invalid config: config file is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ConfigError('invalid config: config file must hold a JSON object');
    raw = parsed as Record<string, unknown>;
  }

  for (const [name, path] of Object.entries(CONFIG_ENV_VARIABLES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, value);
    origin.set(path.join('.'), name);
  }
  const component = componentFromArgv(argv);
  if (component !== undefined) {
    raw['component'] = component;
    origin.set('component', '--component');
  }

  const result = runtimeConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(root)';
    const from = origin.get(field);
    return `${field}${from === undefined ? '' : ` (from ${from})`}: ${issue.message}`;
  });
  throw new ConfigError(`invalid config: ${lines.join('; ')}`);
}
