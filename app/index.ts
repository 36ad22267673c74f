import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { startApp } from './server.js';

if (existsSync('.env')) process.loadEnvFile('.env');

try {
  const config = loadConfig();
  const running = await startApp(config);
  // Libraries run some work in promises nobody awaits: one of them failing must not stop
  // the process, and with it every send under way.
  process.on('unhandledRejection', (reason) => running.unhandled(reason));
  console.log(
    running.port === undefined
      ? 'Feedback app connected to Slack with Socket Mode.'
      : `Feedback app listening on port ${running.port} (POST /slack/events).`,
  );
  const shutdown = () => {
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Cannot start: ${(error as Error).message}`);
  process.exit(1);
}
