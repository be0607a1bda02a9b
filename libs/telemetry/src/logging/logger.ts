import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { trace } from '@opentelemetry/api';
import { currentLogFields, spanLogFields } from './log-context';
import { prettyDestination } from './pretty';
import { redact, redactText } from './redact';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export interface LoggingOptions {
  /** `service` on every line, e.g. `gateway`. */
  service: string;
  /** LOG_LEVEL (default info). */
  level?: string;
  /** LOG_FORMAT; default json when NODE_ENV is production or test, pretty otherwise. */
  format?: string;
  nodeEnv?: string;
  /** Where lines go (default stdout); tests pass a collecting stream. */
  destination?: DestinationStream;
}

/**
 * The one log format of every service (ADR 0179): pino, JSON lines
 * `{"level":"info","time":"…","service":"gateway","component":"…","trace_id":"…","span_id":"…","tenant_id":"…","msg":"…"}`.
 * `trace_id`/`span_id` come from the active OpenTelemetry span, `tenant_id`/`message_id` from
 * the log context (`runWithLogContext`). Fields and messages are redacted of tokens and secrets
 * (`redact`). pino checks the level before anything else, so a disabled line costs one compare.
 */
export function createLogger(options: LoggingOptions): Logger {
  const level = normaliseLevel(options.level);
  const format = resolveFormat(options.format, options.nodeEnv);
  const config: LoggerOptions = {
    level,
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redact(obj) as Record<string, unknown>,
    },
    mixin: logMixin,
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (typeof a === 'string') (args as unknown[])[i] = redactText(a);
        }
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  const destination = options.destination ?? (format === 'pretty' ? prettyDestination(process.stdout) : pino.destination({ dest: 1, sync: true }));
  return pino(config, destination);
}

/** The fields every line gets from context: the active span's ids and the log context. */
export function logMixin(): Record<string, string> {
  const out: Record<string, string> = {};
  const span = trace.getActiveSpan();
  if (span) {
    const { traceId, spanId } = span.spanContext();
    out['trace_id'] = traceId;
    out['span_id'] = spanId;
    const attached = spanLogFields(span);
    if (attached) Object.assign(out, attached);
  }
  const fields = currentLogFields();
  return fields ? Object.assign(out, fields) : out;
}

export function normaliseLevel(level: string | undefined): LogLevelName {
  const l = (level ?? 'info').toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(l) ? (l as LogLevelName) : 'info';
}

export function resolveFormat(format: string | undefined, nodeEnv: string | undefined): LogFormat {
  if (format === 'json' || format === 'pretty') return format;
  return nodeEnv === 'production' || nodeEnv === 'test' ? 'json' : 'pretty';
}

let root: Logger | undefined;

/**
 * Sets up the process's logger from its env (LOG_LEVEL, LOG_FORMAT, NODE_ENV) — first thing in
 * every main.ts, beside `startTelemetry`. Returns the root logger.
 */
export function startLogging(service: string, env: Record<string, string | undefined>, destination?: DestinationStream): Logger {
  root = createLogger({ service, level: env['LOG_LEVEL'], format: env['LOG_FORMAT'], nodeEnv: env['NODE_ENV'], destination });
  return root;
}

/** The process's root logger (a default JSON one at info if `startLogging` was not called: tests). */
export function rootLogger(): Logger {
  return (root ??= createLogger({ service: process.title === 'node' ? 'node' : process.title, level: 'info', format: 'json' }));
}

/** A logger for one part of a service: lines carry `component`. Create it after `startLogging`. */
export function logger(component: string): Logger {
  return rootLogger().child({ component });
}

/** True when lines at `level` would be written (for work done only to build a line). */
export function logEnabled(level: Level): boolean {
  return rootLogger().isLevelEnabled(level);
}
