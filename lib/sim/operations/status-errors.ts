/** Constructors for the Status errors kube-apiserver's generic registry returns. */
import { StatusError } from '../errors.ts';
import { MESSAGES } from '../messages.ts';
import type { ResourceType } from '../resources.ts';

function details(resource: ResourceType, name: string) {
  return { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.plural };
}

export function notFound(resource: ResourceType, name: string): StatusError {
  return new StatusError({
    code: 404,
    reason: 'NotFound',
    message: MESSAGES.notFound(resource, name),
    details: details(resource, name),
  });
}

export function alreadyExists(resource: ResourceType, name: string): StatusError {
  return new StatusError({
    code: 409,
    reason: 'AlreadyExists',
    message: MESSAGES.alreadyExists(resource, name),
    details: details(resource, name),
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError({ code: 400, reason: 'BadRequest', message });
}

/** Errors that are not API errors become 500 with no reason, as ErrorToAPIStatus does for plain Go errors. */
export function unknownError(message: string): StatusError {
  return new StatusError({ code: 500, reason: '', message });
}

export function forbidden(resource: ResourceType, name: string, message: string): StatusError {
  return new StatusError({ code: 403, reason: 'Forbidden', message, details: details(resource, name) });
}

export function methodNotAllowed(verb: string, resource: ResourceType): StatusError {
  return new StatusError({
    code: 405,
    reason: 'MethodNotAllowed',
    message: MESSAGES.methodNotAllowed(verb, resource),
    details: {},
  });
}
