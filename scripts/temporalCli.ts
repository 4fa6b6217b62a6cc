import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The one tag whose go.mod installs with `go install`: later tags carry a replace directive. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface CliLocation {
  /** `$TEMPORAL_CLI`, if set. */
  explicit?: string;
  /** Folder where Taskdeck keeps (and builds) its own copy: `<data>/bin`. */
  binDir: string;
  log?: (message: string) => void;
}

/**
 * Finds the Temporal CLI: `$TEMPORAL_CLI`, then `temporal` on PATH, then `<data>/bin/temporal`.
 * When none exists it builds the CLI from its Go module into `<data>/bin`; nothing is downloaded
 * from a website. Without Go it stops with a message saying how to get the CLI.
 */
export function findTemporalCli({ explicit, binDir, log = console.log }: CliLocation): string {
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI=${explicit} is not an executable file`);
    return explicit;
  }
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'temporal'))
    .find(isExecutable);
  if (onPath) return onPath;
  const own = join(binDir, 'temporal');
  if (isExecutable(own)) return own;

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      'The Temporal CLI was not found and Go is not installed to build it.\n' +
        `Install Go (https://go.dev/doc/install), or build the CLI yourself with\n` +
        `  go install ${TEMPORAL_CLI_MODULE}\n` +
        'and put it on PATH, or point TEMPORAL_CLI at it, or set TEMPORAL_ADDRESS to use a running cluster.',
    );
  }
  mkdirSync(binDir, { recursive: true });
  log(`taskdeck: building the Temporal CLI into ${binDir} (go install ${TEMPORAL_CLI_MODULE}); this takes a few minutes once`);
  const build = spawnSync('go', ['install', TEMPORAL_CLI_MODULE], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: binDir },
  });
  if (build.status !== 0 || !isExecutable(own)) {
    throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed (exit ${build.status}); see its output above`);
  }
  return own;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
