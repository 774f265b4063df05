import type { TextTokenizer } from './text-tokenizer.js';

/** Prompt tokens decoded in front of the new ones, so a leading space of the first new piece survives. */
const CONTEXT_TOKENS = 8;
const REPLACEMENT = '\uFFFD';

/**
 * Turns generated token ids into text deltas that never end inside a character: text ending in
 * U+FFFD (an incomplete UTF-8 sequence from byte-fallback pieces) or a lone high surrogate is held
 * back until the character completes, as is a tail that could be the start of a stop string.
 */
export class TextStreamer {
  private readonly context: number[];
  private readonly contextText: string;
  private readonly generated: number[] = [];
  private emitted = '';
  /** Set when the text contains a stop string; `text` is then cut before it. */
  stopped = false;

  constructor(
    private readonly tokenizer: TextTokenizer,
    promptIds: number[],
    private readonly stopStrings: string[] = [],
  ) {
    this.context = promptIds.slice(-CONTEXT_TOKENS);
    this.contextText = this.decode(this.context);
  }

  /** All generated text so far (cut at the first stop string). */
  get text(): string {
    return this.cut(this.fullText());
  }

  /** Add tokens; returns the text that is now safe to emit. */
  push(ids: number[]): string {
    this.generated.push(...ids);
    const full = this.fullText();
    const stop = this.firstStop(full);
    if (stop >= 0) {
      this.stopped = true;
      return this.emit(full.slice(0, stop));
    }
    return this.emit(full.slice(0, this.safeLength(full)));
  }

  /** Everything not yet emitted (call once generation has finished). */
  flush(): string {
    return this.emit(this.text);
  }

  private fullText(): string {
    const combined = this.decode([...this.context, ...this.generated]);
    if (this.context.length > 0 && combined.startsWith(this.contextText))
      return combined.slice(this.contextText.length);
    return this.decode(this.generated);
  }

  private decode(ids: number[]): string {
    return ids.length === 0 ? '' : this.tokenizer.decode(ids, { skipSpecial: true });
  }

  private cut(full: string): string {
    const stop = this.firstStop(full);
    return stop >= 0 ? full.slice(0, stop) : full;
  }

  private firstStop(full: string): number {
    let first = -1;
    for (const stop of this.stopStrings) {
      const index = stop ? full.indexOf(stop) : -1;
      if (index >= 0 && (first < 0 || index < first)) first = index;
    }
    return first;
  }

  /** Length of the prefix of `full` that can no longer change or start a stop string. */
  private safeLength(full: string): number {
    let end = full.length;
    while (end > 0 && full[end - 1] === REPLACEMENT) end--;
    const code = full.charCodeAt(end - 1);
    if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
    for (const stop of this.stopStrings) {
      for (let length = Math.min(stop.length - 1, end); length > 0; length--) {
        if (full.slice(end - length, end) === stop.slice(0, length)) {
          end -= length;
          break;
        }
      }
    }
    return end;
  }

  private emit(safe: string): string {
    // Emitted text is final; if decoding changed it retroactively, continue from the same offset.
    if (safe.length <= this.emitted.length) return '';
    const delta = safe.slice(this.emitted.length);
    this.emitted += delta;
    return delta;
  }
}
