const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char,
  );

/** The page's icon (also answered at `/favicon.ico`): a balance on a blue tile. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="14" fill="#1f6feb"/>
<g fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round">
<path d="M32 12v38M20 50h24M14 20h36"/><path d="M14 20l-7 16h14zM50 20l-7 16h14z"/>
</g></svg>`;

/** Options of {@link webUiHtml}. */
export interface WebUiOptions {
  /** The model's name, shown in the title and the answers' label. */
  modelId: string;
  /** The server wants an API key: the page asks for it once and keeps it in the browser's localStorage. */
  requiresKey?: boolean;
}

const STYLE = `*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:#1f2328;background:#f6f8fa}
main{display:flex;flex-direction:column;max-width:920px;height:100%;margin:0 auto;padding:12px;gap:8px}
header{display:flex;align-items:baseline;gap:.6em;flex-wrap:wrap}
h1{font-size:1.25rem;margin:0}
code{font-size:.85rem;background:#eaeef2;padding:1px 5px;border-radius:4px;overflow-wrap:anywhere}
#log{flex:1;min-height:6em;overflow-y:auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
#log:empty::before{content:"向模型提问，Enter 发送，Shift+Enter 换行。";color:#6e7781}
.turn{margin:0 0 12px}
.who{font-size:.8rem;font-weight:600;color:#57606a;margin:0 0 3px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;padding:8px 10px;border-radius:8px;background:#f6f8fa;min-height:2.2em}
.user .text{background:#ddf4ff}
.error .text{background:#ffebe9;color:#82071e}
.note{font-size:.8rem;color:#9a6700;margin-left:.5em}
details{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:6px 10px}
summary{cursor:pointer;font-size:.9rem}
#settings{display:flex;flex-wrap:wrap;gap:8px 14px;margin-top:8px}
#settings label{font-size:.85rem;display:flex;align-items:center;gap:4px}
#settings input[type=number]{width:5.5em}
#settings .wide{flex:1 1 100%}
#settings .wide input{flex:1;min-width:0}
form{display:flex;gap:8px;align-items:flex-end;margin:0}
textarea,input{font:inherit}
#question{flex:1;min-width:0;resize:vertical;min-height:3.4em;max-height:40vh;padding:8px;border:1px solid #d0d7de;border-radius:8px}
button{font:inherit;padding:8px 14px;border-radius:8px;border:1px solid #d0d7de;background:#fff;cursor:pointer}
button.primary{background:#1f883d;border-color:#1a7f37;color:#fff}
button:disabled{opacity:.5;cursor:default}
#key-form{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:8px;align-items:center}
#key-form[hidden]{display:none}
#key-form input{flex:1;min-width:0;padding:6px}
@media (max-width:560px){#composer{flex-wrap:wrap}#question{flex-basis:100%}#composer button{flex:1}}`;

