/**
 * Validation as kube-apiserver's pkg/apis/<group>/validation does it, for the rules clients hit
 * in practice: names, required fields, selectors, port ranges, and immutable fields on update.
 */
export { type FieldError, type FieldErrorType, invalidError } from './field-errors.ts';
export { validateName } from './names.ts';
export { validateObject } from './object-rules.ts';
export { validateUpdate } from './update-rules.ts';
