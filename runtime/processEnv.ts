/**
 * How every Taskdeck process starts; the launchers (scripts/start.ts, the test stacks, the
 * Dockerfile and docker-compose.yml, the npm scripts) apply it, because glibc and V8 read these
 * settings only when a process starts. A compose test checks that the files which cannot import
 * this one (package.json, the Dockerfile, docker-compose.yml) say the same.
 *
 * MALLOC_ARENA_MAX: the Temporal SDK's Rust core (the workers, and every client, see
 * runtime/connection.ts) allocates on its own threads, and glibc gives threads their own malloc
 * arenas, which hold on to freed memory. With two arenas the API's RSS in bench figure 7 went from
 * 268 MB to 194 MB, and figure 6 of the same run stayed well within its target.
 */
export const PROCESS_ENV: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '2' };

/**
 * V8 flags of each entry point. The API's heap is mostly its task index, which lives long. By
 * default V8 lets the old generation grow to several times what survived the last full collection
 * before it collects again: under the same load (bench figure 7) the API peaked anywhere from 194
 * to 282 MB RSS. Growing by at most 30 % kept the peak at 178-192 MB over four runs.
 */
export const NODE_FLAGS: Record<string, readonly string[]> = {
  'api/index.ts': ['--heap-growing-percent=30'],
};

/** The arguments of `node` that run a TypeScript entry point with its flags. */
export function nodeArgs(entry: string, path = entry): string[] {
  return [...(NODE_FLAGS[entry] ?? []), '--import', 'tsx', path];
}
