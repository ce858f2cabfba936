import { App } from 'aws-cdk-lib';
import { QuaysideStack } from './stack.ts';

// `npm run synth` writes the CloudFormation template to cdk.out/ with no AWS account or network.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
new QuaysideStack(app, 'Quayside');
app.synth();
