export { GRAPH_DEFAULTS, MetaGraphClient, type GraphClientOptions, type GraphRequestOptions } from './graph.client';
export type {
  GraphFailure,
  GraphFailureKind,
  GraphMethod,
  GraphOutcome,
  GraphReply,
  GraphSendOutcome,
  GraphSent,
  GraphTarget,
} from './graph-outcome';
