import { defineConfig } from 'vitest/config';
import { portalConfig } from '../portal-common/vite.portal';

// Shared settings (base /worker/, output target/classes/worker-portal, CSP, @common alias): ../portal-common/vite.portal.ts.
// Item images may come from any http(s) host the requester uses. This portal also runs portal-common's tests.
export default defineConfig(portalConfig({ name: 'worker', imgSrc: "'self' https: http: data:", commonTests: true }));
