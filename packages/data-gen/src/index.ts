export const packageName = '@lawgpt/data-gen';
