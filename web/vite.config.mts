import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiUrl = process.env.TASKDECK_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  // The app's pages live under /ui; every other path is the API's (api/app.ts).
  base: '/ui/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    // The app shares core/ (statuses, the contract's endpoints) with the API and workflows.
    fs: { allow: ['..'] },
    // `npm run dev:web`: everything outside /ui goes to the API.
    proxy: { '^/(?!ui(/|$))': { target: apiUrl } },
  },
});
