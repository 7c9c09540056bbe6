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
          // Fewer files for what starts often: every file a process requires costs a path
          // resolution (realpath), a read and a compile. The client side of the socket (used by
          // the shim and by the CLI's pending/approve/deny/status) is one chunk, and those
          // commands one more; neither pulls in zod, SQLite or the gate service.
          codeSplitting: {
            groups: [
              // What every command needs stays out of the two groups below (rolldown would
              // otherwise fold it into them, and every command would load the socket client).
              // keychainRef: the shim looks for keychain references on every start; the keychain
              // itself (hosts/keychain and its native module) is a chunk loaded only for one.
              {
                name: 'base',
                test: /src[\\/](cli[\\/]args|core[\\/]dataDir|contract[\\/]types|hosts[\\/]keychainRef)\.ts$/,
              },
              {
                name: 'gateClient',
                test: /src[\\/](gate[\\/](lineChannel|seal|auth|wireVersion|wireLimits)|link[\\/](client|wireCheck)|mcp[\\/]framing)\.ts$/,
              },
              {
                name: 'decide',
                test: /src[\\/]cli[\\/](commands[\\/]decide|control|describeCall|settled)\.ts$/,
              },
            ],
          },
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
