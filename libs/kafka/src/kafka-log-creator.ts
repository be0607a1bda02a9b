import { logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { logger } from '@wabridge/telemetry';

const LEVELS = {
  [KafkaLogLevel.ERROR]: 'error', [KafkaLogLevel.WARN]: 'warn', [KafkaLogLevel.INFO]: 'info', [KafkaLogLevel.DEBUG]: 'debug', [KafkaLogLevel.NOTHING]: 'silent',
} as const;

/**
 * kafkajs' own logs as our log lines (component `kafkajs`, its namespace as `ns`, ADR 0179),
 * not JSON of its own on stderr. kafkajs' level (ERROR unless asked) and the process's
 * LOG_LEVEL both apply.
 */
export function kafkaLogCreator(): (entry: LogEntry) => void {
  const log = logger('kafkajs');
  return (entry: LogEntry) => {
    const level = LEVELS[entry.level as keyof typeof LEVELS] ?? 'info';
    if (level === 'silent' || !log.isLevelEnabled(level)) return;
    const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry.log as LogEntry['log'] & { logger?: unknown };
    log[level]({ ns: entry.namespace, ...rest }, message);
  };
}
