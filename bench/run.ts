/**
 * `npm run bench`: every benchmark case, one after another, each printing its
 * own table. `npm run bench -- store` runs only the named cases.
 */
import { benchStore } from './store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const cases: Record<string, () => Promise<void>> = {
  store: benchStore,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(cases)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
