/**
 * Vite / Vitest settings both portals share; each portal's vite.config.ts passes the result to defineConfig.
 * No imports on purpose: portal-common has no node_modules of its own, and Vite bundles this file into the
 * portal's config (it resolves import.meta.url per file, so the paths below are relative to portal-common/).
 */

export interface PortalConfigOptions {
  /** 'worker' or 'requester': served at /<name>/, built into target/classes/<name>-portal/. */
  name: 'worker' | 'requester';
  /** The Content-Security-Policy img-src sources, e.g. "'self' data:". */
  imgSrc: string;
  /** Also run the tests of portal-common (exactly one portal does, so they run once in the Maven build). */
  commonTests?: boolean;
}

const pathOf = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

/**
 * Content-Security-Policy for the built page: everything but images is same-origin only. Added at build time
 * only, because the dev server injects inline styles for hot reload. The server should send the same policy as a
 * header too.
 */
export function contentSecurityPolicy(imgSrc: string) {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${imgSrc}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
  return {
    name: 'goldfinch-csp',
    apply: 'build' as const,
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: csp }, injectTo: 'head-prepend' as const },
    ],
  };
}

export function portalConfig({ name, imgSrc, commonTests = false }: PortalConfigOptions) {
  const common = pathOf('./src');
  return {
    base: `/${name}/`,
    plugins: [contentSecurityPolicy(imgSrc)],
    resolve: {
      // Code shared by both portals lives in portal-common/src (see its README), imported as @common/...
      alias: { '@common': common },
    },
    build: {
      outDir: `target/classes/${name}-portal`,
      emptyOutDir: true,
      target: 'es2022',
      // No inlined assets: every file is served by the app under /<name>/assets/ (CSP-friendly).
      assetsInlineLimit: 0,
    },
    server: {
      // `npm run dev` talks to a Goldfinch app running locally on its default port.
      proxy: { '/api': 'http://localhost:8080' },
      // The dev server may serve the portal and portal-common (outside the portal's root).
      fs: { allow: [pathOf(`../${name}-portal`), common] },
    },
    test: {
      environment: 'jsdom',
      include: commonTests ? ['src/**/*.test.ts', '../portal-common/src/**/*.test.ts'] : ['src/**/*.test.ts'],
      restoreMocks: true,
    },
  };
}
