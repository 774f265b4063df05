// Serve a model over the OpenAI-compatible API and ask it a question with plain fetch.
// Run after `npm run demo` (which writes lawgpt-demo/merged-model):
//   node examples/serve-and-ask.mjs [MODEL_DIR]
import { createLlamaEngine, createOpenAIServer, loadRuntime } from '@lawgpt/cli';

const modelDir = process.argv[2] ?? 'lawgpt-demo/merged-model';
const runtime = await loadRuntime({ modelDir });
const server = createOpenAIServer({ engine: createLlamaEngine({ ...runtime, modelId: 'lawgpt-demo' }) });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/v1`;

const response = await fetch(`${base}/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    model: 'lawgpt-demo',
    messages: [{ role: 'user', content: '《刑法》第二百六十四条规定了什么？' }],
    temperature: 0,
    max_tokens: 80,
  }),
});
const body = await response.json();
console.log(body.choices[0].message.content);
console.log(body.usage);
server.close();
runtime.model.dispose();
