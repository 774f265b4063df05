import { alpacaTemplate, formatPrompt, type PromptTemplate } from '@lawgpt/lora';

/** One chat message as the OpenAI API sends it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Turns a conversation into one prompt for an instruction-tuned (Alpaca-style) model. */
export type ChatFormatter = (messages: ChatMessage[]) => string;

/**
 * The formatter for LaWGPT-style models: the last user message becomes the instruction; the system text
 * and earlier turns become the `input` section, so no context is dropped.
 */
export function createAlpacaChatFormatter(template: PromptTemplate = alpacaTemplate): ChatFormatter {
  return (messages) => {
    const instruction = messages.at(-1)?.content ?? '';
    const input = messages
      .slice(0, -1)
      .map((message) => (message.role === 'system' ? message.content : `${message.role}: ${message.content}`))
      .join('\n');
    return formatPrompt({ instruction, input }, template);
  };
}
