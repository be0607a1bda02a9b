import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AudienceContact } from '../audience/contacts.client';

/**
 * The contacts service's internal list API as the campaigns service reads it (`GET /v1/contacts`
 * with phoneNumberId, tag, cursor, limit; `GET /v1/contacts/:id`), over contacts held in memory:
 * the integration test of this one service (DESIGN §9). The whole platform runs the real one.
 */
export class ContactsStub {
  readonly contacts: (AudienceContact & { tenantId: string })[] = [];
  readonly pageRequests: string[] = [];
  private server: Server | null = null;
  url = '';

  constructor(private readonly internalToken: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const tenant = req.headers['x-tenant-id'];
      if (req.headers['x-internal-token'] !== this.internalToken || typeof tenant !== 'string') {
        res.writeHead(401).end();
        return;
      }
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const one = /^\/v1\/contacts\/([^/]+)$/.exec(url.pathname);
      if (one) {
        const c = this.contacts.find((k) => k.tenantId === tenant && k.id === decodeURIComponent(one[1]!));
        if (!c) return send(404, { error: { code: 'not_found', message: 'contact not found' } });
        const { tenantId: _t, ...view } = c;
        return send(200, view);
      }
      if (url.pathname !== '/v1/contacts') return send(404, { error: { code: 'not_found', message: 'route' } });
      this.pageRequests.push(url.search);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const after = url.searchParams.get('cursor');
      const tag = url.searchParams.get('tag');
      const number = url.searchParams.get('phoneNumberId');
      const attribute = url.searchParams.get('attribute');
      const [attrKey, attrValue] = attribute ? [attribute.slice(0, attribute.indexOf(':')), attribute.slice(attribute.indexOf(':') + 1)] : [];
      const rows = this.contacts
        .filter((k) => k.tenantId === tenant && (!number || k.phoneNumberId === number) && (!tag || k.tags?.includes(tag)) && (!attrKey || k.attributes?.[attrKey] === attrValue) && (!after || k.id > after))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, limit);
      return send(200, { data: rows.map(({ tenantId: _t, ...v }) => v), nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
