import {
  classifyMetaError,
  errorAction,
  isAsynchronousCode,
  isSynchronousCode,
  metaErrorBody,
  parseGraphError,
  parseWebhookError,
  type ErrorClass,
} from './error-taxonomy';

describe('classifyMetaError', () => {
  // Every code of the DESIGN.md §5 table, row by row.
  const table: [ErrorClass, number[]][] = [
    ['throttled', [4, 80007, 130429, 131056, 131057, 133016]],
    ['transient', [1, 2, 131000, 131016, 133004]],
    ['auth', [0, 3, 10, 190, 200, 250, 299, 131031, 131045, 133010, 368, 130497, 131063]],
    ['permanent', [100, 131008, 131009, 131021, 131026, 131047, 131050, 131051, 131062, 130403]],
    ['template', [132000, 132001, 132005, 132007, 132012, 132015, 132016, 132068, 132069]],
    ['quality', [131048, 131049, 131064]],
  ];
  it.each(table.flatMap(([cls, codes]) => codes.map((code) => [code, cls] as const)))(
    'classifies code %i as %s',
    (code, cls) => {
      expect(classifyMetaError(code)).toBe(cls);
      // The code decides, whatever HTTP status Meta chose to send it with.
      expect(classifyMetaError(code, 400)).toBe(cls);
      expect(classifyMetaError(code, 500)).toBe(cls);
    },
  );

  it.each([132002, 132003, 132004, 132006, 132008, 132013, 132014])(
    'puts unlisted code %i of the 132000-132016 range in the template class',
    (code) => expect(classifyMetaError(code)).toBe('template'),
  );

  it.each([199, 300, 132017, 132067, 131001])('does not stretch the ranges to code %i', (code) => {
    expect(classifyMetaError(code, 400)).toBe('unknown');
  });

  it('classifies 131053 (media could not be fetched) as permanent', () => {
    expect(classifyMetaError(131053)).toBe('permanent');
  });

  it.each<[string, number | undefined, number | undefined, ErrorClass]>([
    ['HTTP 500 without a code', undefined, 500, 'transient'],
    ['HTTP 503 without a code', undefined, 503, 'transient'],
    ['an unknown code with HTTP 502', 987654, 502, 'transient'],
    ['a timeout (no response at all)', undefined, undefined, 'transient'],
    ['HTTP 429 without a code', undefined, 429, 'throttled'],
    ['HTTP 400 without a code', undefined, 400, 'unknown'],
    ['an unknown code from a webhook', 987654, undefined, 'unknown'],
    ['a fractional code', 4.5, 400, 'unknown'],
  ])('classifies %s', (_name, code, status, cls) => {
    expect(classifyMetaError(code, status)).toBe(cls);
  });
});

describe('synchronous and asynchronous codes', () => {
  it.each([0, 1, 2, 3, 4, 10, 100, 190, 200, 299, 80007, 130429, 131000, 131008, 131009, 131016, 131021, 131056,
    131057, 132000, 132008, 132016, 133004, 133010, 133016])('code %i comes in the Graph response', (code) => {
    expect(isSynchronousCode(code)).toBe(true);
    expect(isAsynchronousCode(code)).toBe(false);
  });

  it.each([131026, 131047, 131049, 131050, 131048, 131064, 131053])('code %i comes in a failed status webhook', (code) => {
    expect(isAsynchronousCode(code)).toBe(true);
    expect(isSynchronousCode(code)).toBe(false);
  });

  it.each([5, 300, 132017, 132068])('code %i is in neither list', (code) => {
    expect(isSynchronousCode(code)).toBe(false);
    expect(isAsynchronousCode(code)).toBe(false);
  });
});