const SCRIPT = `const $ = (id) => document.getElementById(id);
const KEY = 'lawgpt-api-key';
const messages = [];
let controller = null;
let keyWaiter = null;
const log = $('log');
const input = $('question');
function settings() {
  const body = {};
  for (const field of document.querySelectorAll('#settings input[type=number]')) {
    if (field.value !== '') body[field.id] = Number(field.value);
  }
  return body;
}
function addTurn(role, text, label) {
  const turn = document.createElement('div');
  turn.className = 'turn ' + role;
  turn.dataset.role = role;
  const who = document.createElement('div');
  who.className = 'who';
  who.textContent = label;
  const body = document.createElement('div');
  body.className = 'text';
  body.textContent = text;
  turn.append(who, body);
  log.appendChild(turn);
  log.scrollTop = log.scrollHeight;
  return turn;
}
function askKey(message) {
  $('key-message').textContent = message;
  $('key-form').hidden = false;
  $('key').focus();
  return new Promise((resolve) => { keyWaiter = resolve; });
}
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem(KEY, $('key').value.trim());
  $('key').value = '';
  $('key-form').hidden = true;
  if (keyWaiter) keyWaiter();
  keyWaiter = null;
  input.focus();
});
function post(body) {
  const headers = { 'content-type': 'application/json' };
  const key = localStorage.getItem(KEY);
  if (key) headers.authorization = 'Bearer ' + key;
  return fetch('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
}
function busy(on) {
  $('send').disabled = on;
  $('stop').disabled = !on;
}
async function send() {
  const question = input.value;
  if (question.trim() === '' || controller) return;
  input.value = '';
  const system = $('system').value.trim();
  messages.push({ role: 'user', content: question });
  addTurn('user', question, '你 You');
  const turn = addTurn('assistant', '', '助手 · ' + document.body.dataset.model);
  const out = turn.querySelector('.text');
  controller = new AbortController();
  busy(true);
  if (document.body.dataset.requiresKey === 'true' && !localStorage.getItem(KEY)) {
    const stopped = new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
    await Promise.race([askKey('此服务器需要 API 密钥 (API key)：'), stopped]);
  }
  const body = { messages: system ? [{ role: 'system', content: system }, ...messages] : messages.slice(), stream: true, ...settings() };
  let answer = '';
  try {
    let response = await post(body);
    if (response.status === 401) {
      await askKey('API 密钥无效或缺失 (API key rejected)，请重新输入：');
      response = await post(body);
    }
    if (!response.ok) {
      const error = await response.json().catch(() => ({}));
      throw new Error((error.error && error.error.message) || response.status + ' ' + response.statusText);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const events = buffer.split('\\n\\n');
      buffer = events.pop();
      for (const event of events) {
        const data = event.replace(/^data: /, '');
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error(chunk.error.message);
        const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
        if (delta && delta.content) {
          answer += delta.content;
          out.textContent = answer;
          log.scrollTop = log.scrollHeight;
        }
      }
    }
  } catch (error) {
    const note = document.createElement('span');
    note.className = 'note';
    if (error.name === 'AbortError') note.textContent = '（已停止 stopped）';
    else {
      turn.classList.add('error');
      note.textContent = error.message;
    }
    turn.querySelector('.who').appendChild(note);
  } finally {
    if (answer) messages.push({ role: 'assistant', content: answer });
    else messages.pop();
    controller = null;
    busy(false);
  }
}
$('composer').addEventListener('submit', (event) => { event.preventDefault(); send(); });
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    send();
  }
});
$('stop').addEventListener('click', () => { if (controller) controller.abort(); });
input.focus();`;

/**
 * A self-contained chat page (no external assets): labelled turns that stream in, Enter to send and
 * Shift+Enter for a new line, Stop, and sampling settings sent with every message.
 */
export function webUiHtml({ modelId, requiresKey = false }: WebUiOptions): string {
  const model = escapeHtml(modelId);
  const number = (id: string, value: string, attributes: string) =>
    `<label>${id} <input type="number" id="${id}" value="${value}" ${attributes}></label>`;
  return `<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LawGPT.js — ${model}</title><link rel="icon" type="image/svg+xml" href="/favicon.svg">
<style>${STYLE}</style></head>
<body data-model="${model}" data-requires-key="${requiresKey}"><main>
<header><h1>LawGPT.js</h1><span>模型 Model: <code>${model}</code></span></header>
<form id="key-form" hidden><span id="key-message"></span> <input id="key" type="password" autocomplete="off" placeholder="API key"> <button type="submit">保存 Save</button></form>
<div id="log" aria-live="polite"></div>
<details><summary>设置 Settings</summary><div id="settings">
${number('temperature', '0.1', 'step="0.05" min="0" max="2"')}
${number('top_p', '0.75', 'step="0.05" min="0" max="1"')}
${number('top_k', '40', 'step="1" min="0"')}
${number('repetition_penalty', '1', 'step="0.05" min="0.01"')}
${number('num_beams', '1', 'step="1" min="1" max="16"')}
${number('max_tokens', '256', 'step="16" min="1"')}
<label>seed <input type="number" id="seed" placeholder="random"></label>
<label class="wide">system <input type="text" id="system" placeholder="系统提示 (optional system prompt)"></label>
</div></details>
<form id="composer"><textarea id="question" rows="2" placeholder="请输入法律问题，例如：盗窃罪的构成要件是什么？ (Enter 发送, Shift+Enter 换行)"></textarea>
<button id="send" class="primary" type="submit">发送 Send</button><button id="stop" type="button" disabled>停止 Stop</button></form>
</main><script>${SCRIPT}</script></body></html>`;
}
