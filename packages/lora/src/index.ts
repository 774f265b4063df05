export const packageName = '@lawgpt/lora';
