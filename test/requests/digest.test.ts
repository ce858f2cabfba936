import { describe, expect, it } from 'vitest';
import { deduplicationIdOf, parseDeployRequest, requestDigest } from '../../lib/requests/index.ts';

function parsed(overrides: Record<string, unknown> = {}) {
  const result = parseDeployRequest({
    version: 'v1',
    requestId: 'deploy-42',
    action: 'upgrade',
    release: { cluster: 'local', namespace: 'default', name: 'web' },
    chart: { repo: 'https://charts.example.com', name: 'web', version: '1.2.3' },
    values: { replicas: 2 },
    requestedBy: { principal: 'ci:pipeline', channel: 'ci' },
    requestedAt: '2026-11-23T12:00:00Z',
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.request;
}

describe('request digests and deduplication ids', () => {
  it('are equal for the same request, however its keys are ordered, defaults spelled out, or sent later', () => {
    const base = parsed();
    expect(requestDigest(parsed({ requestedAt: '2026-11-23T12:05:00Z' }))).toBe(requestDigest(base));
    expect(requestDigest(parsed({ options: { wait: true, timeout: '5m0s' } }))).toBe(requestDigest(base));
    expect(requestDigest(parsed({ values: { replicas: 2 } }))).toBe(requestDigest(base));
    expect(deduplicationIdOf(base)).toMatch(/^deploy-42:[0-9a-f]{16}$/);
  });

  it('differ when the same id carries other content, so SQS does not drop it unseen', () => {
    const base = parsed();
    const other = parsed({ values: { replicas: 3 } });
    expect(requestDigest(other)).not.toBe(requestDigest(base));
    expect(deduplicationIdOf(other)).not.toBe(deduplicationIdOf(base));
  });

  it('keeps the deduplication id within SQS 128 characters for the longest request id', () => {
    const id = deduplicationIdOf(parsed({ requestId: 'x'.repeat(128) }));
    expect(id).toHaveLength(128);
    expect(id).toMatch(/^[A-Za-z0-9_.:-]+$/);
  });
});
