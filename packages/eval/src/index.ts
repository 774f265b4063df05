export const packageName = '@lawgpt/eval';
