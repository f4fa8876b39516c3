/**
 * A safe Markdown subset for job instructions, which requesters write and workers read.
 *
 * The renderer builds DOM nodes directly: text always becomes Text nodes, so raw HTML in the source (`<img
 * onerror=…>`, `<script>`) is displayed literally, never parsed. Supported: headings, paragraphs, bullet and
 * numbered lists, block quotes, fenced code, horizontal rules, **bold**, *italic*, `code`, [links](https://…) and
 * ![images](https://…). Links and images only with allow-listed URLs (see url.ts); others are shown as text.
 */
import { h } from '@common/lib/dom';
import { safeImageSrc, safeLinkHref } from './url';

const MAX_INLINE_DEPTH = 4;

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s*>\s?(.*)$/;

export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) code.push(lines[i++]!);
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]! });
      continue;
    }
    if (RULE.test(line)) {
      flush();
      blocks.push({ kind: 'rule' });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = !bullet;
      const items: string[] = [];
      const start = numbered ? Number(numbered[1]) : 1;
      while (i < lines.length) {
        const m = ordered ? NUMBERED.exec(lines[i]!) : BULLET.exec(lines[i]!);
        if (m) {
          items.push(ordered ? m[2]! : m[1]!);
        } else if (lines[i]!.trim() !== '' && /^\s+/.test(lines[i]!) && items.length) {
          items[items.length - 1] += ' ' + lines[i]!.trim(); // indented continuation line
        } else {
          break;
        }
        i++;
      }
      i--;
      blocks.push({ kind: 'list', ordered, start, items });
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length) {
        const m = QUOTE.exec(lines[i]!);
        if (!m) break;
        quoted.push(m[1]!);
        i++;
      }
      i--;
      blocks.push({ kind: 'quote', text: quoted.join(' ') });
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

/** Renders instructions into a fragment of safe DOM nodes. */
export function renderMarkdown(source: string | null | undefined): DocumentFragment {
  const fragment = document.createDocumentFragment();
  if (!source) return fragment;
  for (const block of parseBlocks(source)) fragment.appendChild(renderBlock(block));
  return fragment;
}

function renderBlock(block: Block): Node {
  switch (block.kind) {
    case 'heading': {
      // Instructions sit inside a page that already has h1/h2: shift their headings down.
      const level = Math.min(6, block.level + 2);
      const el = document.createElement(`h${level}`);
      el.append(...renderInline(block.text));
      return el;
    }
    case 'paragraph':
      return h('p', null, renderInline(block.text));
    case 'quote':
      return h('blockquote', null, h('p', null, renderInline(block.text)));
    case 'code':
      return h('pre', null, h('code', null, block.text));
    case 'rule':
      return h('hr');
    case 'list': {
      const list = block.ordered ? h('ol', block.start !== 1 ? { start: block.start } : null) : h('ul');
      for (const item of block.items) list.appendChild(h('li', null, renderInline(item)));
      return list;
    }
  }
}

interface InlineRule {
  pattern: RegExp;
  render: (m: RegExpExecArray, depth: number) => Node;
}

const INLINE_RULES: InlineRule[] = [
  { pattern: /\\([\\`*_[\]()!#>~-])/y, render: (m) => document.createTextNode(m[1]!) },
  { pattern: /`([^`\n]+)`/y, render: (m) => h('code', null, m[1]!) },
  {
    pattern: /!\[([^\]\n]*)\]\(([^)\s]+)\)/y,
    render: (m) => {
      const src = safeImageSrc(m[2]!);
      if (!src) return document.createTextNode(m[0]);
      return h('img', { src, alt: m[1]!, loading: 'lazy', referrerpolicy: 'no-referrer', class: 'md-image' });
    },
  },
  {
    pattern: /\[([^\]\n]+)\]\(([^)\s]+)\)/y,
    render: (m, depth) => {
      const href = safeLinkHref(m[2]!);
      if (!href) return document.createTextNode(m[1]!);
      return h(
        'a',
        { href, target: '_blank', rel: 'noopener noreferrer nofollow', referrerpolicy: 'no-referrer' },
        renderInline(m[1]!, depth + 1),
      );
    },
  },
  { pattern: /\*\*(?=\S)(.+?)\*\*/y, render: (m, d) => h('strong', null, renderInline(m[1]!, d + 1)) },
  { pattern: /__(?=\S)(.+?)__(?![A-Za-z0-9])/y, render: (m, d) => h('strong', null, renderInline(m[1]!, d + 1)) },
  { pattern: /\*(?=\S)([^*]+?)\*/y, render: (m, d) => h('em', null, renderInline(m[1]!, d + 1)) },
  { pattern: /_(?=\S)([^_]+?)_(?![A-Za-z0-9])/y, render: (m, d) => h('em', null, renderInline(m[1]!, d + 1)) },
];

/** Inline spans of one block. Characters that start no rule stay text, byte for byte. */
export function renderInline(text: string, depth = 0): Node[] {
  if (depth > MAX_INLINE_DEPTH) return [document.createTextNode(text)];
  const out: Node[] = [];
  let plain = '';
  let i = 0;
  outer: while (i < text.length) {
    const ch = text[i]!;
    // '_' opens emphasis only at a word start, so snake_case_names stay intact.
    const canOpen = '\\`![*_'.includes(ch) && !(ch === '_' && i > 0 && /[A-Za-z0-9]/.test(text[i - 1]!));
    if (canOpen) {
      for (const rule of INLINE_RULES) {
        rule.pattern.lastIndex = i;
        const m = rule.pattern.exec(text);
        if (m) {
          if (plain) out.push(document.createTextNode(plain));
          plain = '';
          out.push(rule.render(m, depth));
          i += m[0].length;
          continue outer;
        }
      }
    }
    plain += ch;
    i++;
  }
  if (plain) out.push(document.createTextNode(plain));
  return out;
}
