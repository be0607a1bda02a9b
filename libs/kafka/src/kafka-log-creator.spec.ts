import { logLevel } from 'kafkajs';
import { startLogging } from '@wabridge/telemetry';
import { kafkaLogCreator } from './kafka-log-creator';

describe('kafkaLogCreator', () => {
  it("writes kafkajs' entries as our JSON lines (component kafkajs, its namespace), redacted, at our level", () => {
    const lines: Record<string, unknown>[] = [];
    startLogging('dispatcher', { LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const log = kafkaLogCreator();
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'x', logger: 'kafkajs', message: 'Connection error', broker: '127.0.0.1:9092', sasl: { password: 'p4ss' } } as never });
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { timestamp: 'x', logger: 'kafkajs', message: 'joined' } as never });
    expect(lines).toHaveLength(1); // INFO is below the process's warn
    expect(lines[0]).toMatchObject({ level: 'error', service: 'dispatcher', component: 'kafkajs', ns: 'Connection', msg: 'Connection error', broker: '127.0.0.1:9092', sasl: { password: '[redacted]' } });
    expect(lines[0]!['timestamp']).toBeUndefined();
  });
});
