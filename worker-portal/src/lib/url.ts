/**
 * URL allow-lists for untrusted data. A URL that fails these checks is shown as text, never followed.
 */

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const IMAGE_PROTOCOLS = new Set(['http:', 'https:']);
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]+$/i;

function baseHref(): string {
  return typeof window !== 'undefined' && window.location ? window.location.href : 'http://localhost/';
}

/** An absolute http(s)/mailto URL for a link in instructions, or null. Relative links are refused. */
export function safeLinkHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return LINK_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/**
 * A URL an <img> may load: http(s) (absolute, or relative to this page, e.g. files the API serves) or an inline
 * raster data: URL. `javascript:`, `data:text/html` and the like give null.
 */
export function safeImageSrc(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  if (/^data:/i.test(trimmed)) return DATA_IMAGE.test(trimmed) ? trimmed : null;
  let url: URL;
  try {
    url = new URL(trimmed, baseHref());
  } catch {
    return null;
  }
  return IMAGE_PROTOCOLS.has(url.protocol) ? url.href : null;
}
