/**
 * Environment every Taskdeck process starts with; the launchers (scripts/start.ts, the test
 * stacks, the Dockerfile) set it, because glibc reads it only when a process starts.
 *
 * MALLOC_ARENA_MAX: the Temporal SDK's Rust core (the workers, and every client, see
 * runtime/connection.ts) allocates on its own threads, and glibc gives threads their own malloc
 * arenas, which hold on to freed memory. With two arenas the API's RSS in bench figure 7 went from
 * 268 MB to 194 MB, and figure 6 of the same run stayed well within its target.
 */
export const PROCESS_ENV: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '2' };
