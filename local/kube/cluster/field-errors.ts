import { KubeApiError } from '../errors.js';

/** One field-level validation error, as apimachinery's `field.Error` renders it. */
export type FieldError = {
  field: string;
  reason: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueNotSupported';
  message: string;
};

// apimachinery prints numbers and booleans bare, strings quoted and anything else as JSON.
const goValue = (value: unknown): string => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));

/** `field: Invalid value: <value>: <detail>` */
export const invalidValue = (field: string, value: unknown, detail: string): FieldError => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${goValue(value)}: ${detail}`,
});

/** `field: Forbidden: <detail>` */
export const forbidden = (field: string, detail: string): FieldError => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });

/** `field: Unsupported value: "x": supported values: "a", "b"` */
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  field,
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

/** `field: Required value` */
export const required = (field: string): FieldError => ({ field, reason: 'FieldValueRequired', message: 'Required value' });

/**
 * The 422 Invalid a validating API server answers: `Kind "name" is invalid: field: message`, with
 * several errors in brackets as Go's error aggregate prints them, and each one as a `cause`.
 */
export function invalidObject(kind: string, name: string, errors: readonly FieldError[]): KubeApiError {
  const rendered = errors.map((e) => `${e.field}: ${e.message}`);
  const list = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return new KubeApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${list}`, {
    name,
    kind,
    causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}
