import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The guest pages (web/guest.html + web/src/guest/**): their own bundle, so a guest's phone never
// loads back-office code. Built after the back office into web/dist/guest and served by the
// Tillpoint server at /r/{receiptCode} and /g/{program}/… (src/adapters/http/routes/guest-web.routes.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/guest/',
  plugins: [react()],
  build: {
    outDir: 'dist/guest',
    emptyOutDir: true,
    rollupOptions: { input: fileURLToPath(new URL('guest.html', import.meta.url)) },
  },
  server: {
    // `npx vite web --config web/vite.guest.config.ts`: the API comes from `npm start` on :3000.
    proxy: { '/app/v1': 'http://127.0.0.1:3000' },
  },
});
