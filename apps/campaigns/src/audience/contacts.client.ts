import { INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';

/** The fields of a contact an expansion needs (the contacts API's view has more). */
export interface AudienceContact {
  id: string;
  phoneNumberId: string;
  waId: string | null;
  userId?: string | null;
  profileName?: string | null;
  optedOut: boolean;
  reachable?: boolean;
  attributes?: Record<string, unknown> | null;
  tags?: string[];
  optInState?: string | null;
  lastInboundAt?: string | null;
}

export interface ContactsPage {
  data: AudienceContact[];
  nextCursor: string | null;
}

export class ContactsUnavailableError extends Error {}

/**
 * The contacts service's internal API, read page by page (ADR 0152): the runner asks for one
 * page at a time with the keyset cursor it stored, so an audience of any size is never held in
 * memory, and a restart continues from the last stored page.
 */
export class ContactsClient {
  constructor(private readonly baseUrl: string, private readonly internalToken: string, private readonly timeoutMs: number) {}

  async page(tenantId: string, query: { phoneNumberId: string; tag?: string; attribute?: { key: string; value: string }; windowOpen?: boolean; cursor?: string | null; limit: number }): Promise<ContactsPage> {
    const q = new URLSearchParams({ phoneNumberId: query.phoneNumberId, limit: String(query.limit) });
    if (query.tag) q.set('tag', query.tag);
    if (query.attribute) q.set('attribute', `${query.attribute.key}:${query.attribute.value}`);
    if (query.windowOpen !== undefined) q.set('windowOpen', String(query.windowOpen));
    if (query.cursor) q.set('cursor', query.cursor);
    return (await this.get(tenantId, `/v1/contacts?${q}`)) as ContactsPage;
  }

  /** One contact by id, or null when the tenant has none with that id. */
  async byId(tenantId: string, id: string): Promise<AudienceContact | null> {
    return (await this.get(tenantId, `/v1/contacts/${encodeURIComponent(id)}`, true)) as AudienceContact | null;
  }

  private async get(tenantId: string, path: string, nullOn404 = false): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        headers: { [INTERNAL_TOKEN_HEADER]: this.internalToken, [TENANT_HEADER]: tenantId, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ContactsUnavailableError(`contacts service unreachable: ${(err as Error).message}`);
    }
    if (nullOn404 && (res.status === 404 || res.status === 400)) return null;
    if (!res.ok) throw new ContactsUnavailableError(`contacts service answered ${res.status} for ${path.split('?')[0]}`);
    return res.json();
  }
}
