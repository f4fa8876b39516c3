import { describe, expect, it } from 'vitest';
import { displayValue, renderItem } from './item';

describe('renderItem', () => {
  it('shows text items as text, HTML included', () => {
    const el = renderItem({ text: '<img src=x onerror=alert(1)>Great <b>product</b>\nsecond line' });
    expect(el.querySelector('img, b')).toBeNull();
    expect(el.querySelector('.item-text')!.textContent).toBe('<img src=x onerror=alert(1)>Great <b>product</b>\nsecond line');
    expect(el.querySelector('table')).toBeNull();
  });

  it('shows an image from image_url', () => {
    const el = renderItem({ image_url: 'https://img.example.org/cat.jpg' });
    const img = el.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('https://img.example.org/cat.jpg');
    expect(img.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(img.alt).toBe('Item image');
  });

  it('refuses to load a javascript: or html image URL and shows it as text', () => {
    const el = renderItem({ image_url: 'javascript:alert(1)' });
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toContain('javascript:alert(1)');
  });

  it('shows a fallback message when the image fails to load', () => {
    const el = renderItem({ image_url: 'https://img.example.org/missing.jpg' });
    el.querySelector('img')!.dispatchEvent(new Event('error'));
    expect(el.querySelector<HTMLImageElement>('img')!.hidden).toBe(true);
    expect(el.querySelector<HTMLElement>('.item-image-error')!.hidden).toBe(false);
  });

  it('shows other records as a key/value table of plain text', () => {
    const el = renderItem({ title: '<script>x</script>', price: 12.5, tags: ['a', 'b'], seller: null });
    const rows = [...el.querySelectorAll('tbody tr')].map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]);
    expect(rows).toEqual([
      ['title', '<script>x</script>'],
      ['price', '12.5'],
      ['tags', '["a","b"]'],
      ['seller', '—'],
    ]);
    expect(el.querySelector('script')).toBeNull();
  });

  it('lists the remaining fields under text or image', () => {
    const el = renderItem({ text: 'Hello', lang: 'en' });
    expect(el.querySelector('.item-text')!.textContent).toBe('Hello');
    expect(el.querySelector('th')!.textContent).toBe('lang');
  });

  it('says so when an item has no data', () => {
    expect(renderItem({}).textContent).toBe('This item has no data.');
  });
});

describe('displayValue', () => {
  it('keeps strings, stringifies the rest', () => {
    expect(displayValue('a')).toBe('a');
    expect(displayValue(true)).toBe('true');
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
    expect(displayValue(undefined)).toBe('—');
  });
});
