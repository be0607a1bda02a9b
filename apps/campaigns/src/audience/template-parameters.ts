/** What a template's per-contact parameters may name (a page of the contacts API gives it). */
export interface ContactFields {
  id?: string;
  waId?: string | null;
  profileName?: string | null;
  attributes?: Record<string, unknown> | null;
  /** The recipient's row of the campaign's uploaded CSV (`{{csv.<column>}}`), if any. */
  csv?: Record<string, string> | null;
}

export type Rendered = { ok: true; components: unknown[] | undefined } | { ok: false; missing: string };

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.-]+)\s*(?:\|([^}]*))?\}\}/g;

function lookup(contact: ContactFields, path: string): string | undefined {
  if (path === 'waId') return contact.waId ?? undefined;
  if (path === 'profileName') return contact.profileName ?? undefined;
  if (path.startsWith('csv.')) {
    const v = contact.csv?.[path.slice('csv.'.length)];
    return v === undefined || v === '' ? undefined : v;
  }
  if (path.startsWith('attributes.')) {
    const v = contact.attributes?.[path.slice('attributes.'.length)];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return undefined;
}

/** True when the template's components name a contact field (then each recipient gets its own). */
export function hasPlaceholders(components: unknown[] | undefined): boolean {
  return components !== undefined && /\{\{/.test(JSON.stringify(components));
}

/** True when the template's components name a column of the campaign's uploaded CSV. */
export function usesCsv(components: unknown[] | undefined): boolean {
  return components !== undefined && /\{\{\s*csv\./.test(JSON.stringify(components));
}

/**
 * The template's components for one contact: every `{{attributes.x}}`, `{{csv.x}}` (the uploaded
 * CSV's column), `{{profileName}}` or `{{waId}}` in a string is replaced by the contact's value, `{{attributes.x|fallback}}` by the
 * fallback when the contact has none. A placeholder with neither makes the recipient skipped
 * (a message with an empty parameter would be refused by Meta).
 */
export function renderComponents(components: unknown[] | undefined, contact: ContactFields): Rendered {
  if (!hasPlaceholders(components)) return { ok: true, components };
  let missing: string | undefined;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (m, path: string, fallback: string | undefined) => {
        // without the CSV row (the contact's own render) a `{{csv.x}}` stays for the CSV's
        if (contact.csv === undefined && path.startsWith('csv.')) return m;
        const value = lookup(contact, path) ?? fallback;
        if (value === undefined) missing ??= path;
        return value ?? '';
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(components) as unknown[];
  return missing ? { ok: false, missing } : { ok: true, components: out };
}
