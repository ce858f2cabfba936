import { describe, expect, it } from 'vitest';
import { RequestGate } from '../../lib/kube/gate.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Enters `count` requests at once; `through()` says how many have been let in so far. */
async function admitted(gate: RequestGate, count: number): Promise<{ through: () => number }> {
  let through = 0;
  for (let i = 0; i < count; i++) {
    void gate.enter().then(() => {
      through++;
    });
  }
  await settle();
  return { through: () => through };
}

describe('bounding the requests a connection has in flight', () => {
  it('lets the maximum through at once and the next one in as soon as one finishes', async () => {
    const gate = new RequestGate(4);
    const first = await admitted(gate, 6);
    expect(first.through()).toBe(4);
    gate.leave('done');
    await settle();
    expect(first.through()).toBe(5);
  });

  it('halves the bound on every 429, never below one, and wins it back slowly as requests succeed', async () => {
    const gate = new RequestGate(16);
    await admitted(gate, 5);
    for (let i = 0; i < 5; i++) gate.leave('throttled');
    expect(gate.allowed).toBe(1);
    const allowed: number[] = [];
    for (let i = 0; i < 40; i++) {
      await gate.enter();
      gate.leave('done');
      allowed.push(gate.allowed);
    }
    // Additive increase: one more in flight after about as many successes as are allowed now.
    expect(allowed.slice(0, 6)).toEqual([2, 2, 2, 3, 3, 3]);
    expect(allowed.at(-1)).toBeLessThanOrEqual(16);
    expect(allowed.at(-1)).toBeGreaterThan(6);
  });
});
