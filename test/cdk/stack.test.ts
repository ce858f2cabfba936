import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuaysideStack, type QuaysideStackProps } from '../../cdk/stack.ts';
import { AUTOMATION_SETTINGS } from '../../lib/automation/index.ts';
import { buildFunctionBundles, FUNCTIONS } from '../../lib/bundles/index.ts';
import { QUEUE_SETTINGS } from '../../lib/requests/index.ts';
import { releaseTableDefinition } from '../../lib/store/dynamodb-table.ts';
import { repoRoot } from '../engine/world.ts';

/** A stack whose functions are not bundled (CDK skips bundling for stacks not listed): for settings only. */
function unbundled(props: QuaysideStackProps = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new QuaysideStack(app, 'Test', props);
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const CHATOPS_PROPS: QuaysideStackProps = {
  slackSecret: 'quayside/slack',
  slackChannel: 'C0DEPLOYS',
  webhookSecret: 'quayside/webhook',
  teamsSecret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:quayside/teams-AbCdEf',
};

describe('the CDK stack', () => {
  const { template } = unbundled();
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const functionNamed = (name: 'worker' | 'sweeper') =>
    ofType('AWS::Lambda::Function').find(
      (f) => f.Properties.Description === FUNCTIONS[name].description,
    ) as Resource;

  it('creates the release table with the keys, indexes and TTL the store uses, kept with the stack deleted', () => {
    const definition = releaseTableDefinition('releases');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: definition.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: { ProjectionType: 'ALL' },
      })),
    });
    const [table] = ofType('AWS::DynamoDB::GlobalTable');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect((table?.Properties.Replicas as Record<string, unknown>[] | undefined)?.[0]).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('creates the FIFO request queue (content-based dedup for Scheduler) redriving to a FIFO DLQ after five receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: QUEUE_SETTINGS.queueName,
      FifoQueue: true,
      ContentBasedDeduplication: true,
      VisibilityTimeout: QUEUE_SETTINGS.visibilityTimeoutSeconds,
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: QUEUE_SETTINGS.deadLetterQueueName,
      FifoQueue: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    // A visibility timeout longer than the function timeout, as SQS event sources require.
    expect(QUEUE_SETTINGS.visibilityTimeoutSeconds).toBeGreaterThan(FUNCTIONS.worker.timeoutSeconds);
    // Every queue (requests, their DLQ, the automation's DLQ) refuses anything but TLS.
    const policies = ofType('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('runs the worker on Node 24 and arm64, ESM, traced, JSON logs, behind an SQS event source with partial batch responses', () => {
    const worker = functionNamed('worker');
    expect(worker.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: FUNCTIONS.worker.memoryMb,
      Timeout: 900,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
    });
    expect(Object.keys((worker.Properties.Environment as { Variables: object }).Variables).sort()).toEqual([
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'QUAYSIDE_EVENT_BUS',
      'QUAYSIDE_FUNCTION_TIMEOUT_SECONDS',
      'QUAYSIDE_QUEUE_URL',
      'QUAYSIDE_TABLE',
    ]);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('creates the quayside event bus with an archive of its status events', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'quayside' });
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['quayside'] },
      RetentionDays: 365,
    });
  });

  it('runs the sweeper every two minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    expect(functionNamed('sweeper').Properties).toMatchObject({ Runtime: 'nodejs24.x', Timeout: 60 });
  });

  it('makes the Scheduler group and a role Scheduler alone may assume, sending only to the request queue and the automation DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'quayside' });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'quayside-automation-dlq',
      SqsManagedSseEnabled: true,
    });
    const dlq = ofType('AWS::SQS::Queue').find((q) => q.Properties.QueueName === 'quayside-automation-dlq');
    expect(dlq?.Properties.FifoQueue).toBeUndefined();
    const [roleId, role] = Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('scheduler.amazonaws.com'),
    ) as [string, Resource];
    expect(JSON.stringify(role.Properties.RoleName)).toContain('quayside-scheduler-');
    const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
    expect(trust).toContain('aws:SourceAccount');
    expect(trust).toContain(':schedule/quayside/*');
    const statements = ofType('AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      );
    expect(statements).toEqual([
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^RequestsQueue/), 'Arn'] },
          { 'Fn::GetAtt': [expect.stringMatching(/^AutomationDeadLetters/), 'Arn'] },
        ],
      },
    ]);
  });

  it('hands alarms entering ALARM to the alarm function (dead-lettered when it cannot), and runs the guard every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: Match.anyValue() }),
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    const env = (name: 'alarm' | 'guard') => {
      const fn = ofType('AWS::Lambda::Function').find(
        (f) => f.Properties.Description === FUNCTIONS[name].description,
      ) as Resource;
      return Object.keys((fn.Properties.Environment as { Variables: object }).Variables).sort();
    };
    expect(env('alarm')).toEqual([
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'QUAYSIDE_EVENT_BUS',
      'QUAYSIDE_QUEUE_URL',
      'QUAYSIDE_TABLE',
    ]);
    expect(env('guard')).toEqual(env('alarm'));
  });

  it('alarms on the DLQ, worker errors and throttles, old requests and interrupted releases', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => a.Properties.MetricName);
    expect(alarms.sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'InterruptedReleases',
      'Throttles',
    ]);
  });

  it('grants each function only what it calls: no wildcard action, no index wildcard, no managed policy', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      expect(
        actions.every((a) => !a.endsWith(':*') && a !== '*'),
        JSON.stringify(actions),
      ).toBe(true);
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
      // Only actions without resource-level permissions (X-Ray) may name every resource.
      if (JSON.stringify(statement.Resource) === '"*"') {
        expect(actions.every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
    for (const role of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const workerActions = statements.flatMap((s) => [s.Action].flat());
    for (const action of [
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'events:PutEvents',
      'dynamodb:Query',
    ]) {
      expect(workerActions).toContain(action);
    }
  });

  it('reads the kubeconfig secret it is given, and only that secret', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:quayside/clusters-AbCdEf';
    const { template: withSecret } = unbundled({ kubeconfigSecret: arn });
    withSecret.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUAYSIDE_KUBECONFIG_SECRET: arn }) },
    });
    withSecret.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: arn,
          }),
        ]),
      },
    });
  });

  it('lets the worker describe only the registered EKS clusters, assume only their roles and read only their secrets', () => {
    const direct = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod';
    const partner = 'arn:aws:eks:eu-west-1:444455556666:cluster/partner';
    const role = 'arn:aws:iam::444455556666:role/quayside-deployer';
    const { template: withClusters } = unbundled({
      eksClusters: [{ clusterArn: direct }, { clusterArn: partner, roleArn: role }],
      clusterSecrets: ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:quayside/edge-AbCdEf'],
    });
    type Policy = {
      Properties: {
        Roles: { Ref: string }[];
        PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] };
      };
    };
    const policies = Object.values(withClusters.findResources('AWS::IAM::Policy')) as Policy[];
    // The worker deploys to the clusters, the automation's guard reads its bakes' health there: each
    // with its own role, both granted exactly these, and no other function anything of it.
    const forAction = (action: string) =>
      policies.flatMap((policy) =>
        policy.Properties.PolicyDocument.Statement.filter((st) => [st.Action].flat().includes(action)).map(
          (st) => [policy.Properties.Roles.map((r) => r.Ref.replace(/[0-9A-F]{8}$/, '')).join(), st.Resource],
        ),
      );
    const roles = ['WorkerRole', 'GuardRole'];
    const granted = (resource: unknown) =>
      roles.map((r) => [expect.stringMatching(new RegExp(`^${r}`)), resource]);
    expect(forAction('eks:DescribeCluster')).toEqual(granted(direct));
    expect(forAction('sts:AssumeRole')).toEqual(granted(role));
    expect(forAction('secretsmanager:GetSecretValue')).toEqual(
      granted('arn:aws:secretsmanager:eu-west-1:111122223333:secret:quayside/edge-AbCdEf'),
    );
    // Without the props the worker may touch no cluster's AWS side at all.
    const bare = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown }[] } } }).Properties
          .PolicyDocument.Statement,
    );
    expect(bare.flatMap((st) => [st.Action].flat()).filter((a) => /^(eks|sts):/.test(String(a)))).toEqual([]);
  });

  it('refuses a cluster or role ARN that is not one, naming the prop', () => {
    expect(() => unbundled({ eksClusters: [{ clusterArn: 'prod' }] })).toThrow(
      'eksClusters[0].clusterArn: "prod" is not arn:aws:eks:REGION:ACCOUNT:cluster/NAME',
    );
    expect(() =>
      unbundled({
        eksClusters: [{ clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/x', roleArn: 'deployer' }],
      }),
    ).toThrow('eksClusters[0].roleArn: "deployer" is not arn:aws:iam::ACCOUNT:role/NAME');
  });

  it('passes every AwsSolutions check with registered clusters and secrets', () => {
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'quayside-synth-clusters-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    new QuaysideStack(app, 'Quayside', {
      eksClusters: [
        { clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod' },
        {
          clusterArn: 'arn:aws:eks:eu-west-1:444455556666:cluster/partner',
          roleArn: 'arn:aws:iam::444455556666:role/quayside-deployer',
        },
      ],
      clusterSecrets: ['quayside/edge'],
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('places the functions in a VPC, encrypts with a customer key and notifies a topic when asked', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    // A table encrypted with a customer key needs a stack bound to its account and region.
    const env = { account: '111122223333', region: 'eu-west-1' };
    const holder = new Stack(app, 'Holder', { env });
    const key = new Key(holder, 'Key');
    const topic = new Topic(holder, 'Topic');
    const stack = new QuaysideStack(app, 'Private', {
      env,
      vpc: Vpc.fromVpcAttributes(holder, 'Imported', {
        vpcId: 'vpc-1234',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        privateSubnetIds: ['subnet-1', 'subnet-2'],
      }),
      encryptionKey: key,
      alarmTopic: topic,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-1', 'subnet-2'] },
      KmsKeyArn: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    t.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [Match.anyValue()] });
  });

  it('serves Slack from the chat function behind a Function URL (auth NONE: Slack signs, the code verifies), throttled', () => {
    const { template: chat } = unbundled(CHATOPS_PROPS);
    const fns = chat.toJSON().Resources as Record<string, Resource>;
    const chatFn = Object.values(fns).find(
      (r) => r.Properties.Description === FUNCTIONS.chatops.description,
    ) as Resource;
    expect(chatFn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 5,
      Timeout: 10,
    });
    chat.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    expect(Object.keys(chat.findOutputs('*')).some((name) => name.startsWith('ChatOpsChatUrl'))).toBe(true);
    // The chat function writes only its replay records; the notifier only its threads.
    const policies = JSON.stringify(Object.values(fns).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toContain('"dynamodb:LeadingKeys":["SLACK#REPLAY#*"]');
    expect(policies).toContain('"dynamodb:LeadingKeys":["SLACK#THREAD#*"]');
    chat.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['quayside'] },
      Targets: [
        Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } }),
      ],
    });
    chat.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          QUAYSIDE_SLACK_CHANNEL: 'C0DEPLOYS',
          QUAYSIDE_TEAMS_SECRET: Match.anyValue(),
        }),
      },
    });
    // Secrets are referenced, never created.
    expect(Object.values(fns).filter((r) => r.Type === 'AWS::SecretsManager::Secret')).toEqual([]);
    // Without a Slack secret or a notifier target there is no chat-ops at all.
    expect(ofType('AWS::Lambda::Url')).toEqual([]);
  });

  it('lets the chat function make, list, read and delete schedules of the quayside group, passing the scheduler role to Scheduler alone', () => {
    const { template: chat } = unbundled(CHATOPS_PROPS);
    const fns = chat.toJSON().Resources as Record<string, Resource>;
    const [chatId, chatFn] = Object.entries(fns).find(
      ([, r]) => r.Properties.Description === FUNCTIONS.chatops.description,
    ) as [string, Resource];
    const [schedulerRoleId] = Object.entries(fns).find(
      ([, r]) =>
        r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('scheduler.amazonaws.com'),
    ) as [string, Resource];
    const queueId = Object.keys(fns).find(
      (id) => id.startsWith('RequestsQueue') && fns[id]?.Type === 'AWS::SQS::Queue',
    );
    // Told where schedules go, as the CLI finds it (lib/automation's scheduleTargetFor).
    expect((chatFn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject(
      {
        QUAYSIDE_QUEUE_ARN: { 'Fn::GetAtt': [queueId, 'Arn'] },
        QUAYSIDE_SCHEDULE_GROUP: AUTOMATION_SETTINGS.scheduleGroup,
        QUAYSIDE_SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [schedulerRoleId, 'Arn'] },
        QUAYSIDE_SCHEDULE_DLQ_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^AutomationDeadLetters/), 'Arn'] },
      },
    );
    const roleRef = (chatFn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = Object.values(fns)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleRef))
      .flatMap(
        (p) =>
          (
            p.Properties.PolicyDocument as {
              Statement: { Action: unknown; Resource: unknown; Condition?: unknown }[];
            }
          ).Statement,
      );
    const scheduler = statements.filter((st) => JSON.stringify(st.Action).includes('scheduler:'));
    expect(scheduler).toEqual([
      {
        Action: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:DeleteSchedule'],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':scheduler:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              `:schedule/${AUTOMATION_SETTINGS.scheduleGroup}/*`,
            ],
          ],
        },
      },
      // No resource-level permission exists for ListSchedules; the function lists its group alone.
      { Action: 'scheduler:ListSchedules', Effect: 'Allow', Resource: '*' },
    ]);
    expect(statements.filter((st) => JSON.stringify(st.Action).includes('iam:'))).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [schedulerRoleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    // Nothing else of Scheduler or IAM on any other role of chat-ops (the notifier's).
    const others = Object.values(fns).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && !JSON.stringify(r.Properties.Roles).includes(roleRef),
    );
    expect(JSON.stringify(others.filter((p) => JSON.stringify(p).includes('Notifier')))).not.toMatch(
      /scheduler:|iam:PassRole/,
    );
    expect(chatId).toMatch(/^ChatOpsChat/);
  });

  describe('synthesized with cdk-nag and real bundling', () => {
    let outdir: string;
    let app: App;

    beforeAll(() => {
      outdir = mkdtempSync(join(tmpdir(), 'quayside-synth-'));
      app = new App({ outdir });
      // With chat-ops and every notifier on, so that all four functions are checked and uploaded.
      new QuaysideStack(app, 'Quayside', CHATOPS_PROPS);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      app.synth();
    }, 120_000);

    it('passes every AwsSolutions check, and fails the synth on a finding nobody acknowledged', () => {
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
      expect(report.pluginReports).toEqual([]);
      const bad = new App({
        outdir: mkdtempSync(join(tmpdir(), 'quayside-synth-bad-')),
        context: { 'aws:cdk:bundling-stacks': [] },
      });
      const stack = new QuaysideStack(bad, 'Quayside');
      new Queue(stack, 'Plain');
      Validations.of(bad).addPlugins(new AwsSolutionsChecks(bad));
      expect(() => bad.synth()).toThrow(/AwsSolutions-SQS3|The SQS queue is not used as a dead-letter queue/);
    });

    it('uploads byte for byte the bundles the local stack runs', async () => {
      const assets = JSON.parse(readFileSync(join(outdir, 'Quayside.assets.json'), 'utf8')) as {
        files: Record<string, { source: { path: string; packaging?: string } }>;
      };
      const uploaded = Object.values(assets.files)
        .filter((f) => f.source.packaging === 'zip')
        .map((f) => readFileSync(join(outdir, f.source.path, 'index.mjs')));
      const local = await buildFunctionBundles(repoRoot);
      for (const bundle of local) {
        const bytes = readFileSync(bundle.file);
        expect(
          uploaded.some((u) => u.equals(bytes)),
          `${bundle.name} differs from its CDK asset`,
        ).toBe(true);
      }
      expect(uploaded).toHaveLength(local.length);
    });
  });
});
