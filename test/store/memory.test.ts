import { MemoryDriver } from '../../lib/store/index.ts';
import { automationRecordsContract } from './automation.contract.ts';
import { releaseStoreContract } from './release-store.contract.ts';

releaseStoreContract('the memory driver', async () => new MemoryDriver());
automationRecordsContract('the memory driver', async () => new MemoryDriver());