describe('errorAction', () => {
  it.each<[ErrorClass, number | undefined, Partial<ReturnType<typeof errorAction>>]>([
    ['throttled', 130429, { retry: 'backoff-per-number', failMessage: false, pauseNumber: false }],
    ['throttled', 4, { retry: 'backoff-per-number', failMessage: false }],
    ['throttled', 131056, { retry: 'backoff-per-pair', failMessage: false }],
    ['transient', 131000, { retry: 'bounded-with-jitter', failMessage: true, pauseNumber: false }],
    ['auth', 190, { retry: 'none', pauseNumber: true, failMessage: false, alert: true }],
    ['permanent', 131026, { retry: 'none', failMessage: true, pauseNumber: false }],
    ['template', 132001, { retry: 'none', failMessage: true, emitTemplateEvent: true }],
    ['quality', 131048, { retry: 'none', failMessage: true, lowerBudget: true }],
    ['quality', 131049, { retry: 'none', failMessage: true, lowerBudget: true, holdRecipientMs: 24 * 3600 * 1000 }],
    ['unknown', 987654, { retry: 'none', failMessage: true, alert: true }],
  ])('%s (code %s) → %o', (cls, code, expected) => {
    expect(errorAction(cls, code)).toMatchObject(expected);
  });

  it('holds the recipient only for the per-user marketing limit', () => {
    expect(errorAction('quality', 131048)).not.toHaveProperty('holdRecipientMs');
  });

  it('describes every class', () => {
    for (const cls of ['throttled', 'transient', 'auth', 'permanent', 'template', 'quality', 'unknown'] as const) {
      expect(errorAction(cls).summary).toEqual(expect.any(String));
    }
  });
});

describe('parseGraphError', () => {
  const body = {
    error: {
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      code: 130429,
      error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
      error_subcode: 2494055,
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    },
  };

  it('reads every field of Meta\'s error body', () => {
    expect(parseGraphError(400, body)).toEqual({
      class: 'throttled',
      code: 130429,
      subcode: 2494055,
      type: 'OAuthException',
      message: '(#130429) Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      httpStatus: 400,
    });
  });

  it('reads the body from its text and from its bytes', () => {
    const json = JSON.stringify(body);
    expect(parseGraphError(400, json)).toEqual(parseGraphError(400, body));
    expect(parseGraphError(400, Buffer.from(json))).toEqual(parseGraphError(400, body));
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['an HTML page', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty string', ''],
    ['a number', 42],
    ['an array', [1, 2]],
    ['error: null', { error: null }],
    ['error as a string', { error: 'boom' }],
    ['fields of the wrong types', { error: { code: 'x', message: 5, error_data: 'y', fbtrace_id: {} } }],
  ])('turns %s into a classified error without throwing', (_name, junk) => {
    const parsed = parseGraphError(503, junk);
    expect(parsed).toMatchObject({ class: 'transient', code: undefined, httpStatus: 503 });
    expect(parsed.message).toEqual(expect.any(String));
    expect(parseGraphError(400, junk).class).toBe('unknown');
  });

  it('accepts a code sent as a numeric string', () => {
    expect(parseGraphError(400, { error: { code: '131056', message: 'pair rate limit' } })).toMatchObject({
      class: 'throttled',
      code: 131056,
    });
  });
});

describe('parseWebhookError', () => {
  it('reads a failed status error and classifies it', () => {
    expect(
      parseWebhookError({
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: { details: 'Message failed to send because more than 24 hours have passed.' },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      }),
    ).toMatchObject({
      class: 'permanent',
      code: 131047,
      message: 'Re-engagement message',
      details: 'Message failed to send because more than 24 hours have passed.',
      httpStatus: undefined,
    });
  });

  it('falls back to the title and never throws on junk', () => {
    expect(parseWebhookError({ code: 131026, title: 'Message undeliverable' }).message).toBe('Message undeliverable');
    expect(parseWebhookError('nope')).toMatchObject({ class: 'unknown', code: undefined });
  });
});

describe('metaErrorBody', () => {
  it('builds Meta\'s exact error shape', () => {
    expect(
      metaErrorBody(130429, '(#130429) Rate limit hit', {
        details: 'Cloud API message throughput has been reached.',
        subcode: 2494055,
        fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      }),
    ).toEqual({
      error: {
        message: '(#130429) Rate limit hit',
        type: 'OAuthException',
        code: 130429,
        error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
        error_subcode: 2494055,
        fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      },
    });
  });

  it('omits the optional fields and invents a trace id shaped like Meta\'s', () => {
    const body = metaErrorBody(100, '(#100) Invalid parameter', { type: 'GraphMethodException' });
    expect(Object.keys(body.error)).toEqual(['message', 'type', 'code', 'fbtrace_id']);
    expect(body.error.type).toBe('GraphMethodException');
    expect(body.error.fbtrace_id).toMatch(/^A[A-Za-z0-9_-]{22}$/);
  });

  it('round-trips through parseGraphError', () => {
    const body = metaErrorBody(190, '(#190) Access token has expired', { details: 'expired', fbtraceId: 'Atrace' });
    expect(parseGraphError(401, body)).toMatchObject({ class: 'auth', code: 190, details: 'expired', fbtraceId: 'Atrace' });
  });
});
