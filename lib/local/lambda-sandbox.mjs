// One Lambda execution environment of the local stack: a Node process that loads a function's
// bundle once (its cold start) and runs one invocation at a time, as Lambda's Node.js runtime does.
// Plain JavaScript, so that it starts with nothing but node. Driven over IPC by lambda-runtime.ts.
import { pathToFileURL } from 'node:url';

const [bundle, exportName = 'handler'] = process.argv.slice(2);
let loading;

function load() {
  loading ??= (async () => {
    const started = performance.now();
    const module = await import(pathToFileURL(bundle).href);
    const handler = module[exportName];
    if (typeof handler !== 'function') throw new Error(`the bundle exports no function "${exportName}"`);
    // Init is over: from here a crash is a crash of the invocation, not of the environment's start.
    process.send({ type: 'initialized' });
    return { handler, initMs: performance.now() - started };
  })();
  return loading;
}

function context(message) {
  const { functionName, memoryMb, requestId, deadline, region, account } = message;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function describe(error) {
  return {
    errorType: error?.name ?? typeof error,
    errorMessage: error?.message ?? String(error),
  };
}

process.on('message', async (message) => {
  if (message?.type !== 'invoke') return;
  let init;
  try {
    init = await load();
  } catch (error) {
    process.send({ type: 'result', id: message.id, ok: false, phase: 'init', error: describe(error) });
    return;
  }
  const initMs = init.initMs;
  init.initMs = undefined;
  try {
    const result = await init.handler(message.event, context(message));
    process.send({ type: 'result', id: message.id, ok: true, result: result ?? null, initMs });
  } catch (error) {
    process.send({
      type: 'result',
      id: message.id,
      ok: false,
      phase: 'invoke',
      error: describe(error),
      initMs,
    });
  }
});

// An error nothing caught ends the environment, as it does in Lambda.
process.on('unhandledRejection', (error) => {
  console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled rejection', error: describe(error) }));
  process.exit(1);
});

process.send({ type: 'ready' });
