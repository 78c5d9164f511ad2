/**
 * The installer's page (issue 18 item 10; role installer): the config file field by field. GET /api/v1/config
 * gives the document and its ETag; saving PUTs the whole document with If-Match, so an edit made meanwhile by
 * someone else is not overwritten (412: read again). Problems come back by field and are shown on that field;
 * after a save the page names the keys applied at once and those that need a restart. Secrets are shown as set
 * or not set and are only ever typed anew (an untouched one goes back hidden and keeps its value); fields only
 * the file on the unit may set are shown, not editable.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, authHeaders } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import { HIDDEN, parsed, rowsOf, setAt, shown, type FieldInfo, type Row } from './config-fields.ts';
import { ErrorLine, errorText } from './error-text.ts';

interface Loaded {
  doc: Record<string, unknown>;
  etag: string | null;
  info: FieldInfo;
}

interface Saved {
  applied: string[];
  restartKeys: string[];
  issues: string[];
}

interface Problem {
  field: string;
  message: string;
  /** Said by the page itself (in the page's language), not the unit's schema (English). */
  local?: boolean;
}

async function send(method: 'GET' | 'PUT', body?: unknown, etag?: string | null): Promise<{ doc: Record<string, unknown>; etag: string | null; result?: Saved }> {
  let res: Response;
  try {
    res = await fetch('/api/v1/config', {
      method,
      headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(etag ? { 'if-match': etag } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new ApiError(0, 'E_NETWORK', null, String(err));
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown> & { error?: { code?: string; field?: string; message?: string; issues?: Problem[] } };
  if (!res.ok) {
    const e = json.error ?? {};
    throw Object.assign(new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.field ?? null, e.message ?? res.statusText), { problems: e.issues ?? (e.field ? [{ field: e.field, message: e.message ?? '' }] : []) });
  }
  const etagHeader = res.headers.get('etag');
  if (method === 'GET') return { doc: json, etag: etagHeader };
  const result = json as unknown as Saved & { config: Record<string, unknown>; etag: string };
  return { doc: result.config, etag: result.etag, result };
}

const fieldId = (row: Row) => `cfg-${row.path.join('-')}`;

function FieldRow({ row, edit, problem, onEdit }: { row: Row; edit: string | boolean | undefined; problem: Problem | undefined; onEdit: (v: string | boolean) => void }) {
  const id = fieldId(row);
  const errorId = `${id}-error`;
  const invalid = problem ? { 'aria-invalid': 'true', 'aria-describedby': errorId } : {};
  let input;
  if (row.boxOnly) {
    input = html`<code id=${id} data-user-text>${row.kind === 'secret' ? (row.value ? t('config.secretSet') : t('config.secretUnset')) : shown(row)}</code>`;
  } else if (row.kind === 'secret') {
    const set = row.value === HIDDEN || (typeof row.value === 'string' && row.value !== '');
    input = html`<span data-secret=${set ? 'set' : 'unset'}>${set ? t('config.secretSet') : t('config.secretUnset')}</span>
      <input id=${id} type="password" autocomplete="new-password" placeholder=${t('config.secretNew')} value=${typeof edit === 'string' ? edit : ''} ...${invalid} onInput=${(e: Event) => onEdit((e.target as HTMLInputElement).value)} />`;
  } else if (row.kind === 'boolean') {
    input = html`<input id=${id} type="checkbox" checked=${edit === undefined ? row.value === true : edit === true} ...${invalid} onChange=${(e: Event) => onEdit((e.target as HTMLInputElement).checked)} />`;
  } else {
    input = html`<input id=${id} type="text" inputmode=${row.kind === 'number' ? 'numeric' : undefined} spellcheck="false"
      value=${typeof edit === 'string' ? edit : shown(row)} ...${invalid} onInput=${(e: Event) => onEdit((e.target as HTMLInputElement).value)} />`;
  }
  return html`<tr data-config-field=${row.key} class=${problem ? 'invalid' : ''}>
    <th scope="row"><label for=${id}><code>${row.key}</code></label></th>
    <td>${input}${problem ? html`<p class="error" id=${errorId} data-field-problem=${row.key} lang=${problem.local ? undefined : 'en'}>${problem.message}</p>` : null}</td>
    <td>${row.boxOnly ? html`<span class="tag">${t('config.boxOnly')}</span>` : html`<span class="tag" data-applies=${row.live ? 'live' : 'restart'}>${row.live ? t('config.live') : t('config.restart')}</span>`}</td>
  </tr>`;
}

export function ConfigEditor() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [edits, setEdits] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const [info, got] = await Promise.all([api<FieldInfo>('GET', '/api/v1/config/fields'), send('GET')]);
      setLoaded({ doc: got.doc, etag: got.etag, info });
      setEdits({});
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), []);

  if (!loaded) return html`<section class="card"><h2>${t('config.title')}</h2><${ErrorLine} error=${error} />${error ? null : html`<p>${t('app.loading')}</p>`}</section>`;
  const rows = rowsOf(loaded.doc, loaded.info);
  const problemOf = (row: Row) => problems.find((p) => p.field === `body.${row.key}`);
  const unplaced = problems.filter((p) => !rows.some((r) => `body.${r.key}` === p.field));
  const changed = Object.keys(edits).length;

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const doc = structuredClone(loaded.doc);
    const local: Problem[] = [];
    for (const row of rows) {
      const typed = edits[row.key];
      if (typed === undefined || (row.kind === 'secret' && typed === '')) continue;
      const value = row.kind === 'secret' ? typed : parsed(row, typed);
      if (value === undefined) local.push({ field: `body.${row.key}`, message: t('config.notJson'), local: true });
      else setAt(doc, row.path, value);
    }
    setSaved(null);
    if (local.length) return setProblems(local);
    setBusy(true);
    try {
      const out = await send('PUT', doc, loaded.etag);
      setLoaded({ ...loaded, doc: out.doc, etag: out.etag });
      setEdits({});
      setProblems([]);
      setError(null);
      setSaved(out.result ?? null);
    } catch (err) {
      setError(err);
      setProblems((err as { problems?: Problem[] }).problems ?? []);
    } finally {
      setBusy(false);
    }
  };

  const sections = [...new Set(rows.map((r) => r.path[0] as string))];
  return html`<section class="card" aria-labelledby="config-title">
    <h2 id="config-title">${t('config.title')}</h2>
    <p class="hint">${t('config.hint')}</p>
    ${loaded.info.writable ? null : html`<p class="error" role="alert">${t('config.readOnly')}</p>`}
    <form onSubmit=${save}>
      ${sections.map(
        (s) => html`<div class="table-scroll"><table class="kpis config-edit">
          <caption>${s}</caption>
          <thead><tr><th scope="col">${t('status.key')}</th><th scope="col">${t('status.value')}</th><th scope="col">${t('config.applies')}</th></tr></thead>
          <tbody>${rows.filter((r) => r.path[0] === s).map((row) => html`<${FieldRow} key=${row.key} row=${row} edit=${edits[row.key]} problem=${problemOf(row)} onEdit=${(v: string | boolean) => setEdits({ ...edits, [row.key]: v })} />`)}</tbody>
        </table></div>`,
      )}
      <div role="alert">
        ${error ? html`<p class="error">${errorText(error)}${problems.length ? ` ${t('config.problems', { count: problems.length })}` : ''}</p>` : null}
        ${unplaced.length ? html`<ul class="problems">${unplaced.map((p) => html`<li><code>${p.field.replace(/^body\.?/, '') || '—'}</code>: <span lang="en">${p.message}</span></li>`)}</ul>` : null}
      </div>
      ${error instanceof ApiError && error.code === 'E_STALE_CONFIG' ? html`<button type="button" onClick=${() => void load()}>${t('config.reload')}</button>` : null}
      <div role="status">
        ${saved
          ? html`<p class="ok" data-saved>${t('config.saved')}</p>
              ${saved.applied.length ? html`<p data-applied>${t('config.appliedNow', { keys: saved.applied.join(t('list.separator')) })}</p>` : null}
              ${saved.restartKeys.length ? html`<p class="bad" data-restart-keys=${saved.restartKeys.join(',')}>${t('config.restartNeeded', { keys: saved.restartKeys.join(t('list.separator')) })}</p>` : null}
              ${saved.issues.map((i) => html`<p class="error" lang="en">${i}</p>`)}`
          : null}
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy || !loaded.info.writable} aria-busy=${busy ? 'true' : undefined}>${t('config.save')}</button>
        <span class="hint">${changed ? t('config.changed', { count: changed }) : ''}</span>
      </div>
    </form>
  </section>`;
}
