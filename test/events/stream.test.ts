import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  buildRejectionEvent,
  buildReleaseEvent,
  formatEventLine,
  MemoryPublisher,
  parseStatusEvent,
  type ReleaseEventInput,
  StreamPublisher,
} from '../../lib/events/index.ts';

const upgrade: ReleaseEventInput = {
  requestId: 'blog-upgrade-0002',
  action: 'upgrade',
  release: { cluster: 'local', namespace: 'tools', name: 'blog' },
  status: 'deployed',
  description: 'Upgrade complete',
  revision: 2,
  chart: { name: 'ghost', version: '1.24.9', appVersion: '1.24.9' },
  requestedBy: { principal: 'ci', channel: 'ci' },
  startedAt: Date.UTC(2026, 10, 23, 12, 0, 0),
  finishedAt: Date.UTC(2026, 10, 23, 12, 0, 1),
};
const rejection = buildRejectionEvent({
  messageId: 'msg-7',
  problems: [{ field: 'body', message: 'the message body is not valid JSON' }],
  startedAt: Date.UTC(2026, 10, 23, 12, 0, 2),
  finishedAt: Date.UTC(2026, 10, 23, 12, 0, 2),
});

function collect(stream: PassThrough): () => string {
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return () => chunks.join('');
}

describe('human event lines', () => {
  it('reads like a console log: time, what happened, release, revision, chart, description', () => {
    expect(formatEventLine(buildReleaseEvent(upgrade))).toBe(
      '12:00:01 Release Deployed local/tools/blog rev 2 (ghost-1.24.9) Upgrade complete',
    );
  });

  it('marks a dry run', () => {
    expect(
      formatEventLine(buildReleaseEvent({ ...upgrade, status: 'dry-run', description: 'Dry run complete' })),
    ).toBe('12:00:01 Release Deployed local/tools/blog rev 2 (ghost-1.24.9) [dry run] Dry run complete');
  });

  it('names a rejected message by its id when no release could be read', () => {
    expect(formatEventLine(rejection)).toBe(
      '12:00:02 Request Rejected message msg-7 Request rejected: body the message body is not valid JSON',
    );
  });

  it('names the request of a rejection when it is known', () => {
    const event = buildRejectionEvent({
      requestId: 'r-9',
      release: upgrade.release,
      error: new Error('x'),
      startedAt: 0,
      finishedAt: 0,
    });
    expect(formatEventLine(event)).toBe(
      '00:00:00 Request Rejected local/tools/blog request r-9: Request rejected: an unexpected error occurred; the worker logs hold the details',
    );
  });
});

describe('the stream publisher', () => {
  it('writes one JSON event per line, in the schema form, readable back', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const publisher = new StreamPublisher({ stream, format: 'jsonl' });
    const events = [buildReleaseEvent(upgrade), rejection];
    await publisher.publish(events);
    await publisher.publish([]);
    const lines = output().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => parseStatusEvent(JSON.parse(line)))).toEqual(events);
    expect(JSON.parse(lines[0] as string)['detail-type']).toBe('Release Deployed');
  });

  it('writes human lines when asked', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    await new StreamPublisher({ stream, format: 'human' }).publish([buildReleaseEvent(upgrade), rejection]);
    expect(output()).toBe(`${formatEventLine(buildReleaseEvent(upgrade))}\n${formatEventLine(rejection)}\n`);
  });

  it('fails when the stream cannot be written', async () => {
    const stream = new PassThrough();
    stream.destroy();
    await expect(new StreamPublisher({ stream, format: 'jsonl' }).publish([rejection])).rejects.toThrow();
  });
});

describe('the memory publisher', () => {
  it('keeps copies of the events in order', async () => {
    const publisher = new MemoryPublisher();
    const event = buildReleaseEvent(upgrade);
    await publisher.publish([event, rejection]);
    (event.detail as { description: string }).description = 'changed later';
    expect(publisher.events.map((e) => e.detail.description)).toEqual([
      'Upgrade complete',
      rejection.detail.description,
    ]);
  });
});
