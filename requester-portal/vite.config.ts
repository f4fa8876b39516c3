import { defineConfig } from 'vitest/config';
import { portalConfig } from '../portal-common/vite.portal';

// Shared settings (base /requester/, output target/classes/requester-portal, CSP, @common alias): ../portal-common/vite.portal.ts.
// The requester portal loads nothing from other hosts: images are same-origin too.
export default defineConfig(portalConfig({ name: 'requester', imgSrc: "'self' data:" }));
