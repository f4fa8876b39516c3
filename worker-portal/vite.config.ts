import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Content-Security-Policy for the built page. Item images may come from any http(s) host the requester uses;
 * everything else (scripts, styles, API calls) is same-origin only. Added at build time only, because the dev
 * server injects inline styles for hot reload. The server should send the same policy as a header too.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: http: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'goldfinch-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  base: '/worker/',
  plugins: [contentSecurityPolicy()],
  resolve: {
    // Code shared by both portals lives in ../portal-common (see its README).
    alias: { '@common': decodeURIComponent(new URL('../portal-common/src', import.meta.url).pathname) },
  },
  build: {
    outDir: 'target/classes/worker-portal',
    emptyOutDir: true,
    target: 'es2022',
    // No inlined assets: every file is served by the app under /worker/assets/ (CSP-friendly).
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` talks to a Goldfinch app running locally on its default port.
    proxy: { '/api': 'http://localhost:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
