import { RingBuffer } from '../common/ring-buffer';

/** One Graph `/messages` call as the sandbox saw and answered it. */
export interface GraphCall {
  at: string;
  phoneNumberId: string;
  /** `to`, else `recipient` (BSUID), else null (mark-as-read). */
  to: string | null;
  body: unknown;
  httpStatus: number;
  response: unknown;
}

/**
 * Ground truth for "exactly one send per accepted request" checks: every `/messages` call,
 * accepted or not, newest kept up to the cap.
 */
export class CallsLog {
  private readonly calls: RingBuffer<GraphCall>;

  constructor(capacity: number) {
    this.calls = new RingBuffer(capacity);
  }

  record(call: GraphCall): void {
    this.calls.push(call);
  }

  list(phoneNumberId?: string): GraphCall[] {
    const all = this.calls.toArray();
    return phoneNumberId === undefined ? all : all.filter((c) => c.phoneNumberId === phoneNumberId);
  }

  get evicted(): number {
    return this.calls.evicted;
  }

  clear(): void {
    this.calls.clear();
  }
}
