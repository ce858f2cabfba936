import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { QuaysideStack } from './stack.ts';

// `npm run synth` writes the CloudFormation template to cdk.out/ with no AWS account or network:
// the functions are bundled by the local esbuild. Settings come from CDK context (`-c key=value`
// or cdk.json): kubeconfigSecret, workerMaxConcurrency, eksClusters (JSON: [{"clusterArn", "roleArn"?}]),
// clusterSecrets (JSON array, or names separated by commas).
const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;
new QuaysideStack(app, 'Quayside', {
  description: 'quayside: Helm releases as a serverless service',
  ...(context('kubeconfigSecret') === undefined ? {} : { kubeconfigSecret: context('kubeconfigSecret') }),
  ...(context('workerMaxConcurrency') === undefined
    ? {}
    : { workerMaxConcurrency: Number(context('workerMaxConcurrency')) }),
  ...(context('eksClusters') === undefined ? {} : { eksClusters: listContext('eksClusters') }),
  ...(context('clusterSecrets') === undefined ? {} : { clusterSecrets: listContext('clusterSecrets') }),
  // Chat-ops (docs/chatops.md): -c slackSecret=quayside/slack -c slackChannel=C0123ABC, …
  ...Object.fromEntries(
    (
      [
        'slackSecret',
        'slackChannel',
        'slackTeamId',
        'chatDefaultCluster',
        'webhookSecret',
        'teamsSecret',
      ] as const
    )
      .filter((key) => context(key) !== undefined)
      .map((key) => [key, context(key)]),
  ),
  ...(context('chatReservedConcurrency') === undefined
    ? {}
    : { chatReservedConcurrency: Number(context('chatReservedConcurrency')) }),
});
/** A list from context: an array in cdk.json, or JSON or comma-separated text from `-c`. */
function listContext<T>(key: string): T[] {
  const value = app.node.tryGetContext(key) as unknown;
  if (Array.isArray(value)) return value as T[];
  const text = String(value).trim();
  return (text.startsWith('[') ? JSON.parse(text) : text.split(',').map((item) => item.trim())) as T[];
}
// Every AwsSolutions rule runs at synth; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
