import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESBUILD_SETTINGS, FUNCTIONS, type FunctionName } from '../lib/bundles/index.ts';

/** The project's root: function entries and the lock file are found from here, whatever the working folder. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface QuaysideFunctionProps {
  readonly name: FunctionName;
  readonly environment: Record<string, string>;
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  readonly encryptionKey?: IKey;
  readonly logRetention: RetentionDays;
}

/**
 * One of quayside's functions: bundled by the local esbuild (never Docker) with the settings the
 * local stack builds with (lib/bundles), ESM on Node 24 and arm64, the chart engine's .wasm beside
 * the bundle; a role of its own that may write only to its own log group (no managed policy),
 * to which each part grants what it needs; JSON logs; X-Ray tracing.
 */
export class QuaysideFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: QuaysideFunctionProps) {
    super(scope, id);
    const settings = FUNCTIONS[props.name];
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.encryptionKey === undefined ? {} : { encryptionKey: props.encryptionKey }),
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${settings.description} (its own log group only; each part grants the rest)`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.vpc !== undefined) {
      // The network interfaces Lambda manages in the VPC (what AWSLambdaVPCAccessExecutionRole grants).
      this.role.addToPolicy(
        new PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }
    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, settings.entry),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: settings.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: `quayside-${props.name}`,
        POWERTOOLS_METRICS_NAMESPACE: 'quayside',
        ...props.environment,
      },
      ...(props.vpc === undefined
        ? {}
        : { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }),
      ...(props.encryptionKey === undefined ? {} : { environmentEncryption: props.encryptionKey }),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_SETTINGS.target,
        minify: ESBUILD_SETTINGS.minify,
        keepNames: ESBUILD_SETTINGS.keepNames,
        mainFields: [...ESBUILD_SETTINGS.mainFields],
        banner: ESBUILD_SETTINGS.banner,
        // Replaces the default (the runtime's @aws-sdk/*): the SDK is bundled, at the version tested.
        externalModules: [...ESBUILD_SETTINGS.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            settings.assets.map((asset) => `cp "${inputDir}/${asset}" "${outputDir}/"`),
        },
      },
    });
  }
}
