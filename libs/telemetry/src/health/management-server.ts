import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { metricsRegistry } from '../metrics/metrics-registry';
import { HealthRegistry } from './health.registry';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';

/**
 * `/health/live`, `/health/ready` and `/metrics` on their own listener (ADR 0074), for the
 * internet-facing services: the public port does not serve them at all. It starts once the
 * app's public listener is listening (so "live" means the service answers) and closes last.
 */
@Injectable()
export class ManagementServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ManagementServer');
  private server: Server | null = null;
  private started: Promise<string> | null = null;
  private resolveStarted!: (url: string) => void;

  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly health: HealthRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Resolves with `http://host:port` once the management listener is up. */
  url(): Promise<string> {
    if (!this.options.management) return Promise.reject(new Error('no management listener configured'));
    this.started ??= new Promise((resolve) => (this.resolveStarted = resolve));
    return this.started;
  }

  onApplicationBootstrap(): void {
    if (!this.options.management) return;
    void this.url();
    const publicServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const start = (): void => void this.listen().catch((err: Error) => {
      // A management port that cannot bind leaves the service unprobeable: fail loudly.
      this.log.error(`management listener failed: ${err.message}`);
      process.exitCode = 1;
      publicServer?.close();
    });
    if (!publicServer || publicServer.listening) start();
    else publicServer.once('listening', start);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const { port, host } = this.options.management!;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.resolveStarted(`http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${address.port}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', JSON.stringify({ error: { code: 'method_not_allowed', message: 'GET only' } }));
      if (path === '/health/live') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
      if (path === '/health/ready') {
        const report = await this.health.check();
        return send(report.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(report));
      }
      if (path === '/metrics') return send(200, metricsRegistry.contentType, await metricsRegistry.metrics());
      return send(404, 'application/json', JSON.stringify({ error: { code: 'not_found', message: `no route ${path}` } }));
    } catch (err) {
      send(500, 'application/json', JSON.stringify({ error: { code: 'internal', message: (err as Error).message } }));
    }
  }
}
