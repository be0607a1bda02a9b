import { Client } from 'pg';
import { createKafka, EventProducer } from '@wabridge/kafka';
import { testConnection } from './kafka-helpers';

/** What a test needs around a service it booted in its own process. */
export interface InProcessService {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Publishes on the service's topics (the test's suffix). */
  producer: EventProducer;
  /** A connection to Postgres with the service's schema on the search path. */
  pg: Client;
}

interface ListeningApp {
  listen(port: number, host: string): Promise<unknown>;
  getUrl(): Promise<string>;
}

/**
 * Listens on a free port of 127.0.0.1 and opens a producer on the test's topics and a Postgres
 * connection on the service's schema (the in-process harnesses of media, analytics, …).
 */
export async function listenInProcess(app: ListeningApp, o: { suffix: string; clientId: string; databaseUrl: string; schema: string }): Promise<InProcessService> {
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const producer = new EventProducer(createKafka(testConnection(o.suffix, o.clientId)), o.suffix);
  await producer.connect();
  const pg = new Client({ connectionString: o.databaseUrl, options: `-c search_path=${o.schema}` });
  await pg.connect();
  return { url, producer, pg };
}

/** Closes what `listenInProcess` opened and the app, in that order; any may be missing (a failed start). */
export async function closeInProcess(s: { producer?: EventProducer; app?: { close(): Promise<void> }; pg?: Client }): Promise<void> {
  await s.producer?.close();
  await s.app?.close();
  await s.pg?.end();
}
