import { ParseServer } from 'parse-server';

/**
 * Parse Server 9 for the benchmark, on the same PostgreSQL as the runtime: PARSE_PORT, PARSE_DATABASE_URI.
 * Its defaults are kept except logging (errors only, like the runtime's info lines that go to /dev/null).
 */
const port = Number(process.env['PARSE_PORT']);
await ParseServer.startApp({
  databaseURI: process.env['PARSE_DATABASE_URI'] ?? '',
  appId: 'bench',
  masterKey: 'bench-master-key',
  maintenanceKey: 'bench-maintenance-key',
  masterKeyIps: ['127.0.0.1', '::1'],
  serverURL: `http://127.0.0.1:${port}/parse`,
  mountPath: '/parse',
  port,
  host: '127.0.0.1',
  logLevel: 'error',
  allowClientClassCreation: true,
  enforcePrivateUsers: true,
});
