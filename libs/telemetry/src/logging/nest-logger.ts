import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level } from 'pino';
import { rootLogger } from './logger';

const NEST_TO_PINO: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Nest's logger routed into pino (no coloured Nest text lines): `new Logger('Ctx').log(…)`
 * anywhere becomes a JSON line with `component: "Ctx"`. The level is the process's LOG_LEVEL;
 * Nest's own level list (from `createHttpApp`'s `logLevel`) can only narrow it.
 */
export class PinoNestLogger implements LoggerService {
  private allowed: Set<LogLevel> | undefined;

  constructor(levels?: LogLevel[]) {
    if (levels) this.allowed = new Set(levels);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.allowed = new Set(levels);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(nestLevel: LogLevel, message: unknown, rest: unknown[]): void {
    if (this.allowed && !this.allowed.has(nestLevel)) return;
    const level = NEST_TO_PINO[nestLevel];
    const log = rootLogger();
    if (!log.isLevelEnabled(level)) return;
    // Nest passes (message, context) or, for errors, (message, stack, context).
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = nestLevel === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields: Record<string, unknown> = { component: context ?? 'nest' };
    if (message instanceof Error) {
      fields['err'] = message;
      log[level](fields, message.message);
      return;
    }
    if (stack) fields['stack'] = stack;
    if (typeof message === 'string') log[level](fields, message);
    else log[level]({ ...fields, data: message }, 'object');
  }
}
