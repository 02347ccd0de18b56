// The join form: checks the fields with the server's own rules before asking, shows the server's
// message when it refuses (wrong or closed code, too many attempts), and goes to the course on success.
import { joinBodySchema } from '../../../server/contracts/workshop.ts';
import { studentApi, ApiError } from './api.ts';

/** Where a student lands after joining: back to the course page they came from, else the course. */
function destination(): string {
  const from = new URLSearchParams(location.search).get('from') ?? '';
  return /^\/(?!\/)/.test(from) ? from : '/labs/';
}

export function bindJoinForm(form: HTMLFormElement): void {
  const name = form.querySelector<HTMLInputElement>('[name="name"]')!;
  const code = form.querySelector<HTMLInputElement>('[name="code"]')!;
  const error = form.querySelector<HTMLElement>('[data-join-error]')!;
  const submit = form.querySelector<HTMLButtonElement>('[data-join-submit]')!;

  const given = new URLSearchParams(location.search).get('code');
  if (given) code.value = given.trim().toUpperCase().slice(0, 6);
  name.focus();

  function show(message: string, field?: HTMLInputElement): void {
    error.textContent = message;
    error.hidden = false;
    for (const input of [name, code]) input.setAttribute('aria-invalid', String(input === field));
    field?.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const parsed = joinBodySchema.safeParse({ name: name.value, code: code.value });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      show(issue.message, issue.path[0] === 'code' ? code : name);
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Joining…';
    try {
      await studentApi.join(parsed.data.name, parsed.data.code);
      location.assign(destination());
    } catch (failure) {
      const message = failure instanceof ApiError ? failure.message : 'Joining failed. Try again.';
      const field = failure instanceof ApiError && /code/i.test(failure.code + failure.message) ? code : undefined;
      show(message, field);
      submit.disabled = false;
      submit.textContent = 'Join';
    }
  });
}
