/** Accessible form fields with inline errors, and mapping of problem+json field errors onto them. */
import { h } from './dom';
import { ApiError, describeError, type FieldError } from './http';

export interface Field {
  name: string;
  label: string;
  wrapper: HTMLElement;
  input: HTMLInputElement;
  error: HTMLElement;
}

export interface FieldSpec {
  id: string;
  name: string;
  label: string;
  type?: string;
  autocomplete?: string;
  hint?: string;
  minlength?: number;
}

export function field(spec: FieldSpec): Field {
  const errorId = `${spec.id}-error`;
  const hintId = spec.hint ? `${spec.id}-hint` : null;
  const input = h('input', {
    id: spec.id,
    name: spec.name,
    type: spec.type ?? 'text',
    autocomplete: spec.autocomplete,
    required: true,
    minlength: spec.minlength,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
  });
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: spec.id }, spec.label),
    spec.hint ? h('p', { id: hintId, class: 'field-hint' }, spec.hint) : null,
    input,
    error,
  );
  return { name: spec.name, label: spec.label, wrapper, input, error };
}

export function setFieldError(f: Field, message: string | null): void {
  f.error.textContent = message ?? '';
  f.error.hidden = !message;
  if (message) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
}

export function setAlert(alert: HTMLElement, message: string | null): void {
  alert.textContent = message ?? '';
  alert.hidden = !message;
}

/**
 * Shows a failed request on a form: the problem's detail in the alert, each field error under its field, and
 * errors for fields the form does not have in the alert. Framework validation messages arrive as
 * "signUp.body.password: size must be between 10 and 200" (in `errors`, or alone in `detail`): the path picks the
 * field and is dropped from the text. Focuses the first invalid field.
 */
export function showProblem(alert: HTMLElement, fields: readonly Field[], e: unknown): void {
  for (const f of fields) setFieldError(f, null);
  if (!(e instanceof ApiError)) {
    setAlert(alert, describeError(e));
    return;
  }
  const fromDetail = e.fieldErrors.length === 0;
  const raw: FieldError[] = fromDetail ? (e.detail ? [{ field: '', message: e.detail }] : []) : [...e.fieldErrors];
  const leftovers: string[] = [];
  let firstInvalid: Field | null = null;
  for (const fe of raw) {
    const { field, message } = splitFieldPath(fe);
    const f = field ? fields.find((x) => x.name === field || field.endsWith(`.${x.name}`)) : undefined;
    if (f) {
      const text = fieldSentence(f.label, message);
      setFieldError(f, f.error.hidden ? text : `${f.error.textContent} ${text}`);
      firstInvalid ??= f;
    } else if (!fromDetail) {
      leftovers.push(field ? `${field}: ${message}` : message);
    }
  }
  // When the detail was just a field message we placed, say so instead of repeating it with its path.
  const headline = fromDetail && firstInvalid ? 'Please correct the marked field.' : describeError(e);
  setAlert(alert, [headline, ...leftovers].join(' '));
  firstInvalid?.input.focus();
}

const PATH_PREFIX = /^([A-Za-z_$][\w$]*(?:\[\d+\])?(?:\.[A-Za-z_$][\w$]*(?:\[\d+\])?)*):\s+([\s\S]+)$/;

/** Splits "a.b.field: message" into its field path and message; other messages pass through. */
export function splitFieldPath(fe: FieldError): FieldError {
  const m = PATH_PREFIX.exec(fe.message.trim());
  if (!m) return fe;
  return { field: fe.field || m[1]!, message: m[2]! };
}

/** Validation messages often come as fragments ("must not be blank"): make them sentences about the field. */
export function fieldSentence(label: string, message: string): string {
  const text = message.trim();
  return /^[a-z]/.test(text) ? `${label} ${text}` : text;
}

/** Marks a submit button busy while `work` runs; prevents double submits. */
export async function busy<T>(button: HTMLButtonElement, busyText: string, work: () => Promise<T>): Promise<T> {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyText;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = text;
  }
}
