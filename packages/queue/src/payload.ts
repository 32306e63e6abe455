import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ValidationError } from '@trustsync/core';

/**
 * Validates a job payload at enqueue and again at consume (a job may predate a schema change).
 * Throws ValidationError naming every bad field; workers turn it into UnrecoverableError.
 */
export async function validatePayload<T extends object>(cls: new () => T, data: unknown): Promise<T> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError(`${cls.name} must be an object`);
  const instance = plainToInstance(cls, data);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    throw new ValidationError(
      `invalid ${cls.name}`,
      errors.map((e) => ({ field: e.property, problems: Object.values(e.constraints ?? {}) })),
    );
  }
  return instance;
}
