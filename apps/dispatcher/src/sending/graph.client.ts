import { GRAPH_DEFAULTS, MetaGraphClient } from '@wabridge/meta';
import { GraphError } from '../errors/meta-error-taxonomy';

export type GraphResult =
  | { ok: true; wamid: string; httpStatus: number }
  | { ok: false; error: GraphError & { outcomeUnknown?: boolean } };

export interface GraphSendInput {
  baseUrl: string;
  version: string;
  phoneNumberId: string;
  accessToken: string;
  body: Record<string, unknown>;
}

/**
 * The dispatcher's view of libs/meta's Graph client (ADR 0187): POST
 * /{version}/{phone-number-id}/messages over keep-alive agents with a timeout. A timeout or a
 * broken connection after the request went out leaves the outcome unknown: the caller
 * reconciles instead of resending blindly. Transport failures carry `httpStatus: 0`.
 */
export class GraphClient {
  private readonly graph: MetaGraphClient;

  constructor(timeoutMs: number) {
    // Every socket of a burst stays open for the next one (ADR 0213): with libs/meta's 64 free
    // sockets, a batch of a few hundred sends closed the rest and the next batch connected
    // again (a TLS handshake each with Meta; at 500 sends/s on the e2e bench, TCP connects and
    // closes in the dispatcher's profile).
    this.graph = new MetaGraphClient({ timeoutMs, maxFreeSockets: GRAPH_DEFAULTS.maxSockets });
  }

  async send(i: GraphSendInput): Promise<GraphResult> {
    const r = await this.graph.sendMessage({ baseUrl: i.baseUrl, version: i.version, token: i.accessToken }, i.phoneNumberId, i.body);
    if (r.ok) return { ok: true, wamid: r.wamid, httpStatus: r.status };
    const e = r.error;
    return {
      ok: false,
      error: { class: e.class, message: e.message, code: e.code, subcode: e.subcode, httpStatus: r.status, fbtraceId: e.fbtraceId, outcomeUnknown: r.outcomeUnknown },
    };
  }

  close(): void {
    this.graph.close();
  }
}
