import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CliWorld, charts, chartWith, kubeconfigWithNamespace, startCliWorld } from './cli-world.ts';

const FAILING_TEST_POD = `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: check
      image: example/crashloop:1
`;
const BAD_IMAGE = 'migrationImage=registry.example/nonexistent:1';

// Every case here is independent, so they run side by side: each is a CLI process or two.
describe.concurrent('quayside errors and exit codes', () => {
  let world: CliWorld;

  beforeAll(async () => {
    world = await startCliWorld();
    const flaky = chartWith(world.dir, charts.hooked, 'templates/test-pod.yaml', FAILING_TEST_POD);
    await Promise.all([
      world.seed({ name: 'blog', chart: charts.myNginx }),
      world.seed({ name: 'hooks-a', chart: charts.hooked }),
      world.seed({ name: 'hooks-b', chart: charts.hooked }),
      world.seed({ name: 'hooks-c', chart: charts.hooked }),
      world.seed({ name: 'flaky', chart: flaky }),
      world.seed({ name: 'tooled', chart: charts.ghost, namespace: 'tools' }),
    ]);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('names an unknown release and how to list releases, exiting 2', async () => {
    const run = await world.cli(['status', 'blog', '-n', 'tools']);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'Error: release "blog" not found in namespace "tools" — list releases with: quayside list -n tools\n',
    });
  });

  it('names a missing revision and how to see the revisions, exiting 2', async () => {
    const [missing, malformed] = await Promise.all([
      world.cli(['get', 'manifest', 'blog', '--revision', '9']),
      world.cli(['rollback', 'blog', 'x']),
    ]);
    expect(missing).toMatchObject({
      code: 2,
      stderr:
        'Error: release "blog" has no revision 9 — see its revisions with: quayside history blog -n default\n',
    });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /^Error: invalid revision "x": .* — run 'quayside rollback --help' for usage\n$/,
    );
  });

  it('refuses unknown flags, output formats and durations with a usage hint, exiting 2', async () => {
    const [flag, output, timeout, args] = await Promise.all([
      world.cli(['history', 'blog', '--bogus']),
      world.cli(['list', '-o', 'xml']),
      world.cli(['uninstall', 'blog', '--timeout', '5 minutes']),
      world.cli(['history']),
    ]);
    expect(flag).toMatchObject({
      code: 2,
      stderr: "Error: unknown flag: --bogus — run 'quayside history --help' for usage\n",
    });
    expect(output.code).toBe(2);
    expect(output.stderr).toContain('invalid argument "xml" for "-o, --output"');
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('invalid argument "5 minutes" for "--timeout"');
    expect(args).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: quayside history NAME') });
  });

  it('refuses a missing chart, an invalid release name and schema-violating values without printing the values', async () => {
    const [missing, name, schema] = await Promise.all([
      world.cli(['install', 'nochart', `${world.dir}/no-such-chart`]),
      world.cli(['install', 'Bad_Name', charts.myNginx]),
      world.cli(['install', 'schema', charts.hooked, '--set-json', 'message={"password":"hunter2"}']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: .*no-such-chart/);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('release name "Bad_Name" must be a DNS-1123 label');
    expect(schema.code).toBe(2);
    expect(schema.stderr).toContain("- at '/message': got object, want string");
    expect(schema.stderr).not.toContain('hunter2');
    expect(schema.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toHaveLength(1);
    const listed = await world.cli(['list', '--all', '-o', 'json']);
    expect(JSON.parse(listed.stdout).map((r: { name: string }) => r.name)).not.toContain('schema');
  });

  it('exits 1 with the reason when the new revision fails, and says when --atomic rolled it back', async () => {
    const [failed, atomic] = await Promise.all([
      world.cli(['upgrade', 'hooks-a', charts.hooked, '--set', BAD_IMAGE, '--timeout', '30s']),
      world.cli(['upgrade', 'hooks-b', charts.hooked, '--set', BAD_IMAGE, '--timeout', '30s', '--atomic']),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^Error: Upgrade "hooks-a" failed: pre-upgrade hook Job\/hooks-a-migrate failed: /,
    );
    expect(failed.stderr).toContain('— see its revisions with: quayside history hooks-a -n default\n');
    expect(atomic.code).toBe(1);
    expect(atomic.stderr).toContain(
      'rolled back to the last deployed release (revision 3) because --atomic was set',
    );
    const history = await world.cli(['history', 'hooks-b', '-o', 'json']);
    expect(JSON.parse(history.stdout).map((h: { status: string }) => h.status)).toEqual([
      'superseded',
      'failed',
      'deployed',
    ]);
  });

  it('runs test hooks: prints each one and exits 1 when one fails', async () => {
    const [passed, failed, hooks] = await Promise.all([
      world.cli(['test', 'hooks-c']),
      world.cli(['test', 'flaky', '--timeout', '30s']),
      world.cli(['get', 'hooks', 'hooks-c']),
    ]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(
      /TEST SUITE: {5}hooks-c-test\nLast Started: {3}.+\nLast Completed: .+\nPhase: {10}Succeeded\n/,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('NAME: flaky\n');
    expect(failed.stderr).toMatch(/^Error: TEST FAILED: /);
    expect(hooks.stdout).toContain(
      '---\n# Source: hooked/templates/test-pod.yaml\napiVersion: v1\nkind: Pod\n',
    );
  });

  it('refuses a missing kube context, exiting 2', async () => {
    const noContext = await world.cli(['list', '--kubeconfig', `${world.dir}/no-such-kubeconfig`]);
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toContain('pass --cluster CONTEXT and --kubeconfig FILE, or set KUBECONFIG');
  });

  it('prints a stack trace only with --debug', async () => {
    const [plain, debug] = await Promise.all([
      world.cli(['status', 'ghost']),
      world.cli(['status', 'ghost', '--debug']),
    ]);
    expect(plain.stderr.split('\n')).toHaveLength(2);
    expect(debug.stderr).toContain('ReleaseNotFoundError: release "ghost" not found');
    expect(debug.stderr).toMatch(/\n {4}at /);
  });

  it("uses the kube context's namespace when -n is not given", async () => {
    const kubeconfig = kubeconfigWithNamespace(world, 'tools');
    const run = await world.cli(['list', '-o', 'json'], { KUBECONFIG: kubeconfig });
    expect(JSON.parse(run.stdout).map((r: { name: string }) => r.name)).toEqual(['tooled']);
  });

  it('reads a DynamoDB store named by --store', async () => {
    const store = `dynamodb://cli-${process.pid}?endpoint=${encodeURIComponent(inject('dynamoEndpoint'))}&region=us-east-1&create=true`;
    const run = await world.cli(['list', '--store', store, '-o', 'json']);
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});
