import { describe, expect, it } from 'vitest';
import { parseBlocks, renderMarkdown } from './markdown';

function render(source: string): HTMLDivElement {
  const div = document.createElement('div');
  div.appendChild(renderMarkdown(source));
  return div;
}

describe('renderMarkdown: safety', () => {
  it('shows raw HTML as text instead of creating elements', () => {
    const payload = '<img src=x onerror="alert(1)"> and <script>alert(2)</script> <b>bold?</b>';
    const div = render(payload);
    expect(div.querySelector('img, script, b')).toBeNull();
    expect(div.textContent).toBe(payload);
    expect(div.innerHTML).toContain('&lt;img src=x onerror="alert(1)"&gt;');
  });

  it('drops javascript: links, keeping their text', () => {
    const div = render('[click me](javascript:alert(1)) and [data](data:text/html,hi)');
    expect(div.querySelector('a')).toBeNull();
    expect(div.textContent).toContain('click me');
  });

  it('opens allowed links in a new tab without opener or referrer', () => {
    const a = render('See [the guide](https://example.org/guide).').querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.org/guide');
    expect(a.target).toBe('_blank');
    expect(a.rel).toBe('noopener noreferrer nofollow');
    expect(a.textContent).toBe('the guide');
  });

  it('does not let an attribute payload escape a link or image', () => {
    const div = render('![x" onerror="alert(1)](https://example.org/a.png) [a](https://example.org/"onmouseover="x)');
    const img = div.querySelector('img')!;
    expect(img.getAttribute('onerror')).toBeNull();
    expect(img.alt).toBe('x" onerror="alert(1)');
    const a = div.querySelector('a')!;
    expect(a.getAttribute('onmouseover')).toBeNull();
    expect(a.getAttribute('href')).toBe('https://example.org/%22onmouseover=%22x');
  });

  it('renders code spans and blocks literally', () => {
    const div = render('Use `<b>` tags?\n\n```\n<script>alert(1)</script>\n**not bold**\n```');
    expect(div.querySelector('script, b, strong')).toBeNull();
    expect(div.querySelector('p code')!.textContent).toBe('<b>');
    expect(div.querySelector('pre code')!.textContent).toBe('<script>alert(1)</script>\n**not bold**');
  });
});

describe('renderMarkdown: the supported subset', () => {
  it('renders headings one level below the page headings', () => {
    const div = render('# Task\n## Examples\n###### Tiny');
    expect([...div.children].map((c) => c.tagName)).toEqual(['H3', 'H4', 'H6']);
    expect(div.querySelector('h3')!.textContent).toBe('Task');
  });

  it('renders emphasis, keeping snake_case words intact', () => {
    const div = render('Mark **spam** as *spam*, even in my_snake_case_field and _this_.');
    expect(div.querySelector('strong')!.textContent).toBe('spam');
    expect([...div.querySelectorAll('em')].map((e) => e.textContent)).toEqual(['spam', 'this']);
    expect(div.textContent).toContain('my_snake_case_field');
  });

  it('renders bullet and numbered lists, blockquotes and rules', () => {
    const div = render('- one\n- **two**\n\n3. third\n4. fourth\n\n> careful\n\n---');
    expect([...div.querySelectorAll('ul li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    const ol = div.querySelector('ol')!;
    expect(ol.getAttribute('start')).toBe('3');
    expect(ol.children).toHaveLength(2);
    expect(div.querySelector('blockquote')!.textContent).toBe('careful');
    expect(div.querySelector('hr')).not.toBeNull();
  });

  it('joins wrapped lines into one paragraph and splits on blank lines', () => {
    expect(parseBlocks('first line\nsecond line\n\nnext para')).toEqual([
      { kind: 'paragraph', text: 'first line second line' },
      { kind: 'paragraph', text: 'next para' },
    ]);
  });

  it('keeps backslash-escaped markers literal', () => {
    expect(render('2 \\* 3 \\* 4').textContent).toBe('2 * 3 * 4');
    expect(render('2 \\* 3 \\* 4').querySelector('em')).toBeNull();
  });

  it('renders nothing for empty instructions', () => {
    expect(render('').childNodes).toHaveLength(0);
  });
});
