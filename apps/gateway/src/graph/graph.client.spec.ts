import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiError } from '@wabridge/http';
import { RegistryService } from '../accounts/registry.service';
import { GraphCallError, GraphClient, graphErrorToApiError } from './graph.client';

describe('gateway GraphClient', () => {
  let answer: (res: ServerResponse) => void = (res) => res.end();
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => answer(res));
  let baseUrl: string;
  const client = new GraphClient({} as RegistryService);
  const target = () => ({ baseUrl, version: 'v23.0', token: 't' });
  const respond = (status: number, body: string, type = 'application/json') => (answer = (res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (err: unknown) => err);

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    client.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('resolves with the parsed answer, {} for an empty one', async () => {
    respond(200, '{"success":true}');
    expect(await client.request(target(), 'POST', '1/messages', { status: 'read' })).toEqual({ success: true });
    respond(200, '');
    expect(await client.request(target(), 'DELETE', '1/message_templates')).toEqual({});
  });

  it('throws GraphCallError with Meta\'s body verbatim (the Cloud API route answers it as is)', async () => {
    const body = { error: { message: '(#131056) pair rate limit', type: 'OAuthException', code: 131056, fbtrace_id: 'A1' } };
    respond(400, JSON.stringify(body));
    const err = (await rejection(client.request(target(), 'POST', '1/messages', {}))) as GraphCallError;
    expect(err).toBeInstanceOf(GraphCallError);
    expect({ status: err.status, body: err.body, class: err.error.class }).toEqual({ status: 400, body, class: 'throttled' });
  });

  it('keeps a non-JSON error answer as a bounded {raw} excerpt', async () => {
    respond(502, `<html>${'x'.repeat(2000)}</html>`, 'text/html');
    const err = (await rejection(client.request(target(), 'GET', '1'))) as GraphCallError;
    expect(err.status).toBe(502);
    expect((err.body as { raw: string }).raw).toHaveLength(500);
    expect(graphErrorToApiError(err)).toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('answers 502 upstream_unavailable when Graph cannot be reached', async () => {
    const err = await rejection(client.request({ ...target(), baseUrl: 'http://127.0.0.1:1' }, 'GET', '1'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, code: 'upstream_unavailable', message: 'Meta Graph API is unreachable' });
  });

  describe('graphErrorToApiError: Meta\'s code decides, not its HTTP status', () => {
    const cases: [string, number, number | undefined, number, string][] = [
      ['a throttling code', 400, 80007, 429, 'meta_rate_limited'],
      ['a transient code on a 400', 400, 131000, 502, 'upstream_error'],
      ['a permanent code on a 500', 500, 100, 400, 'graph_rejected'],
      ['an auth code', 401, 190, 400, 'graph_rejected'],
      ['no code on a 503', 503, undefined, 502, 'upstream_error'],
    ];
    it.each(cases)('%s (HTTP %i, code %s) → %i %s', (_name, status, code, apiStatus, apiCode) => {
      const body = code === undefined ? {} : { error: { message: `(#${code}) says Meta`, code } };
      const api = graphErrorToApiError(new GraphCallError(status, body));
      expect(api).toMatchObject({ status: apiStatus, code: apiCode, details: { graphStatus: status, code } });
    });
  });
});
