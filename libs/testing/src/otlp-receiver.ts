import { createServer, Server } from 'node:http';

export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

/** One span as the OTLP/HTTP JSON encoding carries it. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  links?: { traceId: string; spanId: string; attributes?: OtlpAttribute[] }[];
  /** `service.name` of the resource that exported it (added by the receiver). */
  service?: string;
}

export interface OtlpReceiver {
  server: Server;
  /** For OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  url: string;
  spans: OtlpSpan[];
  close(): Promise<void>;
}

/** The string value of a span attribute, if it has one. */
export function spanAttribute(span: OtlpSpan, key: string): string | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  return v.stringValue ?? (v.intValue !== undefined ? String(v.intValue) : undefined);
}

/** A local OTLP/HTTP (JSON) receiver: what a collector would get from the services under test. */
export function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
        };
        for (const rs of body.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, service });
        }
      } catch {
        // protobuf or junk: ignored, the assertions will say nothing arrived
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({
      server, spans, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1/traces`,
      close: () => new Promise<void>((r) => server.close(() => r())),
    });
  }));
}
