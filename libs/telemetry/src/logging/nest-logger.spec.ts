import { startLogging } from './logger';
import { PinoNestLogger } from './nest-logger';

describe('PinoNestLogger', () => {
  it("routes Nest's log calls into JSON lines with the context as component, within Nest's and our levels", () => {
    const lines: Record<string, unknown>[] = [];
    startLogging('gateway', { LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const nest = new PinoNestLogger(['fatal', 'error', 'warn', 'log']);
    nest.log('Mapped {/v1/messages, POST} route', 'RouterExplorer');
    nest.error('handler failed', 'Error: x\n    at y', 'ExceptionsHandler');
    nest.debug('not written (Nest level)', 'X');
    nest.setLogLevels(['fatal', 'error', 'warn', 'log', 'debug']);
    nest.debug('not written either (LOG_LEVEL info)', 'X');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', component: 'RouterExplorer', msg: 'Mapped {/v1/messages, POST} route' }),
      expect.objectContaining({ level: 'error', component: 'ExceptionsHandler', msg: 'handler failed', stack: 'Error: x\n    at y' }),
    ]);
  });
});
