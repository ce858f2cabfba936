import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../../lib/kube/classify.ts';
import { KubeImmutableFieldError, KubeInvalidError } from '../../lib/kube/errors.ts';

const SECRET = 'hunter2-MARKER';

/** A 422 Status as kube-apiserver answers it (errors.NewInvalid): message and one cause per field. */
function invalid(kind: string, name: string, errors: Array<{ field: string; body: string }>) {
  const texts = errors.map((e) => `${e.field}: ${e.body}`);
  const summary = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return {
    status: 422,
    headers: {},
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: `${kind} "${name}" is invalid: ${summary}`,
      details: {
        name,
        kind: kind.toLowerCase(),
        causes: errors.map((e) => ({ reason: 'FieldValueInvalid', message: e.body, field: e.field })),
      },
    },
  };
}

const secretRef = { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'db' };
const jobRef = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name: 'migrate' };

describe('values quoted by API server errors', () => {
  it('hides the value of an env, annotation or Secret data field, keeping the field and the reason', () => {
    const error = classifyResponse(
      secretRef,
      invalid('Secret', 'db', [
        {
          field: `data[${SECRET}]`,
          body: `Invalid value: "${SECRET}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        },
        {
          field: 'metadata.annotations',
          body: `Invalid value: "${SECRET}/x/y": a qualified name must consist of alphanumeric characters`,
        },
        {
          field: 'spec.template.spec.containers[0].env[0].name',
          body: `Invalid value: "${SECRET} x": a valid environment variable name must consist of alphabetic characters`,
        },
      ]),
    );
    expect(error).toBeInstanceOf(KubeInvalidError);
    expect(error.message).not.toContain(`"${SECRET}`);
    expect(error.message).toContain(
      'metadata.annotations: Invalid value: (value hidden): a qualified name must',
    );
    expect(error.message).toContain(
      'spec.template.spec.containers[0].env[0].name: Invalid value: (value hidden): a valid environment variable name',
    );
    expect(JSON.stringify(error.causes)).not.toContain(`"${SECRET}`);
  });

  it('keeps what any reader of the cluster sees: names, images, ports, labels, types', () => {
    const error = classifyResponse(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'Web_1' },
      invalid('Deployment.apps', 'Web_1', [
        {
          field: 'metadata.name',
          body: `Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
        },
        {
          field: 'spec.template.spec.containers[0].image',
          body: 'Invalid value: "nginx:: bad": invalid reference format',
        },
        { field: 'spec.ports[0].port', body: 'Invalid value: 70000: must be between 1 and 65535, inclusive' },
        {
          field: 'spec.type',
          body: 'Unsupported value: "Cluster": supported values: "ClusterIP", "NodePort"',
        },
      ]),
    );
    expect(error.message).toContain('metadata.name: Invalid value: "Web_1": a lowercase RFC 1123');
    expect(error.message).toContain('image: Invalid value: "nginx:: bad": invalid reference format');
    expect(error.message).toContain('spec.ports[0].port: Invalid value: 70000: must be between');
    expect(error.message).toContain('spec.type: Unsupported value: "Cluster": supported values');
  });

  it("hides a Job template's env values quoted by an immutable-field error, in the message and the causes", () => {
    const template = `core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{Name:"", Labels:map[string]string{"app":"migrate"}}, Spec:core.PodSpec{Containers:[]core.Container{core.Container{Name:"migrate", Image:"migrate:1", Env:[]core.EnvVar{core.EnvVar{Name:"PASSWORD", Value:"${SECRET}", ValueFrom:(*core.EnvVarSource)(nil)}}}}}}`;
    const error = classifyResponse(
      jobRef,
      invalid('Job.batch', 'migrate', [
        { field: 'spec.template', body: `Invalid value: ${template}: field is immutable` },
      ]),
    );
    expect(error).toBeInstanceOf(KubeImmutableFieldError);
    expect(error.message).toBe(
      'job/migrate: field spec.template is immutable; re-run with force to delete and recreate this object',
    );
    expect(JSON.stringify(error.causes)).not.toContain(SECRET);
    expect(error.causes[0]?.message).toBe('Invalid value: (value hidden): field is immutable');
  });

  it('hides values in a Status that carries a message but no causes, and cuts off what it cannot delimit', () => {
    const bare = (message: string) => ({
      status: 422,
      headers: {},
      body: { kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message },
    });
    const quoted = classifyResponse(
      secretRef,
      bare(
        `Secret "db" is invalid: [stringData[token]: Invalid value: "${SECRET}\\" , x": too long, metadata.name: Invalid value: "db": ok]`,
      ),
    );
    expect(quoted.message).toBe(
      'secret/db: invalid: Secret "db" is invalid: [stringData[token]: Invalid value: (value hidden): too long, metadata.name: Invalid value: "db": ok]',
    );
    const unterminated = classifyResponse(
      secretRef,
      bare(`Secret "db" is invalid: data[token]: Invalid value: "${SECRET} and more`),
    );
    expect(unterminated.message).toBe(
      'secret/db: invalid: Secret "db" is invalid: data[token]: Invalid value: (value hidden)',
    );
  });
});
