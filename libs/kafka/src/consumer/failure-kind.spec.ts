import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { QueryFailedError } from 'typeorm';
import { KafkaUnavailableError } from '../producer/event-producer';
import { classifyConsumerFailure, DependencyUnavailableError } from './failure-kind';
import { PoisonMessageError } from './poison-message.error';

const pg = (code: string, message = `pg ${code}`) => Object.assign(new Error(message), { code });
/** kafkajs builds protocol errors from its error-code table entries ({ type, code, retriable, message }); its typings take a string. */
const protocolError = (message: string, type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError({ message, type, code, retriable } as unknown as Error);
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('classifyConsumerFailure', () => {
  it('waits out a Postgres outage however it shows: refused, terminated, shutting down, too many clients, timeouts', () => {
    for (const err of [
      refused(),
      new QueryFailedError('INSERT …', [], new Error('Connection terminated unexpectedly')),
      new Error('timeout exceeded when trying to connect'),
      pg('57P01', 'terminating connection due to administrator command'),
      pg('57P03', 'the database system is starting up'),
      pg('53300', 'sorry, too many clients already'),
      pg('08006'),
      pg('57014', 'canceling statement due to statement timeout'),
      pg('40P01', 'deadlock detected'),
      new Error('normalize failed', { cause: refused() }),
    ]) {
      expect({ err: String(err), kind: classifyConsumerFailure(err) }).toEqual({ err: String(err), kind: 'infrastructure' });
    }
  });

  it('waits out Kafka: producer timeouts, lost connections, exhausted client retries', () => {
    const connection = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    for (const err of [
      new KafkaUnavailableError('Kafka did not acknowledge within 10000 ms'),
      connection,
      new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out'),
      new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 5, retryTime: 2000 }),
      protocolError('This server is not the leader for that topic-partition', 'NOT_LEADER_FOR_PARTITION', 6, true),
      new DependencyUnavailableError('contacts service unreachable'),
    ]) {
      expect({ err: String(err), kind: classifyConsumerFailure(err) }).toEqual({ err: String(err), kind: 'infrastructure' });
    }
  });

  it('sends poison at once and calls constraint, data and programming errors deterministic', () => {
    expect(classifyConsumerFailure(new PoisonMessageError('unknown number'))).toBe('poison');
    expect(classifyConsumerFailure(new Error('wrapped', { cause: new PoisonMessageError('x') }))).toBe('poison');
    for (const err of [
      pg('23505', 'duplicate key value violates unique constraint "x"'),
      pg('23503'),
      pg('22P02', 'invalid input syntax for type uuid'),
      new QueryFailedError('INSERT …', [], pg('23514', 'new row violates check constraint')),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      protocolError('The request included a message larger than the max message size', 'MESSAGE_TOO_LARGE', 10, false),
    ]) {
      expect({ err: String(err), kind: classifyConsumerFailure(err) }).toEqual({ err: String(err), kind: 'deterministic' });
    }
  });

  it('leaves unrecognised errors unknown, and lets the app decide first', () => {
    expect(classifyConsumerFailure(new Error('something odd'))).toBe('unknown');
    expect(classifyConsumerFailure('a string')).toBe('unknown');
    const appRule = (err: unknown) => ((err as Error).message === 'graph 503' ? 'infrastructure' as const : undefined);
    expect(classifyConsumerFailure(new Error('graph 503'), appRule)).toBe('infrastructure');
    expect(classifyConsumerFailure(refused(), appRule)).toBe('infrastructure');
  });
});
