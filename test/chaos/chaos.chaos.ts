/**
 * The reliability suite (`npm run test:chaos`): a stream of requests over several releases
 * through the local stack while workers are killed with SIGKILL at random points, DynamoDB Local
 * is killed mid-request (the stack restarts it), the API server fails 30 % of calls and answers
 * each 50 ms late, and one chart makes 10,000 objects. Then DESIGN.md's invariants are checked: revision numbers without gaps, at
 * most one deployed revision, nothing pending, every request accounted for (a final revision with
 * its cause, or a rejection with its reason), and no marker secret in any output.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRequest } from '../../lib/client/index.ts';
import { isPending, type ReleaseId } from '../../lib/domain/index.ts';
import { MemoryPublisher, toEventJson } from '../../lib/events/index.ts';
import { LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '../../lib/local/index.ts';
import { seededRandom } from '../../lib/sim/faults.ts';
import { repoRoot } from '../engine/world.ts';

const MARKER = 'chaos-MARKER-s3cr3t-4417';
const SEED = Number(process.env.QUAYSIDE_CHAOS_SEED ?? 20261129);
const RELEASES = 6;
const REQUESTS = 36;
const BIG_OBJECTS = 10_000;
/** Workers the chaos kills at least (it goes on past its 50 s, up to 60 s more, to find them working). */
const MIN_WORKER_KILLS = 4;
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

