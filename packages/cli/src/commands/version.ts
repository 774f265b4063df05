import { createRequire } from 'node:module';
import type { Command } from '../command.js';

const require = createRequire(import.meta.url);

/** `lawgpt version`: the CLI's and each library's version. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the versions of lawgpt and its libraries',
  usage: 'lawgpt version',
  options: {},
  async run(_args, io) {
    const names = ['cli', 'tokenizer-legal', 'llama-core', 'lora', 'data-gen', 'eval', 'serve'];
    for (const name of names) {
      const manifest = require(`@lawgpt/${name}/package.json`) as { version: string };
      io.stdout(`@lawgpt/${name} ${manifest.version}\n`);
    }
    return 0;
  },
};
