import { Random } from '../common/clock';

/** Faults injected into one number's Graph calls (`POST /_sandbox/faults`). */
export interface Fault {
  phoneNumberId: string;
  /** Added before the call is answered; beyond a client's timeout it simulates a timeout. */
  latencyMs: number;
  /** Share of calls (0..1) answered with the forced error. */
  errorRate: number;
  /** Meta error code to answer with (default 131000, or 2 when only an HTTP 5xx is forced). */
  errorCode: number | null;
  httpStatus: number | null;
}

export type FaultDecision = { kind: 'pass'; latencyMs: number } | { kind: 'fail'; latencyMs: number; errorCode: number; httpStatus: number | null };

/** Longest injected latency: keeps a mistaken value from pinning a request for hours. */
export const MAX_FAULT_LATENCY_MS = 120_000;

export class FaultRegistry {
  private readonly faults = new Map<string, Fault>();

  constructor(
    private readonly random: Random,
    private readonly maxFaults: number,
  ) {}

  set(fault: Fault): Fault {
    if (!this.faults.has(fault.phoneNumberId) && this.faults.size >= this.maxFaults) {
      const oldest = this.faults.keys().next();
      if (!oldest.done) this.faults.delete(oldest.value);
    }
    this.faults.set(fault.phoneNumberId, fault);
    return fault;
  }

  clear(phoneNumberId?: string): void {
    if (phoneNumberId === undefined) this.faults.clear();
    else this.faults.delete(phoneNumberId);
  }

  list(): Fault[] {
    return [...this.faults.values()];
  }

  decide(phoneNumberId: string): FaultDecision {
    const fault = this.faults.get(phoneNumberId);
    if (!fault) return { kind: 'pass', latencyMs: 0 };
    const latencyMs = Math.min(fault.latencyMs, MAX_FAULT_LATENCY_MS);
    const forcing = fault.errorCode !== null || fault.httpStatus !== null;
    if (forcing && this.random() < fault.errorRate) {
      const errorCode = fault.errorCode ?? (fault.httpStatus !== null && fault.httpStatus >= 500 ? 2 : 131000);
      return { kind: 'fail', latencyMs, errorCode, httpStatus: fault.httpStatus };
    }
    return { kind: 'pass', latencyMs };
  }
}
