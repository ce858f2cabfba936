/**
 * Runs a fixed kubectl sequence against the simulator and compares each outcome with what a real
 * kube-apiserver answers (derivation of every expectation: docs/sim.md, "kubectl comparison").
 * kubectl is a by-hand tool here, never a dependency: the comparison runs when `which kubectl`
 * finds one, and then any difference fails loudly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';

function findKubectl(): string | undefined {
  const found = spawnSync('which', ['kubectl'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const kubectl = findKubectl();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const deployment = (options: { replicas?: number; env?: string[]; app?: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: cmp
spec:
${options.replicas === undefined ? '' : `  replicas: ${options.replicas}\n`}  selector:
    matchLabels: {app: ${options.app ?? 'web'}}
  template:
    metadata:
      labels: {app: ${options.app ?? 'web'}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env: [${(options.env ?? []).map((name) => `{name: ${name}, value: "1"}`).join(', ')}]
`;

/** A manager that applies nothing but the replica count. */
const replicasOnly = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: cmp}
spec: {replicas: ${replicas}}
`;

const service = (type: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: cmp
spec:
  type: ${type}
  selector: {app: web}
  ports: [{port: 80}]
`;

if (kubectl) {
  describe('kubectl against the simulator gives the outcomes of a real kube-apiserver', () => {
    let sim: Simulator;
    let dir: string;
    let kubeconfig: string;
    let step = 0;

    const run = async (args: string[], manifest?: string): Promise<Outcome> => {
      step += 1;
      const extra: string[] = [];
      if (manifest !== undefined) {
        const file = join(dir, `step-${step}.yaml`);
        await writeFile(file, manifest);
        extra.push('-f', file);
      }
      return runKubectl([...args, ...extra]);
    };

    // kubectl runs asynchronously: the simulator answers it from this very process.
    const runKubectl = (args: string[], input?: string): Promise<Outcome> =>
      new Promise((resolve, reject) => {
        const child = spawn(kubectl, args, { env: { ...process.env, KUBECONFIG: kubeconfig } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
        });
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('error', reject);
        child.on('close', (code) =>
          resolve({ code: code ?? -1, stdout: stdout.trim(), stderr: stderr.trim() }),
        );
        child.stdin.end(input ?? '');
      });

    beforeAll(async () => {
      sim = await startSimulator({ rolloutStepMs: 20 });
      dir = await mkdtemp(join(tmpdir(), 'quayside-kubectl-'));
      kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, sim.kubeconfig);
      const created = await runKubectl(
        ['apply', '--server-side', '-f', '-'],
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: cmp}\n',
      );
      expect(created).toMatchObject({ code: 0, stdout: 'namespace/cmp serverside-applied' });
    });
    afterAll(async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('1. creates with apply --server-side, owned by the "kubectl" manager', async () => {
      expect(
        await run(['apply', '--server-side'], deployment({ replicas: 2, env: ['A', 'B'] })),
      ).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied' });
      const got = JSON.parse(
        (await run(['get', 'deployment', 'web', '-n', 'cmp', '-o', 'json', '--show-managed-fields'])).stdout,
      );
      expect(got.metadata.managedFields[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply' });
    });

    it('2. refuses another manager changing an owned field with a conflict', async () => {
      const outcome = await run(['apply', '--server-side', '--field-manager=other'], replicasOnly(3));
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(
        'error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas',
      );
    });

    it('3. takes the field with --force-conflicts', async () => {
      expect(
        (await run(['apply', '--server-side', '--field-manager=other', '--force-conflicts'], replicasOnly(3)))
          .code,
      ).toBe(0);
      expect(
        (await run(['get', 'deployment', 'web', '-n', 'cmp', '-o', 'jsonpath={.spec.replicas}'])).stdout,
      ).toBe('3');
    });

    it('4. removes the field a manager stops applying', async () => {
      expect((await run(['apply', '--server-side'], deployment({ env: ['A'] }))).code).toBe(0);
      expect(
        (
          await run([
            'get',
            'deployment',
            'web',
            '-n',
            'cmp',
            '-o',
            'jsonpath={.spec.template.spec.containers[0].env[*].name}',
          ])
        ).stdout,
      ).toBe('A');
      expect(
        (await run(['get', 'deployment', 'web', '-n', 'cmp', '-o', 'jsonpath={.spec.replicas}'])).stdout,
      ).toBe('3');
    });

    it('5. changes nothing with --dry-run=server', async () => {
      expect(
        await run(['apply', '--server-side', '--dry-run=server'], deployment({ env: ['A', 'C'] })),
      ).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied (server dry run)' });
      expect(
        (
          await run([
            'get',
            'deployment',
            'web',
            '-n',
            'cmp',
            '-o',
            'jsonpath={.spec.template.spec.containers[0].env[*].name}',
          ])
        ).stdout,
      ).toBe('A');
    });

    it('6. refuses an immutable selector change', async () => {
      const outcome = await run(['apply', '--server-side'], deployment({ env: ['A'], app: 'web2' }));
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toBe(
        'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      );
    });

    it('7. refuses an invalid name and a wrongly typed field', async () => {
      const name = await run(
        ['apply', '--server-side'],
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: cmp}\n',
      );
      expect(name.code).toBe(1);
      expect(name.stderr).toMatch(
        /^The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
      );
      const typed = await run(
        ['apply', '--server-side'],
        deployment({ env: ['A'] }).replace('spec:\n  selector', 'spec:\n  replicas: three\n  selector'),
      );
      expect(typed.code).toBe(1);
      expect(typed.stderr).toContain('.spec.replicas: expected numeric (int or float), got string');
      const undeclared = await run(
        ['apply', '--server-side'],
        deployment({ env: ['A'] }).replace('spec:\n  selector', 'spec:\n  replica: 3\n  selector'),
      );
      expect(undeclared.code).toBe(1);
      expect(undeclared.stderr).toBe(
        'Error from server: failed to create typed patch object (cmp/web; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema',
      );
    });

    it('8. turns a NodePort Service into ClusterIP and drops its node port', async () => {
      expect((await run(['apply', '--server-side'], service('NodePort'))).code).toBe(0);
      expect(
        Number(
          (await run(['get', 'service', 'web', '-n', 'cmp', '-o', 'jsonpath={.spec.ports[0].nodePort}']))
            .stdout,
        ),
      ).toBeGreaterThanOrEqual(30000);
      expect(await run(['apply', '--server-side'], service('ClusterIP'))).toMatchObject({
        code: 0,
        stdout: 'service/web serverside-applied',
      });
      expect(
        (
          await run([
            'get',
            'service',
            'web',
            '-n',
            'cmp',
            '-o',
            'jsonpath={.spec.type}/{.spec.ports[0].nodePort}',
          ])
        ).stdout,
      ).toBe('ClusterIP/');
    });

    it('9. reports rollout status and lists pods by label', async () => {
      expect(await run(['rollout', 'status', 'deployment/web', '-n', 'cmp', '--timeout=30s'])).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('deployment "web" successfully rolled out'),
      });
      const pods = await run(['get', 'pods', '-n', 'cmp', '-l', 'app=web', '-o', 'name']);
      expect(pods.stdout.split('\n')).toHaveLength(3);
    });

    it('10. deletes, then answers NotFound', async () => {
      expect(await run(['delete', 'deployment', 'web', '-n', 'cmp'])).toMatchObject({
        code: 0,
        stdout: 'deployment.apps "web" deleted',
      });
      expect(await run(['get', 'deployment', 'web', '-n', 'cmp'])).toMatchObject({
        code: 1,
        stderr: 'Error from server (NotFound): deployments.apps "web" not found',
      });
    });

    it('12. conflicts with client-side apply ownership, then migrates it after a successful apply', async () => {
      const csa = deployment({ replicas: 2, env: ['A'] }).replace('name: web\n', 'name: csa\n');
      expect(await run(['apply'], csa)).toMatchObject({ code: 0, stdout: 'deployment.apps/csa created' });
      const conflict = await run(['apply', '--server-side'], csa.replace('replicas: 2', 'replicas: 4'));
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toContain(
        'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      );
      expect((await run(['apply', '--server-side'], csa)).code).toBe(0);
      const got = JSON.parse(
        (await run(['get', 'deployment', 'csa', '-n', 'cmp', '-o', 'json', '--show-managed-fields'])).stdout,
      );
      const managers = got.metadata.managedFields.map(
        (e: { manager: string; operation: string }) => `${e.manager}/${e.operation}`,
      );
      expect(managers).toContain('kubectl/Apply');
      expect(managers).not.toContain('kubectl-client-side-apply/Update');
      expect((await run(['apply', '--server-side'], csa.replace('replicas: 2', 'replicas: 4'))).code).toBe(0);
    });

    it('11. refuses objects in a missing namespace', async () => {
      const outcome = await run(
        ['apply', '--server-side', '-n', 'nope'],
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      );
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toBe('Error from server (NotFound): namespaces "nope" not found');
    });
  });
} else {
  describe('kubectl comparison', () => {
    it('does not run because `which kubectl` finds no kubectl on this machine', () => {
      expect(findKubectl()).toBeUndefined();
    });
  });
}
