/** An HTTP error with our one JSON shape: `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(message: string, details?: unknown): ApiError {
    return new ApiError(400, 'invalid_request', message, details);
  }
  static unauthorized(message = 'missing or invalid credentials'): ApiError {
    return new ApiError(401, 'unauthorized', message);
  }
  static forbidden(message: string): ApiError {
    return new ApiError(403, 'forbidden', message);
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }
  static conflict(message: string, details?: unknown): ApiError {
    return new ApiError(409, 'conflict', message, details);
  }
  static unavailable(message: string, retryAfterSeconds = 5): ApiError {
    return new ApiError(503, 'unavailable', message, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
