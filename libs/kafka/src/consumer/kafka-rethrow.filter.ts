import { ArgumentsHost, Catch, INestApplication, INestMicroservice, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { HealthRegistry } from '@wabridge/telemetry';
import { KafkaBatchServer, KafkaBatchServerOptions } from './kafka-batch.server';

/**
 * Nest's default RPC filter replaces any handler error with `{status:'error', message:
 * 'Internal server error'}`; the Kafka transport needs the original error (its class decides
 * retry vs DLQ, its message is the DLQ reason), so consumers rethrow it unchanged.
 */
@Catch()
export class KafkaRethrowFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** Standalone consumer app with the filter installed (tests, workers without HTTP). */
export function configureKafkaMicroservice(ms: INestMicroservice): INestMicroservice {
  ms.useGlobalFilters(new KafkaRethrowFilter());
  return ms;
}

/**
 * Adds a Kafka consumer to an HTTP app (hybrid); `startAllMicroservices()` starts it. When the
 * app has the ObservabilityModule, `/health/ready` includes `consumer:<groupId>`, which fails
 * while the consumer waits for an unavailable dependency.
 */
export function attachKafkaConsumer(app: INestApplication, options: KafkaBatchServerOptions): KafkaBatchServer {
  const server = new KafkaBatchServer(options);
  health(app)?.register(`consumer:${options.consumer.groupId}`, server.readinessCheck);
  // Deferred so the filter exists before Nest builds the handlers (they capture filters at
  // creation); `startAllMicroservices()` initializes and starts it.
  const ms = app.connectMicroservice({ strategy: server }, { deferInitialization: true });
  ms.useGlobalFilters(new KafkaRethrowFilter());
  // A deferred microservice shares the app's module container, and its first `listen()` would
  // run every provider's onModuleInit/onApplicationBootstrap a second time (two consumers in
  // one group, two timers, …). The app's own init() runs them; the microservice only adds listeners.
  (ms as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
  return server;
}

function health(app: INestApplication): HealthRegistry | undefined {
  // `app.get` of a missing provider does not throw here: Nest's app proxy aborts the process
  // (abortOnError). So look for the provider in the module container first.
  const container = (app as unknown as { container?: { getModules(): Map<string, { providers: Map<unknown, unknown> }> } }).container;
  const present = container ? [...container.getModules().values()].some((m) => m.providers.has(HealthRegistry)) : false;
  return present ? app.get(HealthRegistry, { strict: false }) : undefined;
}
