import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { packChartDirectory } from '../chart/index.ts';
import { followRequest } from '../client/index.ts';
import type { ReleaseId, RevisionMeta } from '../domain/index.ts';
import { formatReleaseId } from '../domain/index.ts';
import { readHistory } from '../engine/index.ts';
import { systemClock } from '../kube/index.ts';
import { playChatStory } from './chat-demo.ts';
import { playAutomationStory } from './demo-automation.ts';
import { clusterSteps, printClusterLists } from './demo-clusters.ts';
import { formatColumns } from './demo-table.ts';
import { LOCAL_CREDENTIALS, type LocalStack } from './stack.ts';

/** What the demo needs from the running stack: where to send, and where to print. */
export interface DemoContext {
  readonly stack: LocalStack;
  readonly examplesDir: string;
  readonly print: (line: string) => void;
}

interface Step {
  readonly title: string;
  readonly release: ReleaseId;
  readonly request: Record<string, unknown>;
  /** Status and description the request's revision must end with. */
  readonly expect: { status: string; description: RegExp };
  /** With atomic: what the automatic rollback must end with. */
  readonly rollback?: RegExp;
}

/**
 * Plays the stories of ../shared/scenarios through the queue — blog installed
 * and upgraded, kubernetes-bootcamp's broken v10 upgrade rolled back by itself
 * (atomic), `rollback blog 1` — then prints both histories. Returns whether it
 * went as the stories say.
 */
