import type { EngineClock } from '../../lib/engine/index.ts';
import type { ConnectionProvider, KubeConnection } from '../../lib/kube/index.ts';
import type { Item, Key, QueryInput, QueryPage, StoreDriver, WriteOp } from '../../lib/store/index.ts';
import { SimulatedCrash } from '../fixtures/store.ts';

/**
 * One process's ports (store driver and cluster connections) that die at the
 * Nth call, before the call or after it took effect; once dead, every later
 * call dies too, as nothing runs in a killed process.
 */
export class CrashPlan {
  calls = 0;
  dead = false;

  constructor(
    private readonly crashAt: number,
    private readonly when: 'before' | 'after',
  ) {}

  async step<T>(run: () => Promise<T>): Promise<T> {
    if (this.dead) throw new SimulatedCrash('the process is gone');
    this.calls++;
    if (this.calls === this.crashAt && this.when === 'before') this.die();
    const result = await run();
    if (this.calls === this.crashAt && this.when === 'after') this.die();
    return result;
  }

  private die(): never {
    this.dead = true;
    throw new SimulatedCrash(`killed ${this.when} port call ${this.calls}`);
  }

  driver(inner: StoreDriver): StoreDriver {
    return {
      get: (key: Key, options?: { consistent?: boolean }): Promise<Item | undefined> =>
        this.step(() => inner.get(key, options)),
      query: (input: QueryInput): Promise<QueryPage> => this.step(() => inner.query(input)),
      transact: (ops: readonly WriteOp[]): Promise<void> => this.step(() => inner.transact(ops)),
    };
  }

  connections(inner: ConnectionProvider): ConnectionProvider {
    return {
      connect: async (cluster: string): Promise<KubeConnection> => {
        const connection = await inner.connect(cluster);
        return {
          cluster: connection.cluster,
          discoveryCache: new Map(),
          send: (request) => this.step(() => connection.send(request)),
          discover: (apiVersion) => this.step(() => connection.discover(apiVersion)),
          close: () => {},
        };
      },
    };
  }
}

/** Real time plus a jump forward, so a test can let leases expire without waiting. */
export class JumpClock implements EngineClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

/**
 * A process killed once `limit` cluster requests matching `counts` have taken effect (for
 * example: after the 15th object was applied). Store and cluster calls after that die too.
 */
export class KillAfterRequests {
  seen = 0;
  dead = false;

  constructor(
    private readonly limit: number,
    private readonly counts: (request: { method: string; path: string }) => boolean,
  ) {}

  private check(): void {
    if (this.dead) throw new SimulatedCrash('the process is gone');
  }

  driver(inner: StoreDriver): StoreDriver {
    const guarded =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        this.check();
        return call(...args);
      };
    return {
      get: guarded((key: Key, options?: { consistent?: boolean }) => inner.get(key, options)),
      query: guarded((input: QueryInput) => inner.query(input)),
      transact: guarded((ops: readonly WriteOp[]) => inner.transact(ops)),
    };
  }

  connections(inner: ConnectionProvider): ConnectionProvider {
    return {
      connect: async (cluster: string): Promise<KubeConnection> => {
        const connection = await inner.connect(cluster);
        return {
          cluster: connection.cluster,
          discoveryCache: new Map(),
          send: async (request) => {
            this.check();
            const response = await connection.send(request);
            if (this.counts(request) && ++this.seen >= this.limit) {
              this.dead = true;
              throw new SimulatedCrash(`killed after ${this.seen} matching requests`);
            }
            return response;
          },
          discover: async (apiVersion) => {
            this.check();
            return connection.discover(apiVersion);
          },
          close: () => {},
        };
      },
    };
  }
}
