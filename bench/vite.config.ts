/**
 * Builds the bench pages (bench/index.html + contender workers) into bench/scratch/dist. Separate from
 * the app's vite.config.ts, whose build never sees bench/. Used by bench/run.ts through Vite's API.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const benchRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: benchRoot,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  worker: { format: 'es' },
  // SQLite locates its wasm with new URL('sqlite3.wasm', import.meta.url): keep it out of pre-bundling.
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  build: {
    outDir: fileURLToPath(new URL('./scratch/dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    // On a loaded 2-core machine Rolldown warns that plugins are slow; that is noise in bench output.
    rolldownOptions: { checks: { pluginTimings: false, bundlerTimings: false } },
  },
});
