/**
 * Process-level last resort (ADR 0062): an unhandled promise rejection or an uncaught
 * exception means the process is in an unknown state, so it must not go on half-alive, nor die
 * with a bare stack trace and nothing drained. `installFatalHandlers` logs the error as one JSON
 * line on stderr, runs the registered drains (app.close(): stop consumers, commit offsets,
 * flush spans) bounded by a timeout, and exits non-zero. Installed first thing in every main.ts,
 * so boot errors are covered too. No imports besides Node's: the test runs this file alone.
 */

export interface FatalHandlerOptions {
  service: string;
  /** How long the drains may take before the process exits anyway (default 10 s). */
  drainTimeoutMs?: number;
  /** Exit code (default 1). */
  exitCode?: number;
}

export interface FatalHandlers {
  /** Adds work to do before exiting (e.g. `() => app.close()`); runs in reverse order of adding. */
  onFatal(drain: () => Promise<unknown> | unknown): void;
  /** Removes the process listeners (tests). */
  uninstall(): void;
}

type FatalKind = 'unhandled_rejection' | 'uncaught_exception';

function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const fields: Record<string, unknown> = { name: err.name, message: err.message, stack: err.stack };
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) fields['code'] = code;
    if (err.cause !== undefined) fields['cause'] = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : String(err.cause);
    return fields;
  }
  return { message: typeof err === 'string' ? err : safeJson(err) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function installFatalHandlers(options: FatalHandlerOptions): FatalHandlers {
  const drains: (() => Promise<unknown> | unknown)[] = [];
  const timeoutMs = options.drainTimeoutMs ?? 10000;
  const exitCode = options.exitCode ?? 1;
  let dying = false;

  const fatal = (kind: FatalKind, err: unknown): void => {
    const line = {
      level: 'fatal', time: new Date().toISOString(), service: options.service, pid: process.pid,
      msg: kind === 'unhandled_rejection' ? 'unhandled promise rejection, exiting' : 'uncaught exception, exiting',
      kind, error: errorFields(err),
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    if (dying) return; // a second failure while draining: logged, the first exit path goes on
    dying = true;
    process.exitCode = exitCode;
    const timer = setTimeout(() => {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service: options.service, msg: `drain did not finish within ${timeoutMs} ms, exiting` })}\n`);
      process.exit(exitCode);
    }, timeoutMs);
    void (async () => {
      for (const drain of [...drains].reverse()) {
        try {
          await drain();
        } catch (drainErr) {
          process.stderr.write(`${JSON.stringify({ level: 'error', time: new Date().toISOString(), service: options.service, msg: 'drain failed', error: errorFields(drainErr) })}\n`);
        }
      }
      clearTimeout(timer);
      process.exit(exitCode);
    })();
  };

  const onRejection = (reason: unknown): void => fatal('unhandled_rejection', reason);
  const onException = (err: unknown): void => fatal('uncaught_exception', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    onFatal: (drain) => void drains.push(drain),
    uninstall: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
