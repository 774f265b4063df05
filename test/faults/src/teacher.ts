// A stand-in OpenAI-compatible teacher for `lawgpt data self-instruct|clean`, answering after a delay.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Random CJK text, different for every call (self-instruct drops instructions too similar to earlier ones). */
function phrase(length: number, state: { seed: number }): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    state.seed = (Math.imul(state.seed, 1103515245) + 12345) >>> 0;
    text += String.fromCharCode(0x4e00 + (state.seed % 0x4000));
  }
  return text;
}

/** Start the teacher; `delayMs` per answer. */
export async function startTeacher(
  delayMs: number,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const state = { seed: 7 };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      requests++;
      const { messages } = JSON.parse(body) as { messages: Array<{ role: string; content: string }> };
      let content: string;
      if (messages[0]!.role === 'system') {
        const record = JSON.parse(messages.at(-1)!.content) as Record<string, string>;
        content = JSON.stringify({ ...record, output: `${record.output}（已核对）` });
      } else {
        content = [4, 5, 6]
          .map(
            (n) =>
              `${n}. 指令：请说明${phrase(12, state)}\n${n}. 输入：<无输入>\n${n}. 输出：${phrase(20, state)}`,
          )
          .join('\n###\n');
      }
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
