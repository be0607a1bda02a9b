import type { ReadinessCheck } from './health.registry';

export interface ObservabilityOptions {
  /** Value of the `service` label on every metric. */
  serviceName: string;
  /** Checks known when the module is built; others register through `HealthRegistry`. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Per-check limit for `/health/ready`; default 2000 ms. */
  readinessTimeoutMs?: number;
  /**
   * Serve `/health/*` and `/metrics` on this listener only (not on the app's port): for
   * internet-facing services (ADR 0074). Port 0 = any free port (see ManagementServer.url()).
   */
  management?: { port: number; host: string };
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
