import { ConfigError, loadConfig } from './platform/config-loader.ts';
import { TracingConfigError } from './platform/tracing.ts';
import { startRuntime } from './runtime-server.ts';

/** Entry point of the runtime image: `node runtime/src/main.ts --component=api|auth|workers|push|storage`. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  let runtime;
  try {
    runtime = await startRuntime(config);
  } catch (error) {
    if (error instanceof TracingConfigError) {
      console.error(`invalid config: ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const stop = (signal: string) => {
    runtime.logger.info({ signal }, 'shutting down');
    runtime.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        runtime.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('runtime failed to start:', error);
  process.exit(1);
});
