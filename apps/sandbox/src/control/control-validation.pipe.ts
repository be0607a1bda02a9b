import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ControlError } from '../common/control-error';

/** class-validator for control bodies; failures become `{error: {code: "invalid_request", details}}`. */
export function controlValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new ControlError(
        400,
        'invalid_request',
        'request body is invalid',
        errors.map((e) => ({ field: e.property, problems: Object.values(e.constraints ?? {}) })),
      ),
  });
}
