export { ApiError, ErrorBody } from './api-error';
export { HttpErrorFilter, toErrorBody, UNAVAILABLE_RETRY_AFTER_SECONDS, type ErrorMappingOptions } from './http-error.filter';
export { apiValidationPipe, validateOrThrow, describeValidationErrors, FieldProblem } from './validation';
export { createHttpApp, HttpAppOptions, nestLogLevels } from './create-http-app';
export { httpsFromEnv, httpsServerOptions, HttpsFiles, MIN_TLS_VERSION } from './https-options';
export { InternalAuthGuard, TenantId, safeEqual, INTERNAL_TOKEN_HEADER, TENANT_HEADER } from './internal-auth.guard';
export { discardRest } from './discard-rest';
export {
  TargetGuard, TargetGuardOptions, TargetRefusedError, CheckedTarget, isBlockedAddress, describeBlockedAddress, unmapIPv4,
} from './ssrf/target-guard';
export { guardedGet, GuardedGetOptions, GuardedResponse, UpstreamFetchError, pinnedLookup } from './ssrf/guarded-get';
export { CsvParser, CsvRecord, CsvSyntaxError, RecordTooLargeError } from './csv-parser';
export { AcceptsBodyTypes, MistakableBodyType, mediaTypeOf, parseJsonUnlessStreamed, refuseMistakenBodyTypes } from './body-types';
