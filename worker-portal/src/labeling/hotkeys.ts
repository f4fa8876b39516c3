/**
 * Keyboard shortcuts of the labeling view: 1–9 pick a label, Enter submits, S skips, I shows/hides instructions.
 * Pure mapping from a key event to an action, so it is tested without a browser.
 */

export type HotkeyAction =
  | { kind: 'select'; index: number }
  | { kind: 'submit' }
  | { kind: 'skip' }
  | { kind: 'toggleInstructions' };

/** The fields of a KeyboardEvent the mapping reads. */
export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
  target?: EventTarget | null;
}

export const MAX_HOTKEY_LABELS = 9;

export function hotkeyFor(event: KeyLike, labelCount: number): HotkeyAction | null {
  // Modified keys belong to the browser (Ctrl+1 switches tabs); a held key must not submit task after task.
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return null;
  if (isTextEntry(event.target)) return null;

  const digit = digitOf(event);
  if (digit !== null) {
    const index = digit - 1;
    return index < Math.min(labelCount, MAX_HOTKEY_LABELS) ? { kind: 'select', index } : null;
  }
  if (event.key === 'Enter') {
    // Enter on a focused link or ordinary button activates that control, as everywhere else.
    return isOtherControl(event.target) ? null : { kind: 'submit' };
  }
  const letter = letterOf(event);
  if (letter === 's') return { kind: 'skip' };
  if (letter === 'i') return { kind: 'toggleInstructions' };
  return null;
}

/** The hint shown on the n-th label button (0-based), or null beyond 9. */
export function hotkeyHint(index: number): string | null {
  return index >= 0 && index < MAX_HOTKEY_LABELS ? String(index + 1) : null;
}

function digitOf(event: KeyLike): number | null {
  if (/^[1-9]$/.test(event.key)) return Number(event.key);
  // Layouts such as AZERTY produce '&', 'é', … on the digit row without Shift: fall back to the physical key.
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(event.code ?? '');
  return m ? Number(m[1]) : null;
}

function letterOf(event: KeyLike): string | null {
  if (event.key.length === 1 && /[a-z]/i.test(event.key)) return event.key.toLowerCase();
  // Non-Latin layouts (e.g. Cyrillic) still report the physical key.
  const m = /^Key([A-Z])$/.exec(event.code ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

function isElement(target: EventTarget | null | undefined): target is Element {
  return typeof Element !== 'undefined' && target instanceof Element;
}

function isTextEntry(target: EventTarget | null | undefined): boolean {
  if (!isElement(target)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'].includes(target.type);
  }
  return (target as HTMLElement).isContentEditable === true || target.getAttribute('contenteditable') === 'true';
}

function isOtherControl(target: EventTarget | null | undefined): boolean {
  if (!isElement(target)) return false;
  const control = target.closest('a[href], button, summary, input, [role="button"]');
  return control !== null && !control.hasAttribute('data-label') && !control.hasAttribute('data-submit');
}
