import { createLogger } from './observability/logger.ts';
import { parseOperatorOptions } from './operator/operator-options.ts';
import { runOperator } from './operator/operator-process.ts';

// Entry point: `node operator/controller/src/main.ts [--flag=value ...]` (flags: operator-options.ts).
let options;
try {
  options = parseOperatorOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const logger = createLogger(options['log-level']);
process.on('unhandledRejection', (error) => {
  logger.fatal({ err: error }, 'unhandled rejection');
  process.exit(1);
});
runOperator(options, logger).then(
  (code) => process.exit(code),
  (error: unknown) => {
    logger.fatal({ err: error }, 'operator failed');
    process.exit(1);
  },
);
