/** Object name rules: RFC 1123 subdomain for most kinds, RFC 1123 label for Namespaces, RFC 1035 label for Services. */
import { goString } from '../go-format.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';
import type { FieldError } from './field-errors.ts';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function validateName(resource: ResourceType, name: string): FieldError[] {
  if (!name) return [{ type: 'Required', field: 'metadata.name', detail: MESSAGES.nameRequired }];
  if (resource.kind === 'Namespace') {
    if (!LABEL.test(name) || name.length > 63)
      return [
        { type: 'Invalid', field: 'metadata.name', value: goString(name), detail: MESSAGES.dns1123Label },
      ];
    return [];
  }
  if (resource.kind === 'Service') {
    if (!DNS1035.test(name) || name.length > 63)
      return [
        { type: 'Invalid', field: 'metadata.name', value: goString(name), detail: MESSAGES.dns1035Label },
      ];
    return [];
  }
  if (resource.custom || resource.kind === 'CustomResourceDefinition') {
    return SUBDOMAIN.test(name)
      ? []
      : [
          {
            type: 'Invalid',
            field: 'metadata.name',
            value: goString(name),
            detail: MESSAGES.dns1123Subdomain,
          },
        ];
  }
  if (!SUBDOMAIN.test(name) || name.length > 253) {
    return [
      { type: 'Invalid', field: 'metadata.name', value: goString(name), detail: MESSAGES.dns1123Subdomain },
    ];
  }
  return [];
}
