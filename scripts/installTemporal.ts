import { join } from 'node:path';
import { loadConfig } from '../runtime/config';
import { findTemporalCli } from './temporalCli';

/** `npm run temporal:install`: finds or builds the Temporal CLI and prints its path. */
const config = loadConfig();
console.log(findTemporalCli({ explicit: config.temporal.cli, binDir: join(config.dataDir, 'bin'), log: console.error }));
