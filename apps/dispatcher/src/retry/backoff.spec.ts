import { decide, DEFAULT_BACKOFF, pairBackoffMs, transientDelayMs } from './backoff';
import { classifyMetaError, parseGraphError } from '../errors/meta-error-taxonomy';

const half = () => 0.5;

describe('error decisions', () => {
  it('backs a pair off 4^n seconds on 131056', () => {
    expect([0, 1, 2, 3].map((n) => pairBackoffMs(n, DEFAULT_BACKOFF))).toEqual([1000, 4000, 16000, 64000]);
    expect(decide({ class: 'throttled', code: 131056 }, 1, 2, DEFAULT_BACKOFF, half)).toEqual({ action: 'retry', scope: 'pair', delayMs: 16000, backoffStep: 3 });
  });

  it('backs the whole number off on 130429', () => {
    expect(decide({ class: 'throttled', code: 130429 }, 1, 0, DEFAULT_BACKOFF, half)).toMatchObject({ action: 'retry', scope: 'number' });
  });

  it('retries transient errors with jitter, then dead-letters after the bound', () => {
    const d = transientDelayMs(3, DEFAULT_BACKOFF, () => 0);
    expect(d).toBe(2000);
    expect(transientDelayMs(3, DEFAULT_BACKOFF, () => 1)).toBe(4000);
    expect(decide({ class: 'transient' }, 4, 0, DEFAULT_BACKOFF, half)).toMatchObject({ action: 'retry', scope: 'message' });
    expect(decide({ class: 'transient' }, 5, 0, DEFAULT_BACKOFF, half)).toEqual({ action: 'dead-letter' });
  });

  it('pauses the number on auth errors and fails permanent, template and quality ones', () => {
    expect(decide({ class: 'auth', code: 190 }, 1, 0, DEFAULT_BACKOFF, half)).toEqual({ action: 'pause-number' });
    for (const c of ['permanent', 'template', 'quality', 'unknown']) expect(decide({ class: c }, 1, 0, DEFAULT_BACKOFF, half)).toEqual({ action: 'fail' });
  });

  it('waits for reconciliation when the outcome of a call is unknown', () => {
    expect(decide({ class: 'transient', outcomeUnknown: true }, 1, 0, DEFAULT_BACKOFF, half)).toEqual({ action: 'reconcile' });
  });
});

describe('Meta error taxonomy', () => {
  it('classifies by code, not HTTP status', () => {
    expect(parseGraphError(400, { error: { code: 131000, message: 'x' } }).class).toBe('transient');
    expect(parseGraphError(500, { error: { code: 131026, message: 'x' } }).class).toBe('permanent');
    expect(parseGraphError(502, 'Bad gateway').class).toBe('transient');
    expect(classifyMetaError(190)).toBe('auth');
    expect(classifyMetaError(250)).toBe('auth');
    expect(classifyMetaError(132001)).toBe('template');
    expect(classifyMetaError(131049)).toBe('quality');
    expect(classifyMetaError(130429)).toBe('throttled');
  });
});
