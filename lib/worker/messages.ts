/** Texts a request's sender sees from the worker's own checks. */
export const EXECUTE_MESSAGES = {
  noLocalCharts:
    'this worker does not read charts from its own disk; send the chart inline, from a repository or from an OCI registry',
  outsideRoots: (roots: readonly string[]) =>
    `is outside the folders this worker reads charts from (${roots.join(', ')}); send the chart inline, or start the local stack with --chart-root naming its folder`,
} as const;
