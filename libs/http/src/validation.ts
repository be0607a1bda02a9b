import { ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError } from './api-error';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export function describeValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...describeValidationErrors(e.children ?? [], field)];
  });
}

function toApiError(errors: ValidationError[]): ApiError {
  const details = describeValidationErrors(errors);
  const first = details[0];
  const message = first ? `${first.field}: ${first.problems[0]}` : 'invalid request';
  return ApiError.badRequest(message, details);
}

/** Global pipe: class-validator on every DTO, unknown fields rejected, errors in our shape naming the field. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: toApiError,
  });
}

/** For bodies validated by hand (e.g. after a custom parse): returns the instance or throws ApiError 400. */
export function validateOrThrow<T extends object>(cls: new () => T, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw ApiError.badRequest('body must be a JSON object');
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw toApiError(errors);
  return instance;
}
