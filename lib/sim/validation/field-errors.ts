/** Field errors and the 422 Invalid Status kube-apiserver builds from them (errors.NewInvalid). */
import { type StatusCause, StatusError } from '../errors.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';

export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'Unsupported';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: string;
  detail?: string;
}

const REASONS: Record<FieldErrorType, string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Forbidden: 'FieldValueForbidden',
  Unsupported: 'FieldValueNotSupported',
};

export function errorBody(error: FieldError): string {
  switch (error.type) {
    case 'Invalid':
      return `Invalid value: ${error.value}: ${error.detail}`;
    case 'Unsupported':
      return `Unsupported value: ${error.value}${error.detail ? `: ${error.detail}` : ''}`;
    case 'Required':
      return `Required value${error.detail ? `: ${error.detail}` : ''}`;
    default:
      return `Forbidden${error.detail ? `: ${error.detail}` : ''}`;
  }
}

/** The 422 Invalid status kube-apiserver answers for field errors (errors.NewInvalid). */
export function invalidError(resource: ResourceType, name: string, errors: FieldError[]): StatusError {
  const texts = errors.map((e) => `${e.field}: ${errorBody(e)}`);
  const summary = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  const causes: StatusCause[] = errors.map((e) => ({
    reason: REASONS[e.type],
    message: errorBody(e),
    field: e.field,
  }));
  return new StatusError({
    code: 422,
    reason: 'Invalid',
    message: MESSAGES.invalid(resource, name, summary),
    details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.kind, causes },
  });
}
