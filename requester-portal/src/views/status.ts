/** A section's status line, and the way its buttons run their action against it. */
import { h, replaceChildren } from '@common/lib/dom';
import { describeError } from '@common/lib/http';

export interface StatusArea {
  /** The live region the outcomes show in. */
  element: HTMLElement;
  /** Shows this outcome, replacing the last one. */
  say(node: Node): void;
  /** Runs the button's work with the button disabled; shows what it returns (when not null), or why it failed. */
  act(button: HTMLButtonElement, work: () => Promise<Node | null>): Promise<void>;
}

export function statusArea(id: string): StatusArea {
  const element = h('div', { id, 'aria-live': 'polite' });
  const say = (node: Node) => replaceChildren(element, node);
  async function act(button: HTMLButtonElement, work: () => Promise<Node | null>): Promise<void> {
    button.disabled = true;
    try {
      const result = await work();
      if (result) say(result);
    } catch (e) {
      say(h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)));
    } finally {
      button.disabled = false;
    }
  }
  return { element, say, act };
}
