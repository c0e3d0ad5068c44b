/**
 * Forms: submit through the API and show its messages where they belong: a field's message next to
 * the field (from the `details` of a 400), anything else above the buttons.
 */
import { ApiError } from './api';
import { $$, esc } from './dom';

function clear(form: HTMLFormElement): void {
  for (const el of $$('.field-err', form)) el.remove();
  for (const el of $$('[aria-invalid]', form)) el.removeAttribute('aria-invalid');
  const top = form.querySelector('.form-err');
  if (top) top.textContent = '';
}

/** The form control a `details.path` names (`name`, `slots.0.capacity`, `escalation.volunteer.phone`…). */
function fieldFor(form: HTMLFormElement, path: string): HTMLElement | null {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join('.');
    const el = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"], [data-field="${CSS.escape(name)}"]`);
    if (el) return el;
  }
  return null;
}

/** Shows an error of the API on a form; answers whether every message found its field. */
export function showError(form: HTMLFormElement, err: unknown): void {
  clear(form);
  let top = form.querySelector('.form-err');
  if (!top) {
    top = document.createElement('p');
    top.className = 'form-err';
    top.setAttribute('role', 'alert');
    form.append(top);
  }
  if (err instanceof ApiError && err.fields.length) {
    const unplaced: string[] = [];
    for (const f of err.fields) {
      const el = fieldFor(form, f.path);
      if (!el) {
        unplaced.push(f.path ? `${f.path}：${f.message}` : f.message);
        continue;
      }
      el.setAttribute('aria-invalid', 'true');
      const msg = document.createElement('span');
      msg.className = 'field-err';
      msg.textContent = f.message;
      (el.closest('label') ?? el).after(msg);
    }
    top.textContent = unplaced.length ? unplaced.join('；') : '请按提示修改后再提交。';
    return;
  }
  top.textContent = err instanceof Error ? err.message : String(err);
}

/** Wires a form: `submit` runs with the form's values; errors are shown on the form. */
export function onSubmit(form: HTMLFormElement, submit: (form: HTMLFormElement) => Promise<void>): void {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const buttons = $$<HTMLButtonElement>('button[type=submit], button:not([type])', form);
    buttons.forEach((b) => (b.disabled = true));
    clear(form);
    submit(form)
      .catch((err: unknown) => showError(form, err))
      .finally(() => buttons.forEach((b) => (b.disabled = false)));
  });
}

/** An error message as a block, for a section whose load failed. */
export function errorBlock(err: unknown): string {
  return `<p class="card err" role="alert">${esc(err instanceof Error ? err.message : String(err))}</p>`;
}
