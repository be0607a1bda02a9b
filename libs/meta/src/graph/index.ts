export {
  GRAPH_DEFAULTS,
  MetaGraphClient,
  type GraphClientOptions,
  type GraphDownloadOptions,
  type GraphRequestOptions,
  type GraphStreamBody,
} from './graph.client';
export { GraphStreamError } from './graph-outcome';
export type {
  GraphDownload,
  GraphDownloadOutcome,
  GraphFailure,
  GraphFailureKind,
  GraphMethod,
  GraphOutcome,
  GraphReply,
  GraphSendOutcome,
  GraphSent,
  GraphTarget,
} from './graph-outcome';
