import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The Content-Security-Policy of the built app. The app makes no request of its own beyond its
 * origin: scripts, the persistence worker, styles, the sample and the manifest are all same-origin.
 * The persistence worker is a same-origin file (new URL(…, import.meta.url)), so workers need no blob:.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Puts the CSP into index.html at build time only: the dev server injects inline styles for hot
 * reload, which a strict policy would block. frame-ancestors is left out of the meta tag because
 * browsers ignore it there (with a console warning); the preview server sends it as a header.
 */
function cspMetaTag(): Plugin {
  return {
    name: 'scribe-vault-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: CONTENT_SECURITY_POLICY.split('; ')
            .filter((d) => !d.startsWith('frame-ancestors'))
            .join('; '),
        },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [
    preact(),
    cspMetaTag(),
    VitePWA({
      registerType: 'prompt',
      // Registered by src/ui/sw-register.ts through workbox-window (no inline script: CSP).
      injectRegister: false,
      // The glob below already precaches the icons; listing them twice would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Scribe Vault',
        short_name: 'Scribe Vault',
        description: 'Live transcription that never loses a word — private, offline, crash-proof.',
        lang: 'en',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f6f7f9',
        theme_color: '#0b6e6e',
        categories: ['productivity', 'utilities'],
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The whole app shell, the worker chunk, icons and the demo sample: the app loads and
        // records a Demo session with the network off.
        globPatterns: ['**/*.{js,css,html,png,txt,webmanifest}'],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
});
