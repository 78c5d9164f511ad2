/** An API error in words from the catalogue (never raw JSON): what went wrong and, when known, which field. */
import { html } from 'htm/preact';
import { ApiError } from '../api.ts';
import { t, tMaybe } from '../i18n/i18n.ts';

export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unknown');
  const what = tMaybe(`error.${err.code}`) ?? t('error.status', { status: err.status });
  if (!err.field) return what;
  const leaf = err.field.split('.').pop() ?? err.field;
  const field = tMaybe(`field.${leaf}`) ?? leaf;
  return `${what} ${t('error.field', { field })}`;
}

export function ErrorLine({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return html`<p class="error" role="alert">${errorText(error)}</p>`;
}
