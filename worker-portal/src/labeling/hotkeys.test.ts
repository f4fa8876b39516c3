import { describe, expect, it } from 'vitest';
import { hotkeyFor, hotkeyHint } from './hotkeys';

describe('hotkeyFor', () => {
  it('maps 1–9 to the label with that position', () => {
    expect(hotkeyFor({ key: '1' }, 3)).toEqual({ kind: 'select', index: 0 });
    expect(hotkeyFor({ key: '3' }, 3)).toEqual({ kind: 'select', index: 2 });
    expect(hotkeyFor({ key: '9' }, 12)).toEqual({ kind: 'select', index: 8 });
  });

  it('ignores digits beyond the number of labels and 0', () => {
    expect(hotkeyFor({ key: '4' }, 3)).toBeNull();
    expect(hotkeyFor({ key: '0' }, 12)).toBeNull();
  });

  it('reads the physical digit key on layouts like AZERTY and from the numeric keypad', () => {
    expect(hotkeyFor({ key: '&', code: 'Digit1' }, 3)).toEqual({ kind: 'select', index: 0 });
    expect(hotkeyFor({ key: 'é', code: 'Digit2' }, 3)).toEqual({ kind: 'select', index: 1 });
    expect(hotkeyFor({ key: 'End', code: 'Numpad1' }, 3)).toEqual({ kind: 'select', index: 0 });
  });

  it('maps Enter to submit, S to skip and I to the instructions, in either case', () => {
    expect(hotkeyFor({ key: 'Enter' }, 2)).toEqual({ kind: 'submit' });
    expect(hotkeyFor({ key: 's' }, 2)).toEqual({ kind: 'skip' });
    expect(hotkeyFor({ key: 'S' }, 2)).toEqual({ kind: 'skip' });
    expect(hotkeyFor({ key: 'ы', code: 'KeyS' }, 2)).toEqual({ kind: 'skip' });
    expect(hotkeyFor({ key: 'i' }, 2)).toEqual({ kind: 'toggleInstructions' });
    expect(hotkeyFor({ key: 'x' }, 2)).toBeNull();
    expect(hotkeyFor({ key: 'Escape' }, 2)).toBeNull();
  });

  it('leaves browser shortcuts and held-down keys alone', () => {
    expect(hotkeyFor({ key: '1', ctrlKey: true }, 3)).toBeNull();
    expect(hotkeyFor({ key: 's', metaKey: true }, 3)).toBeNull();
    expect(hotkeyFor({ key: '2', altKey: true }, 3)).toBeNull();
    expect(hotkeyFor({ key: 'Enter', repeat: true }, 3)).toBeNull();
  });

  it('does nothing while the worker types in a text field', () => {
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    expect(hotkeyFor({ key: 's', target: input }, 3)).toBeNull();
    expect(hotkeyFor({ key: '1', target: textarea }, 3)).toBeNull();
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(hotkeyFor({ key: '1', target: checkbox }, 3)).toEqual({ kind: 'select', index: 0 });
  });

  it('lets Enter activate a focused link or button, except the label and submit buttons', () => {
    const link = document.createElement('a');
    link.href = '#/jobs';
    const back = document.createElement('button');
    const label = document.createElement('button');
    label.setAttribute('data-label', 'cat');
    const inner = document.createElement('span');
    label.appendChild(inner);
    expect(hotkeyFor({ key: 'Enter', target: link }, 2)).toBeNull();
    expect(hotkeyFor({ key: 'Enter', target: back }, 2)).toBeNull();
    expect(hotkeyFor({ key: 'Enter', target: label }, 2)).toEqual({ kind: 'submit' });
    expect(hotkeyFor({ key: 'Enter', target: inner }, 2)).toEqual({ kind: 'submit' });
    expect(hotkeyFor({ key: '2', target: back }, 2)).toEqual({ kind: 'select', index: 1 });
  });
});

describe('hotkeyHint', () => {
  it('numbers the first nine labels from 1', () => {
    expect(hotkeyHint(0)).toBe('1');
    expect(hotkeyHint(8)).toBe('9');
    expect(hotkeyHint(9)).toBeNull();
  });
});
