import { metaErrorBody, type MetaErrorBody, type MetaErrorBodyOptions } from '@wabridge/meta';

/**
 * Meta's Graph error shape, built for the codes the sandbox answers. Messages, types and
 * `error_data.details` follow what Meta's Cloud API returns for each code (error-codes page
 * and observed responses), so a client that branches on `error.code` behaves here as with Meta.
 * The body itself is built by `metaErrorBody` from @wabridge/meta.
 */
export type GraphErrorBody = MetaErrorBody;

/** The `errors[]` item of a `failed` status webhook. */
export interface WebhookErrorObject {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

interface CatalogEntry {
  title: string;
  httpStatus: number;
  details: string;
  /** Codes below 1000 are Graph platform errors whose message has no `(#code)` prefix in some cases. */
  plainMessage?: boolean;
}

const CATALOG: Record<number, CatalogEntry> = {
  0: { title: 'AuthException', httpStatus: 401, details: 'We were unable to authenticate the app user.' },
  1: { title: 'An unknown error occurred', httpStatus: 500, details: 'Invalid request or possible server error.', plainMessage: true },
  2: { title: 'Service temporarily unavailable', httpStatus: 503, details: 'Temporary due to downtime or due to being overloaded.', plainMessage: true },
  4: { title: 'Application request limit reached', httpStatus: 400, details: 'The app has reached its API call rate limit.' },
  10: { title: 'Permission denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  80007: { title: 'Rate limit issues', httpStatus: 400, details: 'The WhatsApp Business Account has reached its rate limit.' },
  100: { title: 'Invalid parameter', httpStatus: 400, details: 'The request included one or more unsupported or misspelled parameters.' },
  190: { title: 'Invalid OAuth access token - Cannot parse access token', httpStatus: 401, details: 'Your access token has expired or is invalid.', plainMessage: true },
  2500: { title: 'Unknown path components', httpStatus: 400, details: 'The path is not a Graph API path.', plainMessage: true },
  130429: { title: 'Rate limit hit', httpStatus: 400, details: 'Cloud API message throughput has been reached.' },
  131000: { title: 'Something went wrong', httpStatus: 500, details: 'Message failed to send due to an unknown error.' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, details: 'The request is missing a required parameter.' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, details: 'One or more parameter values are invalid.' },
  131016: { title: 'Service unavailable', httpStatus: 503, details: 'A service is temporarily unavailable.' },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, details: 'Sender and recipient phone number is the same.' },
  131026: { title: 'Message undeliverable', httpStatus: 400, details: 'Unable to deliver message. The recipient is not a WhatsApp user or has not accepted the latest Terms of Service.' },
  131047: { title: 'Re-engagement message', httpStatus: 400, details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.' },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', httpStatus: 400, details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
  131053: { title: 'Media upload error', httpStatus: 400, details: 'Unable to upload the media used in the message.' },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', httpStatus: 400, details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.' },
  131057: { title: 'Account in maintenance mode', httpStatus: 400, details: 'Business Account is in maintenance mode. This may be because the account is undergoing a throughput upgrade.' },
  133005: { title: 'Two step verification PIN Mismatch', httpStatus: 400, details: 'Two-step verification PIN incorrect.' },
  133006: { title: 'Phone number re-verification needed', httpStatus: 400, details: 'Phone number needs to be verified before registering.' },
  133008: { title: 'Too many two step verification PIN guesses', httpStatus: 400, details: 'Too many two-step verification PIN guesses for this phone number.' },
  133010: { title: 'Phone number Not Registered', httpStatus: 400, details: 'Phone number is not registered on the WhatsApp Business Platform.' },
  136025: { title: 'Verify code error', httpStatus: 400, details: "Code couldn't be verified." },
  132000: { title: 'Number of parameters does not match the expected number of params', httpStatus: 400, details: 'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.' },
  132001: { title: 'Template name does not exist in the translation', httpStatus: 400, details: 'The template does not exist in the specified language or the template has not been approved.' },
  132015: { title: 'Template is Paused', httpStatus: 400, details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
  132016: { title: 'Template is Disabled', httpStatus: 400, details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
};

const ERROR_CODES_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

function entryFor(code: number): CatalogEntry {
  return CATALOG[code] ?? { title: 'An unknown error occurred', httpStatus: 400, details: 'Error forced by the sandbox.' };
}

function titleOf(code: number): string {
  const entry = entryFor(code);
  return entry.plainMessage ? entry.title : `(#${code}) ${entry.title}`;
}

export interface GraphErrorOptions {
  /** Replaces the catalog message, for errors whose text names the object (e.g. code 100 subcode 33). */
  message?: string;
  details?: string;
  subcode?: number;
  httpStatus?: number;
}

/** A Graph error as a value: thrown by services, rendered by the exception filter. */
export class GraphError extends Error {
  readonly httpStatus: number;
  readonly details: string;
  readonly subcode: number | undefined;

  constructor(
    readonly code: number,
    options: GraphErrorOptions = {},
  ) {
    super(options.message ?? titleOf(code));
    this.name = 'GraphError';
    this.httpStatus = options.httpStatus ?? entryFor(code).httpStatus;
    this.details = options.details ?? entryFor(code).details;
    this.subcode = options.subcode;
  }

  toBody(fbtraceId: string): GraphErrorBody {
    const opts: MetaErrorBodyOptions = { details: this.details, fbtraceId };
    if (this.subcode !== undefined) opts.subcode = this.subcode;
    return metaErrorBody(this.code, this.message, opts);
  }
}

/** Builds the `errors[]` entry Meta puts in a `failed` status webhook. */
export function webhookError(code: number, details?: string): WebhookErrorObject {
  const entry = entryFor(code);
  return {
    code,
    title: entry.title,
    message: entry.title,
    error_data: { details: details ?? entry.details },
    href: ERROR_CODES_HREF,
  };
}
