export const packageName = '@lawgpt/tokenizer-legal';
