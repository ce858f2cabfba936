/**
 * Label and annotation rules of ObjectMeta, as kube-apiserver checks them on every object
 * (apimachinery's ValidateLabels and ValidateAnnotations): label keys and annotation keys are
 * qualified names with an optional DNS subdomain prefix; label values are at most 63 characters
 * of alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric (or empty).
 */
import { goString } from '../go-format.ts';
import { getObject, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import type { FieldError } from './field-errors.ts';

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label or annotation key is not a qualified name; empty when it is one. */
export function qualifiedNameProblems(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [MESSAGES.labelKeyShape];
  const problems: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') problems.push(`prefix part ${MESSAGES.mustBeNonEmpty}`);
    else {
      if (prefix.length > 253) problems.push(`prefix part ${MESSAGES.maxLength(253)}`);
      if (!SUBDOMAIN.test(prefix)) problems.push(`prefix part ${MESSAGES.dns1123Subdomain}`);
    }
  }
  if (name === '') problems.push(`name part ${MESSAGES.mustBeNonEmpty}`);
  else if (name.length > 63) problems.push(`name part ${MESSAGES.maxLength(63)}`);
  if (!NAME_PART.test(name)) problems.push(`name part ${MESSAGES.qualifiedNamePart}`);
  return problems;
}

/** Why a label value is not one; empty when it is. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push(MESSAGES.maxLength(63));
  if (!LABEL_VALUE.test(value)) problems.push(MESSAGES.labelValue);
  return problems;
}

/** Field errors of a metadata block's labels and annotation keys (`field` is e.g. "metadata"). */
export function validateMetadataLabels(metadata: JsonObject | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const labels = getObject(metadata, ['labels']) ?? {};
  for (const [key, value] of Object.entries(labels)) {
    for (const detail of qualifiedNameProblems(key))
      errors.push({ type: 'Invalid', field: `${field}.labels`, value: goString(key), detail });
    const text = typeof value === 'string' ? value : String(value);
    for (const detail of labelValueProblems(text))
      errors.push({ type: 'Invalid', field: `${field}.labels`, value: goString(text), detail });
  }
  for (const key of Object.keys(getObject(metadata, ['annotations']) ?? {})) {
    for (const detail of qualifiedNameProblems(key.toLowerCase()))
      errors.push({ type: 'Invalid', field: `${field}.annotations`, value: goString(key), detail });
  }
  return errors;
}

/** The pod template's metadata of the workload kinds, where the API server checks labels too. */
export function templateMetadataLabels(kind: string, object: JsonObject): FieldError[] {
  const templates: Record<string, string[]> = {
    Deployment: ['spec', 'template', 'metadata'],
    ReplicaSet: ['spec', 'template', 'metadata'],
    StatefulSet: ['spec', 'template', 'metadata'],
    DaemonSet: ['spec', 'template', 'metadata'],
    Job: ['spec', 'template', 'metadata'],
    CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  };
  const path = templates[kind];
  if (!path) return [];
  return validateMetadataLabels(getObject(object, path), path.join('.'));
}
