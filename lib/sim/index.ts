/** A Kubernetes API simulator that kubectl and @kubernetes/client-node work against. See docs/sim.md. */
export { SimError, SimStateSaveError, SimUsageError, StatusError } from './errors.ts';
export { stateSavedAgain } from './messages.ts';
export { createServerCredentials, type ServerCredentials } from './server/tls.ts';
export { startSimulator } from './simulator.ts';
export type { EksModeOptions, FaultSpec, RequestLogEntry, Simulator, SimulatorOptions } from './types.ts';
