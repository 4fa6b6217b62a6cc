# The Taskdeck image: one image, two roles. The compose file runs it as the worker
# (`npm run worker`) and as the API + web app (`npm run api`, the default command).
FROM node:20-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The API serves the built web app; the build needs dev dependencies, running does not.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# MALLOC_ARENA_MAX: as runtime/processEnv.ts explains, fewer malloc arenas for the SDK's Rust threads.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    TASKDECK_DATA=/data \
    PORT=8080
# Logs (written by workers, read by the API) and datasets live here: mount one shared volume
# at this path on every worker and API replica.
VOLUME /data
EXPOSE 8080

# Node itself is PID 1 (no npm wrapper), so SIGTERM reaches the worker's graceful shutdown.
# The API's V8 flag: runtime/processEnv.ts says why.
CMD ["node", "--heap-growing-percent=30", "--import", "tsx", "api/index.ts"]
