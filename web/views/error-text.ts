/**
 * An API error in the receptionist's words (issue 18): what happened and what to do, from the catalogue (never raw
 * JSON). A message for the code and the exact field the API named comes first (`error.E_BAD_INPUT.body.callbackNumber`),
 * then the code's own; the field she can correct is named by its label. A path parameter (the item acted on) is no
 * field to correct and is not named.
 */
import { html } from 'htm/preact';
import { ApiError } from '../api.ts';
import { t, tMaybe } from '../i18n/i18n.ts';

/** The field an error is about, when it is one the person typed (body or query), as the API named it. */
export function errorField(err: unknown): string | null {
  if (!(err instanceof ApiError) || !err.field || err.field.startsWith('params.')) return null;
  return err.field;
}

export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unknown');
  const field = errorField(err);
  const specific = field ? tMaybe(`error.${err.code}.${field}`) : null;
  if (specific) return specific;
  const what = tMaybe(`error.${err.code}`) ?? t('error.status', { status: err.status });
  if (!field) return what;
  const leaf = field.split('.').pop() ?? field;
  const label = tMaybe(`field.${field}`) ?? tMaybe(`field.${leaf}`) ?? leaf;
  return `${what} ${t('error.field', { field: label })}`;
}

export function ErrorLine({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined) return null;
  return html`<p class="error" role="alert" id=${id}>${errorText(error)}</p>`;
}

/** aria-invalid and aria-describedby for an input when `error` names it (`body.<name>`), else nothing. */
export function invalidProps(error: unknown, name: string, errorId: string): Record<string, string> {
  return errorField(error) === `body.${name}` ? { 'aria-invalid': 'true', 'aria-describedby': errorId } : {};
}
