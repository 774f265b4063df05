// Serve a model over the OpenAI-compatible API and ask it a question with plain fetch.
// Run after `npm run demo` (which writes lawgpt-demo/merged-model with its chat template):
//   node examples/serve-and-ask.mjs [MODEL_DIR]
import { createOpenAIServer, createWorkerEngine } from '@lawgpt/serve';

const modelDir = process.argv[2] ?? 'lawgpt-demo/merged-model';
// the model loads and generates in a worker thread; chats are framed with its recorded chat_template
const engine = await createWorkerEngine({ modelDir, modelId: 'lawgpt-demo' });
if (engine.template.warning) console.warn(`warning: ${engine.template.warning}`);
const server = createOpenAIServer({ engine });
const { url } = await server.listen({ host: '127.0.0.1', port: 0 });

const response = await fetch(`${url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    model: 'lawgpt-demo',
    messages: [{ role: 'user', content: '刑法第二百六十七条是怎么规定的？' }],
    temperature: 0,
    max_tokens: 80,
  }),
});
const body = await response.json();
console.log(body.choices[0].message.content);
console.log(body.usage);
await server.shutdown();
await engine.close();
