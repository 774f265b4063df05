// The chat page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): assertions
// read the DOM; screenshots are written to the temp folder and named in the log (LAWGPT_KEEP_TEST_TMP=1 keeps them).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithCommands } from '@lawgpt/test-helpers';
import { launchChromium } from '@lawgpt/test-helpers/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ANSWER, type FakeEngine, fakeEngine } from './fake-engine.test-helpers.js';
import { createOpenAIServer, type OpenAIServer, type OpenAIServerOptions } from './openai-server.js';

const screenshot = async (page: Page, name: string) => {
  const path = join(tmpdir(), `lawgpt-chat-${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
};

describeWithCommands('chat page in headless Chromium', [{ command: 'chromium', package: 'chromium' }], () => {
  let browser: Browser;
  let server: OpenAIServer | undefined;
  let engine: FakeEngine;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await server?.shutdown({ graceMs: 0 });
    server = undefined;
  });

  async function open(width: number, options: Partial<OpenAIServerOptions> & { delayMs?: number } = {}) {
    engine = fakeEngine({ delayMs: options.delayMs ?? 25, contextLength: 4096 });
    server = createOpenAIServer({ engine, ...options });
    const { port } = await server.listen();
    const context = await browser.newContext({ viewport: { width, height: 720 } });
    const page = await context.newPage();
    await page.goto(`http://localhost:${port}/`);
    return page;
  }

  const turns = (page: Page) =>
    page.locator('.turn').evaluateAll((nodes) =>
      nodes.map((node) => ({
        role: node.getAttribute('data-role'),
        who: node.querySelector('.who')?.textContent,
        text: node.querySelector('.text')?.textContent,
      })),
    );

  it('Enter sends and clears the input, Shift+Enter adds a line, turns are labelled, tokens stream in', async () => {
    const page = await open(1280);
    const input = page.locator('#question');
    await input.click();
    await page.keyboard.type('甲偷了钱包，');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('构成什么罪？');
    expect(await input.inputValue()).toBe('甲偷了钱包，\n构成什么罪？');
    expect(engine.requests).toHaveLength(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('');
    // part of the answer is on the page while the rest is still being generated
    await expect.poll(async () => (await turns(page))[1]?.text?.length ?? 0).toBeGreaterThan(2);
    const partial = (await turns(page))[1]!.text!;
    expect(partial.length).toBeLessThan(ANSWER.length);
    expect(ANSWER.startsWith(partial)).toBe(true);
    await expect.poll(async () => (await turns(page))[1]?.text, { timeout: 10_000 }).toBe(ANSWER);
    expect(await turns(page)).toEqual([
      { role: 'user', who: '你 You', text: '甲偷了钱包，\n构成什么罪？' },
      { role: 'assistant', who: '助手 · fake', text: ANSWER },
    ]);
    expect(engine.requests[0]!.messages).toEqual([{ role: 'user', content: '甲偷了钱包，\n构成什么罪？' }]);
    // the second question carries the conversation
    await input.fill('数额较大是多少？');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await turns(page))[3]?.text, { timeout: 10_000 }).toBe(ANSWER);
    expect(engine.requests[1]!.messages!.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    await screenshot(page, 'conversation-1280');
    await page.context().close();
  });

  it('sends the settings, and Stop aborts the generation on the server', async () => {
    const page = await open(1280, { delayMs: 150 });
    await page.locator('summary').click();
    await page.locator('#temperature').fill('0.2');
    await page.locator('#top_k').fill('7');
    await page.locator('#max_tokens').fill('40');
    await page.locator('#seed').fill('42');
    await page.locator('#system').fill('你是法律助手');
    await page.locator('#question').fill('盗窃罪怎么处罚？');
    await page.locator('#send').click();
    await expect.poll(async () => (await turns(page))[1]?.text?.length ?? 0).toBeGreaterThan(1);
    expect(await page.locator('#send').isDisabled()).toBe(true);
    await page.locator('#stop').click();
    await expect.poll(() => page.locator('.assistant .note').textContent()).toContain('已停止');
    await expect.poll(() => engine.aborted.length).toBe(1);
    expect(await page.locator('#send').isDisabled()).toBe(false);
    expect(engine.requests[0]).toMatchObject({
      temperature: 0.2,
      topK: 7,
      topP: 0.75,
      repetitionPenalty: 1,
      maxTokens: 40,
      seed: 42,
      messages: [
        { role: 'system', content: '你是法律助手' },
        { role: 'user', content: '盗窃罪怎么处罚？' },
      ],
    });
    await screenshot(page, 'stopped-1280');
    await page.context().close();
  });

  for (const width of [375, 1280]) {
    it(`fits ${width} px: no horizontal scroll, the input row inside the chat column, a favicon`, async () => {
      const page = await open(width);
      await page.locator('#question').fill('《刑法》第二百六十四条规定了什么？'.repeat(3));
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await turns(page))[1]?.text, { timeout: 10_000 }).toBe(ANSWER);
      const layout = (await page.evaluate(`(() => {
        const box = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON();
        return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
          scrollHeight: document.documentElement.scrollHeight, clientHeight: document.documentElement.clientHeight,
          log: box('#log'), question: box('#question'), send: box('#send'), stop: box('#stop') };
      })()`)) as Record<string, Record<string, number>> & {
        scrollWidth: number;
        clientWidth: number;
        scrollHeight: number;
        clientHeight: number;
      };
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.scrollHeight).toBeLessThanOrEqual(layout.clientHeight);
      expect(layout.question!.left).toBeGreaterThanOrEqual(layout.log!.left - 0.5);
      expect(layout.stop!.right).toBeLessThanOrEqual(layout.log!.right + 0.5);
      expect(layout.question!.width).toBeGreaterThan(width / 2 - 40);
      expect(layout.log!.height).toBeGreaterThan(200);
      const icon = await page.evaluate(`(async () => {
        const link = document.querySelector('link[rel=icon]');
        const [linked, ico] = await Promise.all([fetch(link.href), fetch('/favicon.ico')]);
        return { linked: linked.status, type: linked.headers.get('content-type'), ico: ico.status };
      })()`);
      expect(icon).toEqual({ linked: 200, type: 'image/svg+xml', ico: 200 });
      await screenshot(page, `layout-${width}`);
      await page.context().close();
    });
  }

  it('asks for the API key once and keeps it', async () => {
    const page = await open(1280, { apiKey: 'k-secret' });
    expect(await page.locator('#key-form').isHidden()).toBe(true);
    await page.locator('#question').fill('盗窃罪怎么处罚？');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#key-form').isVisible()).toBe(true);
    await screenshot(page, 'api-key-1280');
    await page.locator('#key').fill('k-secret');
    await page.locator('#key-form button').click();
    await expect.poll(async () => (await turns(page))[1]?.text, { timeout: 10_000 }).toBe(ANSWER);
    await page.reload();
    await page.locator('#question').fill('第二个问题');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await turns(page))[1]?.text, { timeout: 10_000 }).toBe(ANSWER);
    expect(await page.locator('#key-form').isHidden()).toBe(true);
    expect(engine.requests).toHaveLength(2);
    await page.context().close();
  });
});
