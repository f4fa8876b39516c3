import { describe, expect, it } from 'vitest';
import { safeImageSrc, safeLinkHref } from './url';

describe('safeLinkHref', () => {
  it('allows absolute http, https and mailto links', () => {
    expect(safeLinkHref('https://example.org/guide')).toBe('https://example.org/guide');
    expect(safeLinkHref('http://example.org')).toBe('http://example.org/');
    expect(safeLinkHref('mailto:help@example.org')).toBe('mailto:help@example.org');
  });

  it('refuses script and data URLs, including obfuscated ones, and relative links', () => {
    expect(safeLinkHref('javascript:alert(1)')).toBeNull();
    expect(safeLinkHref(' JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeLinkHref('java\tscript:alert(1)')).toBeNull();
    expect(safeLinkHref('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeLinkHref('/worker/#/jobs')).toBeNull();
  });
});

describe('safeImageSrc', () => {
  it('allows http(s) images, relative paths and raster data URLs', () => {
    expect(safeImageSrc('https://cdn.example.org/cat.png')).toBe('https://cdn.example.org/cat.png');
    expect(safeImageSrc('/files/cat.png')).toBe(`${window.location.origin}/files/cat.png`);
    expect(safeImageSrc('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('refuses javascript:, svg and html data URLs and empty strings', () => {
    expect(safeImageSrc('javascript:alert(1)')).toBeNull();
    expect(safeImageSrc('data:image/svg+xml;base64,PHN2Zz4=')).toBeNull();
    expect(safeImageSrc('data:text/html;base64,PHNjcmlwdD4=')).toBeNull();
    expect(safeImageSrc('   ')).toBeNull();
  });
});
