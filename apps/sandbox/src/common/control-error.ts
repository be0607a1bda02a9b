/** An error of the `/_sandbox/*` control API, rendered as `{error: {code, message, details?}}`. */
export class ControlError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
