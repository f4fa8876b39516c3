/** Hash routes (#/jobs, #/label/42): the Java app serves one index.html per portal, so no server rewrites. */

export interface Route {
  /** First path segment: '' for the home route. */
  name: string;
  /** Remaining segments, URI-decoded. */
  params: string[];
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').split('?')[0] ?? '';
  const segments = path.split('/').filter((s) => s !== '');
  const decoded = segments.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { name: decoded[0] ?? '', params: decoded.slice(1) };
}

export function navigate(hash: string): void {
  if (window.location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}
