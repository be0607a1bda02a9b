import { accessSync, constants } from 'node:fs';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * A path the process can read (a mounted certificate or secret). Checked once at boot so a
 * wrong mount fails with the variable's name, not later with ENOENT from a client library.
 */
export function IsReadableFile(options?: ValidationOptions): PropertyDecorator {
  return (target, property) => {
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: String(property),
      options: { message: (a) => `must name a readable file (${String(a.value)} is not)`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || value === '') return false;
          try {
            accessSync(value, constants.R_OK);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
  };
}
