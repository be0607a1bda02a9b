import { BadRequestException, Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max } from 'class-validator';
import { AcceptsBodyTypes, ApiError, createHttpApp, safeEqual, toErrorBody, UNAVAILABLE_RETRY_AFTER_SECONDS } from './index';

class CreateThing {
  @IsString() name!: string;
  @IsInt() @Max(10) size!: number;
}

@Controller()
class ThingController {
  @Post('/things')
  create(@Body() body: CreateThing): CreateThing {
    return body;
  }
  @Get('/boom')
  boom(): never {
    throw new Error('secret internals at /src/file.ts:12');
  }
  @Get('/api-error')
  apiError(): never {
    throw ApiError.notFound('message');
  }
  @Get('/http-exception')
  httpException(): never {
    throw new BadRequestException('nope');
  }
  @Get('/db-away')
  dbAway(): never {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
}

@Module({ controllers: [ThingController] })
class TestModule {}

describe('http app conventions', () => {
  let app: Awaited<ReturnType<typeof createHttpApp>>;
  beforeAll(async () => {
    app = await createHttpApp(TestModule, { bodyLimit: 200, logLevel: 'silent' });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const inject = (opts: { method: 'GET' | 'POST'; url: string; payload?: string }) =>
    app.getHttpAdapter().getInstance().inject({ ...opts, headers: { 'content-type': 'application/json' } });

  it('answers 400 naming the field for an invalid body', async () => {
    const res = await inject({ method: 'POST', url: '/things', payload: JSON.stringify({ name: 'x', size: 99 }) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('size'), details: [{ field: 'size', problems: expect.any(Array) }] } });
  });

  it('rejects unknown fields', async () => {
    const res = await inject({ method: 'POST', url: '/things', payload: JSON.stringify({ name: 'x', size: 1, admin: true }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('admin');
  });

  it('answers 413 above the body limit and 400 for malformed JSON', async () => {
    const big = await inject({ method: 'POST', url: '/things', payload: JSON.stringify({ name: 'x'.repeat(500), size: 1 }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const bad = await inject({ method: 'POST', url: '/things', payload: '{"name":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
  });

  it('hides internals of unexpected errors', async () => {
    const res = await inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internals');
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });

  it('maps ApiError and HttpException to the same shape', async () => {
    expect((await inject({ method: 'GET', url: '/api-error' })).json()).toEqual({ error: { code: 'not_found', message: 'message not found' } });
    expect((await inject({ method: 'GET', url: '/http-exception' })).json()).toEqual({ error: { code: 'invalid_request', message: 'nope' } });
  });

  it('answers 500 for an error no one classified (no `unavailable` option)', async () => {
    const res = await inject({ method: 'GET', url: '/db-away' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('compares secrets of different lengths safely', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('http app with an `unavailable` classifier (ADR 0064)', () => {
  let app: Awaited<ReturnType<typeof createHttpApp>>;
  beforeAll(async () => {
    app = await createHttpApp(TestModule, { logLevel: 'silent', unavailable: (err) => (err as { code?: string }).code === 'ECONNREFUSED' });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('answers 503 with Retry-After for a dependency that is away, 500 for anything else', async () => {
    const away = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/db-away' });
    expect(away.statusCode).toBe(503);
    expect(away.headers['retry-after']).toBe(String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    expect(away.json()).toEqual({ error: { code: 'unavailable', message: expect.stringContaining('retry later') } });
    expect(away.body).not.toContain('5432');
    const boom = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
  });

  it('toErrorBody takes the same classifier (filters of other shapes, e.g. the Cloud API route)', () => {
    const err = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    expect(toErrorBody(err).status).toBe(500);
    expect(toErrorBody(err, { unavailable: () => true })).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
  });
});

@Controller()
class BodyTypesController {
  @Post('/json')
  json(@Body() body: CreateThing): CreateThing {
    return body;
  }
  @Post('/form')
  @AcceptsBodyTypes('application/x-www-form-urlencoded')
  form(@Body() body: Record<string, string>): Record<string, string> {
    return body;
  }
  @Post('/upload')
  upload(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [BodyTypesController] })
class BodyTypesModule {}

describe('form and text bodies sent to JSON routes (ADR 0224)', () => {
  let app: Awaited<ReturnType<typeof createHttpApp>>;
  beforeAll(async () => {
    app = await createHttpApp(BodyTypesModule, {
      logLevel: 'silent',
      acceptsBodyType: (req, type) => type === 'text/plain' && req.url.startsWith('/upload'),
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const post = (url: string, type: string | undefined, payload: string) =>
    app.getHttpAdapter().getInstance().inject({ method: 'POST', url, payload, headers: type ? { 'content-type': type } : {} });

  it("answers 415 naming the content type to send for curl's -d default and fetch's text default", async () => {
    const thing = JSON.stringify({ name: 'x', size: 1 });
    const form = await post('/json', 'application/x-www-form-urlencoded', thing);
    expect(form.statusCode).toBe(415);
    expect(form.json()).toEqual({ error: { code: 'unsupported_media_type', message: expect.stringContaining('send it with Content-Type: application/json, not application/x-www-form-urlencoded') } });
    expect(form.json().error.message).toContain('curl -d');
    const text = await post('/json', 'text/plain;charset=UTF-8', thing);
    expect(text.statusCode).toBe(415);
    expect(text.json().error.message).toContain('not text/plain');
    // the same body as JSON is taken
    expect((await post('/json', 'application/json', thing)).json()).toEqual({ name: 'x', size: 1 });
  });

  it('lets through the routes that take them, and bodiless requests', async () => {
    const form = await post('/form', 'application/x-www-form-urlencoded', 'grant_type=client_credentials&scope=a');
    expect(form.statusCode).toBe(201);
    expect(form.json()).toEqual({ grant_type: 'client_credentials', scope: 'a' });
    // a route that takes forms still refuses text
    expect((await post('/form', 'text/plain', 'x')).statusCode).toBe(415);
    // admitted by the app's own predicate (the gateway's @All forwarding routes have no route config)
    expect((await post('/upload', 'text/plain', 'some text')).statusCode).toBe(201);
    // a content type without a body is no mistake: the route answers as it would without it
    const empty = await post('/json', 'text/plain', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_request');
    // an unknown route is still a 404
    expect((await post('/nowhere', 'text/plain', 'x')).statusCode).toBe(404);
  });
});
