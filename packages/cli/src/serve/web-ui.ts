const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char,
  );

/**
 * A self-contained chat page (no external assets). Every sampling control is sent with each request —
 * LaWGPT's web UI showed such controls but ignored them.
 */
export function webUiHtml(modelId: string): string {
  return `<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>LawGPT.js — ${escapeHtml(modelId)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:920px;margin:2em auto;padding:0 1em;color:#222}
#log{border:1px solid #ccc;border-radius:6px;padding:1em;min-height:14em;white-space:pre-wrap}
.user{color:#0a4a8a;margin-top:.6em}.assistant{margin-top:.3em}
fieldset{display:flex;flex-wrap:wrap;gap:.8em;border:1px solid #ddd;border-radius:6px}
label{font-size:.9em}input[type=number]{width:5.5em}textarea{width:100%;height:5em;margin-top:.6em}
</style></head><body>
<h1>LawGPT.js</h1><p>Model: <code>${escapeHtml(modelId)}</code></p>
<fieldset id="settings"><legend>Sampling</legend>
<label>temperature <input type="number" id="temperature" value="0.7" step="0.05" min="0" max="2"></label>
<label>top_p <input type="number" id="top_p" value="0.9" step="0.05" min="0" max="1"></label>
<label>top_k <input type="number" id="top_k" value="40" step="1" min="0"></label>
<label>repetition_penalty <input type="number" id="repetition_penalty" value="1.1" step="0.05" min="0.01"></label>
<label>num_beams <input type="number" id="num_beams" value="1" step="1" min="1" max="16"></label>
<label>max_tokens <input type="number" id="max_tokens" value="256" step="16" min="1"></label>
<label>seed <input type="number" id="seed" placeholder="random"></label>
</fieldset>
<div id="log"></div>
<textarea id="question" placeholder="请输入法律问题，例如：盗窃罪的构成要件是什么？"></textarea>
<button id="send">发送 Send</button> <button id="stop" disabled>停止 Stop</button>
<script>
const messages = [];
const log = document.getElementById('log');
let controller = null;
function settings() {
  const body = {};
  for (const input of document.querySelectorAll('#settings input')) {
    if (input.value === '') continue;
    body[input.id] = Number(input.value);
  }
  return body;
}
function line(role, text) {
  const div = document.createElement('div');
  div.className = role; div.textContent = (role === 'user' ? '你：' : '') + text;
  log.appendChild(div); return div;
}
async function send() {
  const question = document.getElementById('question').value.trim();
  if (!question) return;
  messages.push({ role: 'user', content: question });
  line('user', question);
  const out = line('assistant', '');
  controller = new AbortController();
  document.getElementById('stop').disabled = false;
  let answer = '';
  try {
    const response = await fetch('/v1/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: controller.signal,
      body: JSON.stringify({ messages, stream: true, ...settings() }),
    });
    if (!response.ok) { out.textContent = (await response.json()).error.message; return; }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const events = buffer.split('\\n\\n'); buffer = events.pop();
      for (const event of events) {
        const data = event.replace(/^data: /, '');
        if (data === '[DONE]') continue;
        const delta = JSON.parse(data).choices?.[0]?.delta?.content;
        if (delta) { answer += delta; out.textContent = answer; }
      }
    }
  } catch (error) { if (error.name !== 'AbortError') out.textContent += ' [' + error.message + ']'; }
  messages.push({ role: 'assistant', content: answer });
  document.getElementById('stop').disabled = true;
}
document.getElementById('send').onclick = send;
document.getElementById('stop').onclick = () => controller && controller.abort();
</script></body></html>`;
}
