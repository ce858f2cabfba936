/** Loopback stand-ins for AWS STS and EKS in their real wire formats, for the local stack and tests. */
export { type EksStub, type StubCluster, startEksStub } from './eks.ts';
export { canonicalArn, type KnownCredentials, type KnownRole, LocalIam } from './iam.ts';
export { PRESIGNED_LIFETIME_MS, verifyPresignedRequest, verifySignedRequest } from './sigv4.ts';
export { type StsCall, type StsStub, startStsStub } from './sts.ts';
