import { MemoryDriver } from '../../lib/store/index.ts';
import { releaseStoreContract } from './release-store.contract.ts';

releaseStoreContract('the memory driver', async () => new MemoryDriver());
