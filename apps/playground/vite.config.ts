import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// `pnpm dev` proxies the API to a gateway so that the default "same origin" setting works there too.
const gateway = process.env.SWITCHYARD_GATEWAY_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  // Relative asset paths: the gateway serves the build at `/`, and it also works from a sub-path.
  base: './',
  plugins: [react()],
  resolve: { conditions: ['@switchyard/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      '/v1': { target: gateway, changeOrigin: true },
      '/admin': { target: gateway, changeOrigin: true },
    },
  },
});
