export const packageName = '@lawgpt/llama-core';