describe(`quayside under chaos (seed ${SEED})`, () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  const events = new MemoryPublisher();
  const logs: string[] = [];
  /** final: ends as a revision; rejected: refused; either: a rollback, refused when there is nothing to roll back to. */
  const sent: { requestId: string; release: ReleaseId; expect: 'final' | 'rejected' | 'either' }[] = [];
  const chaos: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      dataDir: join(mkdtempSync(join(tmpdir(), 'quayside-chaos-')), 'data'),
      ephemeral: false,
      projectRoot: repoRoot,
      events,
      log: (line) => logs.push(line),
      rolloutStepMs: 150,
      sweepEveryMs: 15_000,
      // The 10,000-object chart is written to a temporary folder.
      chartRoots: [repoRoot, tmpdir()],
    });
    sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }, 120_000);
  afterAll(async () => {
    sqs?.destroy();
    await stack?.stop();
  });

  it(
    'keeps every invariant and accounts for every request',
    async () => {
      const releases = Array.from({ length: RELEASES }, (_, i) => ({
        cluster: stack.cluster,
        namespace: 'chaos',
        name: `app-${i}`,
      }));
      const big: ReleaseId = { cluster: stack.cluster, namespace: 'chaos', name: 'big' };
      const chart = { path: join(repoRoot, 'examples', 'charts', 'kubernetes-bootcamp') };
      const base = (requestId: string, release: ReleaseId) => ({
        version: 'v1',
        requestId,
        release,
        requestedBy: { principal: 'chaos', channel: 'ci' },
        requestedAt: new Date().toISOString(),
      });
      const requests: {
        body: Record<string, unknown>;
        release: ReleaseId;
        expect: 'final' | 'rejected' | 'either';
      }[] = [];
      const upgrade = (release: ReleaseId) => ({
        release,
        expect: 'final' as const,
        body: {
          action: 'upgrade',
          chart,
          values: { replicas: 1 + Math.floor(random() * 3) },
          set: [`db.password=${MARKER}`],
          options: { timeout: '2m' },
        },
      });
      for (const release of releases) {
        requests.push({
          release,
          expect: 'final',
          body: {
            action: 'upgrade',
            chart,
            values: { replicas: 1, password: MARKER },
            options: { install: true, createNamespace: true, timeout: '2m' },
          },
        });
      }
      for (let i = 0; requests.length < REQUESTS; i++) {
        const release = pick(releases);
        const kind = pick(['upgrade', 'upgrade', 'upgrade', 'broken', 'rollback', 'invalid'] as const);
        if (kind === 'upgrade') {
          requests.push(upgrade(release));
        } else if (kind === 'broken') {
          requests.push({
            release,
            expect: 'final',
            body: {
              action: 'upgrade',
              chart,
              values: { image: `example/missing:${i}`, token: MARKER },
              options: { atomic: true, timeout: '1m' },
            },
          });
        } else if (kind === 'rollback') {
          requests.push({
            release,
            expect: 'either',
            body: { action: 'rollback', revision: 0, options: { timeout: '2m' } },
          });
        } else {
          // Malformed --set-json carrying a secret: refused, and the secret quoted nowhere.
          requests.push({
            release,
            expect: 'rejected',
            body: {
              action: 'upgrade',
              chart,
              setJson: [`x={"password": "${MARKER}"`],
              options: { timeout: '1m' },
            },
          });
        }
      }
      requests.splice(REQUESTS / 2, 0, {
        release: big,
        expect: 'final',
        body: {
          action: 'upgrade',
          chart: { path: bigChart(BIG_OBJECTS) },
          options: { install: true, createNamespace: true, wait: false, timeout: '5m' },
        },
      });

      // A slow API server too (every call 50 ms late): runs last long enough to be killed part way.
      stack.simulator?.injectFaults({
        latencyMs: 50,
        errors: [
          { rate: 0.3, status: 503 },
          { rate: 0.05, status: 429, retryAfterSeconds: 1 },
        ],
        seed: SEED,
      });
      const send = async (index: number) => {
        const request = requests[index] as (typeof requests)[number];
        const requestId = `chaos-${SEED}-${index}`;
        await sendRequest(sqs, stack.queueUrl, {
          ...base(requestId, request.release),
          ...request.body,
        }).catch((error: unknown) => {
          // The client refuses some invalid requests before sending; those are accounted for here.
          if (request.expect !== 'rejected') throw error;
          expect(String((error as Error).message)).not.toContain(MARKER);
          return undefined;
        });
        sent.push({ requestId, release: request.release, expect: request.expect });
      };
      // Half the requests at once; the rest a few at a time during the chaos, so that workers are
      // busy throughout it (in order: each release's requests keep the order they were made in).
      let next = 0;
      while (next < requests.length / 2) await send(next++);

      // The chaos: workers killed at random points, DynamoDB Local killed once; for 50 s, and on
      // until at least MIN_WORKER_KILLS workers were found working and killed (at most 60 s more).
      const started = Date.now();
      const until = started + 50_000;
      const workerKills = () => chaos.filter((line) => line.startsWith('killed worker')).length;
      const at = () => `at ${((Date.now() - started) / 1000).toFixed(1)} s`;
      let killedStore = false;
      while (Date.now() < until || (workerKills() < MIN_WORKER_KILLS && Date.now() < until + 60_000)) {
        for (let n = 0; n < 3 && next < requests.length; n++) await send(next++);
        await sleep(3_000 + random() * 6_000);
        // Everything sent and still short of kills: more upgrades, so that there is work to interrupt.
        if (next === requests.length && Date.now() > until - 20_000 && workerKills() < MIN_WORKER_KILLS) {
          for (let n = 0; n < 3; n++) requests.push(upgrade(pick(releases)));
          while (next < requests.length) await send(next++);
        }
        // Workers in the middle of a request: a kill during an environment's init, or in the first
        // moments of an invocation before the worker's first visibility change reaches the queue,
        // leaves its messages invisible for the queue's 16-minute visibility timeout, in Lambda as
        // here (docs/aws.md); `working` leaves those moments out (WORKING_AFTER_MS).
        let pids = stack.worker.pids({ working: true });
        // None at this moment: look again for a few seconds.
        for (let look = 0; pids.length === 0 && look < 20; look++) {
          await sleep(200);
          pids = stack.worker.pids({ working: true });
        }
        if (pids.length > 0) {
          const pid = pick(pids);
          process.kill(pid, 'SIGKILL');
          chaos.push(`killed worker ${pid} ${at()}`);
        }
        if (!killedStore && Date.now() > until - 30_000) {
          process.kill(stack.dynamoPid() as number, 'SIGKILL');
          killedStore = true;
          chaos.push(`killed DynamoDB Local ${at()}`);
        }
      }
      while (next < requests.length) await send(next++);
      stack.simulator?.clearFaults();
      console.info(`chaos: ${chaos.join(', ')}`);

      // Every request ends: a final revision (deployed or failed, with its description) or a rejection.
      const outcomes = new Map<string, string>();
      const deadline = Date.now() + 8 * 60_000;
      while (outcomes.size < sent.length && Date.now() < deadline) {
        for (const request of sent) {
          if (outcomes.has(request.requestId)) continue;
          const outcome = await accounted(request).catch(() => undefined);
          if (outcome !== undefined) outcomes.set(request.requestId, outcome);
        }
        await sleep(2_000);
      }
      const missing = sent.filter((r) => !outcomes.has(r.requestId)).map((r) => r.requestId);
      // When one is missing, say where it is: in the queue, in the dead-letter queue, pending in the store.
      if (missing.length > 0) console.error(await whereabouts(missing));
      expect(missing, `unaccounted requests after ${chaos.join(', ')}`).toEqual([]);
      for (const request of sent) {
        const outcome = outcomes.get(request.requestId) as string;
        if (request.expect === 'rejected') expect(outcome, request.requestId).toMatch(/^rejected/);
        else if (request.expect === 'either') {
          expect(outcome, request.requestId).toMatch(
            /^(deployed|failed|superseded|pruned|rejected: .*no earlier revision)/,
          );
        } else expect(outcome, request.requestId).toMatch(/^(deployed|failed|superseded|pruned)/);
      }

      // No release stays pending once leases have lapsed and the sweeper has run.
      await sleep(35_000);
      for (const release of [...releases, big]) {
        const history = (await stack.store.history(release, { oldestFirst: true, limit: 100 })).revisions;
        const numbers = history.map((r) => r.revision);
        expect(numbers, release.name).toEqual(numbers.map((_, i) => (numbers[0] as number) + i));
        expect(history.filter((r) => r.status === 'deployed').length, release.name).toBeLessThanOrEqual(1);
        expect(
          history.filter((r) => isPending(r.status)).map((r) => r.revision),
          release.name,
        ).toEqual([]);
        for (const revision of history) {
          expect(revision.description, release.name).not.toContain(MARKER);
          const progress = await stack.store.readProgress(revision.requestId);
          expect(JSON.stringify(progress)).not.toContain(MARKER);
        }
      }
      const dead = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.deadLetterQueueUrl, WaitTimeSeconds: 0 }),
      );
      expect(dead.Messages ?? [], "nothing of this is the service's fault: the DLQ stays empty").toEqual([]);

      // No marker secret in any output: events, the functions' logs, the stack's own lines.
      expect(JSON.stringify(events.events.map(toEventJson))).not.toContain(MARKER);
      for (const file of readdirSync(stack.logDir)) {
        expect(readFileSync(join(stack.logDir, file), 'utf8'), file).not.toContain(MARKER);
      }
      expect(logs.join('\n')).not.toContain(MARKER);
      expect(workerKills(), chaos.join(', ')).toBeGreaterThanOrEqual(MIN_WORKER_KILLS);
      expect(killedStore).toBe(true);
    },
    15 * 60_000,
  );

  async function accounted(request: { requestId: string; release: ReleaseId }): Promise<string | undefined> {
    const rejection = await stack.store.findRejection(request.requestId);
    if (rejection !== undefined) {
      expect(rejection.reason).not.toContain(MARKER);
      return `rejected: ${rejection.reason}`;
    }
    const found = await stack.store.findRequest(request.release, request.requestId);
    if (found === undefined) return undefined;
    if (found.revision === undefined) return 'pruned';
    if (isPending(found.revision.status)) return undefined;
    return `${found.revision.status}: ${found.revision.description}`;
  }

  /** What the queues, the store and the logs know of requests that were never accounted for. */
  async function whereabouts(missing: readonly string[]): Promise<string> {
    const lines: string[] = [];
    for (const url of [stack.queueUrl, stack.deadLetterQueueUrl]) {
      const attributes = await sqs
        .send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))
        .catch((error: unknown) => ({ Attributes: { error: String(error) } }));
      const counts = Object.entries(attributes.Attributes ?? {}).filter(([key]) =>
        /^Approx|^error/.test(key),
      );
      lines.push(`${url.split('/').pop()}: ${JSON.stringify(Object.fromEntries(counts))}`);
    }
    const dead = await sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: stack.deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      )
      .catch(() => ({ Messages: [] }));
    for (const message of dead.Messages ?? []) {
      const body = JSON.parse(message.Body ?? '{}') as { requestId?: string };
      lines.push(`dead-letter queue: ${body.requestId} (${JSON.stringify(message.Attributes)})`);
    }
    const logLines = readdirSync(stack.logDir).flatMap((file) =>
      readFileSync(join(stack.logDir, file), 'utf8')
        .split('\n')
        .map((line) => ({ file, line })),
    );
    for (const requestId of missing) {
      const request = sent.find((r) => r.requestId === requestId) as (typeof sent)[number];
      const found = await stack.store
        .findRequest(request.release, requestId)
        .catch((e: unknown) => String(e));
      const summary = await stack.store.getRelease(request.release).catch((e: unknown) => String(e));
      lines.push(`${requestId} (${request.release.name}): store ${JSON.stringify(found)?.slice(0, 600)}`);
      lines.push(`  release: ${JSON.stringify(summary)?.slice(0, 600)}`);
      for (const { file, line } of logLines) {
        if (line.includes(requestId)) lines.push(`  ${file}: ${logSummary(line)}`);
      }
    }
    lines.push(...logs.slice(-30).map((line) => `  stack: ${line.slice(0, 300)}`));
    return lines.join('\n');
  }
});

/** A function's log line, short: when, what, and how it ended. */
function logSummary(line: string): string {
  try {
    const { timestamp, level, message, outcome, reason, status, revision, function_request_id } = JSON.parse(
      line,
    ) as Record<string, unknown>;
    return JSON.stringify({
      timestamp,
      level,
      message,
      outcome,
      reason,
      status,
      revision,
      function_request_id,
    });
  } catch {
    return line.slice(0, 300);
  }
}

/** A chart of `count` ConfigMaps. */
function bigChart(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'quayside-big-chart-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: big\nversion: 1.0.0\n');
  writeFileSync(
    join(dir, 'templates', 'configmaps.yaml'),
    `{{- range $i := until ${count} }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-{{ $i }}\ndata:\n  index: "{{ $i }}"\n{{- end }}\n`,
  );
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
