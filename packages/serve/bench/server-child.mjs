// The server under test, in its own process so that its memory is measured alone: prints {"url"} when ready.
import { createOpenAIServer, createWorkerEngine } from '@lawgpt/serve';

const [modelDir, maxQueue = '64'] = process.argv.slice(2);
const engine = await createWorkerEngine({ modelDir, modelId: 'bench' });
const server = createOpenAIServer({ engine, maxQueue: Number(maxQueue) });
const { url } = await server.listen({ port: 0 });
console.log(JSON.stringify({ url, backend: engine.backend, template: engine.template.source }));
process.once('SIGTERM', async () => {
  await server.shutdown({ graceMs: 0 });
  await engine.close();
});
