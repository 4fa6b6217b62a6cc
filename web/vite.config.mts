import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Routes the dev server (`npm run dev:web`) sends to the API instead of the app. */
const API_ROUTES = ['/tasks', '/events', '/task-types', '/config', '/openapi.json', '/healthz', '/graph', '/pipelines', '/batches', '/approvals', '/me', '/datasets'];
const apiUrl = process.env.TASKDECK_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    // The app shares core/statuses.ts with the API and workflows.
    fs: { allow: ['..'] },
    proxy: Object.fromEntries(
      API_ROUTES.map((route) => [
        route,
        {
          target: apiUrl,
          // Browser navigations to /tasks/:id load the app; fetches and event streams go to the API.
          bypass: (req: { headers: { accept?: string } }) => (req.headers.accept?.includes('text/html') ? '/index.html' : undefined),
        },
      ]),
    ),
  },
});