export async function playDemo(ctx: DemoContext): Promise<boolean> {
  const blog: ReleaseId = { cluster: ctx.stack.cluster, namespace: 'tools', name: 'blog' };
  const bootcamp: ReleaseId = {
    cluster: ctx.stack.cluster,
    namespace: 'default',
    name: 'kubernetes-bootcamp',
  };
  const ghost = join(ctx.examplesDir, 'charts', 'ghost');
  const ghostNext = bumpChart(ghost, '1.24.9');
  // Inline, as the CLI sends local charts: the worker reads no paths outside its chart roots.
  const bootcampChart = await inlineChart(join(ctx.examplesDir, 'charts', 'kubernetes-bootcamp'));
  const ghostChart = await inlineChart(ghost);
  const ghostNextChart = await inlineChart(ghostNext);
  const sqs = new SQSClient({
    endpoint: ctx.stack.sqsEndpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const run = Date.now().toString(36);
  const timeout = { timeout: '1m' };
  const steps: Step[] = [
    {
      title: 'install blog (ghost 1.24.8) into namespace tools',
      release: blog,
      request: { action: 'install', chart: ghostChart, options: { ...timeout, createNamespace: true } },
      expect: { status: 'deployed', description: /^Install complete$/ },
    },
    {
      title: 'upgrade blog to ghost 1.24.9: pod blog-0 is replaced',
      release: blog,
      request: { action: 'upgrade', chart: ghostNextChart, options: timeout },
      expect: { status: 'deployed', description: /^Upgrade complete$/ },
    },
    {
      title: 'install kubernetes-bootcamp: 4 replicas of jocatalin/kubernetes-bootcamp:v1',
      release: bootcamp,
      request: { action: 'install', chart: bootcampChart, options: timeout },
      expect: { status: 'deployed', description: /^Install complete$/ },
    },
    {
      title: 'upgrade kubernetes-bootcamp to :v2, rolling with at least 3 of 4 available',
      release: bootcamp,
      request: {
        action: 'upgrade',
        chart: bootcampChart,
        values: { image: 'jocatalin/kubernetes-bootcamp:v2' },
        options: timeout,
      },
      expect: { status: 'deployed', description: /^Upgrade complete$/ },
    },
    {
      title:
        'upgrade kubernetes-bootcamp to gcr.io/google-samples/kubernetes-bootcamp:v10 (does not exist) with --atomic',
      release: bootcamp,
      request: {
        action: 'upgrade',
        chart: bootcampChart,
        values: { image: 'gcr.io/google-samples/kubernetes-bootcamp:v10' },
        options: { ...timeout, atomic: true },
      },
      expect: { status: 'failed', description: /ImagePullBackOff|ErrImagePull/ },
      rollback: /^Rollback to 2$/,
    },
    {
      title: 'rollback blog 1',
      release: blog,
      request: { action: 'rollback', revision: 1, options: timeout },
      expect: { status: 'deployed', description: /^Rollback to 1$/ },
    },
  ];
  // With several clusters, one more release on two of the others (lib/local/demo-clusters.ts).
  const elsewhere = clusterSteps(ctx.stack, bootcampChart, timeout.timeout);
  steps.push(...elsewhere);
  let ok = true;
  try {
    for (const [index, step] of steps.entries()) {
      const requestId = `demo-${run}-${index + 1}`;
      ctx.print(`\n▶ ${step.title}`);
      const started = Date.now();
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: ctx.stack.queueUrl,
          MessageGroupId: formatReleaseId(step.release),
          MessageDeduplicationId: requestId,
          MessageBody: JSON.stringify({
            version: 'v1',
            requestId,
            release: step.release,
            requestedBy: { principal: 'demo', channel: 'cli' },
            requestedAt: new Date().toISOString(),
            ...step.request,
          }),
        }),
      );
      // Followed through the store, as `quayside … --queue-url` follows a request.
      const follow = (id: string) =>
        followRequest({
          store: ctx.stack.store,
          release: step.release,
          requestId: id,
          clock: systemClock,
          until: Date.now() + 120_000,
        });
      const outcome = await follow(requestId);
      if (step.rollback !== undefined) await follow(`${requestId}:rollback`);
      const history = await readHistory(ctx.stack.store, step.release).catch(() => []);
      const mine = history.find((r) => r.requestId === requestId);
      const rollback = history.find((r) => r.requestId === `${requestId}:rollback`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      let good =
        outcome.kind === 'finished' &&
        mine?.status === step.expect.status &&
        step.expect.description.test(mine.description);
      if (step.rollback !== undefined)
        good &&= rollback?.status === 'deployed' && step.rollback.test(rollback.description);
      ctx.print(
        `  ${good ? '✓' : '✗'} revision ${mine?.revision ?? '-'} ${mine?.status ?? outcome.kind} (${seconds} s)`,
      );
      if (rollback !== undefined)
        ctx.print(
          `  ${good ? '✓' : '✗'} then revision ${rollback.revision} ${rollback.status}: ${rollback.description}`,
        );
      ok &&= good;
    }
    const historyOf = (id: ReleaseId) => readHistory(ctx.stack.store, id).catch(() => []);
    for (const release of [bootcamp, blog]) {
      ctx.print(`\n$ quayside history ${release.name} -n ${release.namespace}`);
      ctx.print(formatHistory(await historyOf(release)));
    }
    const statuses = async (id: ReleaseId) => (await historyOf(id)).map((r) => r.status).join();
    ok &&= (await statuses(blog)) === 'superseded,superseded,deployed';
    ok &&= (await statuses(bootcamp)) === 'superseded,superseded,failed,deployed';
    if (elsewhere.length > 0) {
      const expected = new Map<string, string[]>([[ctx.stack.cluster, [blog.name, bootcamp.name]]]);
      for (const step of elsewhere) expected.set(step.release.cluster, [step.release.name]);
      ok &&= await printClusterLists(ctx.stack, expected, ctx.print);
    }
    // Chat-ops: blog rolled back to 2 from Slack (its revision 4).
    ok = (await playChatStory({ stack: ctx.stack, release: blog, to: 2, print: ctx.print })) && ok;
    // Issue 14: a bake rolled back by an alarm, and a scheduled rollback firing.
    ok &&= await playAutomationStory(ctx, sqs);
    return ok;
  } finally {
    sqs.destroy();
    rmSync(ghostNext, { recursive: true, force: true });
  }
}

async function inlineChart(dir: string): Promise<{ inline: string }> {
  return { inline: Buffer.from(await packChartDirectory(dir)).toString('base64') };
}

/** A copy of a chart with a new version and appVersion: the "chart bumped" of the story. */
function bumpChart(dir: string, version: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'quayside-demo-chart-'));
  cpSync(dir, copy, { recursive: true });
  const file = join(copy, 'Chart.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace(/^version: .*$/m, `version: ${version}`)
      .replace(/^appVersion: .*$/m, `appVersion: "${version}"`),
  );
  return copy;
}

function formatHistory(revisions: readonly RevisionMeta[]): string {
  const rows = [
    ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
    ...revisions.map((r) => [
      String(r.revision),
      new Date(r.finishedAt ?? r.startedAt).toUTCString().replace(/GMT$/, 'UTC'),
      r.status,
      `${r.chart.name}-${r.chart.version}`,
      r.chart.appVersion ?? '',
      r.description,
    ]),
  ];
  return formatColumns(rows);
}
