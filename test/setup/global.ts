/**
 * Global test setup: starts shared local services once for the whole run and
 * hands their addresses to the test files through `provide`.
 */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
