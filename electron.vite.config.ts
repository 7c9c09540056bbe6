import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for the whole app: the Electron main process, its preload, the renderer, and the
// `airlock` command line (plain Node; the shim is part of it). main and cli share one output
// folder so `out/main/index.js` and `out/cli/airlock.js` can share chunks.
export default defineConfig({
  main: {
    build: {
      outDir: 'out',
      // main builds first: it empties out/ so stale hashed chunks never pile up.
      emptyOutDir: true,
      rollupOptions: {
        input: {
          'main/index': resolve(__dirname, 'main/index.ts'),
          'cli/airlock': resolve(__dirname, 'src/cli/airlock.ts'),
        },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'main/preload.ts') } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
