import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config-loader.ts';

describe('loadConfig', () => {
  it('applies defaults for an embedded api component', () => {
    const config = loadConfig({ argv: ['--component=api'], env: {} });
    expect(config.component).toBe('api');
    expect(config.server.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
    expect(config.rateLimits.user).toEqual({ limit: 300, windowSeconds: 60 });
  });

  it('reads the mounted file and lets the environment override it', () => {
    const config = loadConfig({
      argv: [],
      env: { PORT: '9090', MOBILEPLANE_COMPONENT: 'workers' },
      fileContents: JSON.stringify({ server: { port: 7070 }, collections: { notes: { fields: {} } } }),
    });
    expect(config.server.port).toBe(9090);
    expect(config.component).toBe('workers');
    expect(config.collections['notes']?.access.read).toBe('owner');
  });

  it.each([
    [{ argv: ['--component=nope'], env: {} }, /component \(from --component\)/],
    [{ argv: [], env: {} }, /component: /],
    [{ argv: ['--component', 'api'], env: { PORT: 'eighty' } }, /server\.port \(from PORT\)/],
    [{ argv: ['--component=api'], env: { DATABASE_URL: 'mysql://x' } }, /database\.url \(from DATABASE_URL\)/],
    [{ argv: ['--component=api'], env: { AUTH_JWKS_URL: 'https://idp/jwks' } }, /auth\.issuer: required with jwksUrl/],
    [
      { argv: ['--component=api'], env: {}, fileContents: '{"collections":{"1bad":{"fields":{}}}}' },
      /collections\.1bad/,
    ],
    [{ argv: ['--component=api'], env: {}, fileContents: '{"surprise":1}' }, /surprise/],
    [{ argv: ['--component=api'], env: {}, fileContents: '{' }, /not JSON/],
  ])('fails fast naming the field (%#)', (sources, message) => {
    expect(() => loadConfig(sources)).toThrow(ConfigError);
    expect(() => loadConfig(sources)).toThrow(message);
  });
});
