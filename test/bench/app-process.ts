import { loadConfig } from '../../app/config.js';
import { startApp } from '../../app/server.js';
import { serve } from './child.js';

/**
 * The app started as app/index.ts starts it (settings from the environment, default log
 * level), but telling the bench its port over IPC rather than in a log line.
 */
const running = await startApp(loadConfig(process.env));
serve(running.port!, () => running.stop());
