import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';

/** Resolves when the dependency is usable, rejects (with a reason) when it is not. */
export type ReadinessCheck = () => Promise<void>;

/** `'ok'` or why the check failed. */
export type CheckResult = 'ok' | string;

export interface ReadinessReport {
  status: 'ok' | 'error' | 'shutting_down';
  checks: Record<string, CheckResult>;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

/**
 * Holds the readiness checks of one app. Modules that own a dependency (the Kafka client, a
 * DataSource) register their own check at runtime, so `/health/ready` needs no list of them.
 */
@Injectable()
export class HealthRegistry implements BeforeApplicationShutdown {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;
  private readonly timeoutMs: number;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.timeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
    for (const [name, check] of Object.entries(options.readinessChecks ?? {})) this.register(name, check);
  }

  /** Adds (or replaces) the check called `name`; returns a function that removes it. */
  register(name: string, check: ReadinessCheck): () => void {
    this.checks.set(name, check);
    return () => {
      if (this.checks.get(name) === check) this.checks.delete(name);
    };
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check in parallel, each bounded by the readiness timeout. */
  async check(): Promise<ReadinessReport> {
    const entries = [...this.checks.entries()];
    const results = await Promise.all(entries.map(([, check]) => this.runOne(check)));
    const checks: Record<string, CheckResult> = {};
    entries.forEach(([name], i) => (checks[name] = results[i] ?? 'ok'));
    if (this.shuttingDown) return { status: 'shutting_down', checks };
    return { status: results.every((r) => r === 'ok') ? 'ok' : 'error', checks };
  }

  /** Load balancers stop routing here while Nest drains (needs `app.enableShutdownHooks()`). */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  private async runOne(check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      // A check that throws synchronously is as failed as one that rejects.
      await Promise.race([Promise.resolve().then(check), timeout]);
      return 'ok';
    } catch (err) {
      return err instanceof Error ? err.message || err.name : String(err);
    } finally {
      clearTimeout(timer);
    }
  }
}
