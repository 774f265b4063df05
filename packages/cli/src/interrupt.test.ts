import { describe, expect, it, vi } from 'vitest';
import { whileInterruptible } from './interrupt.js';

describe('whileInterruptible', () => {
  it('aborts the signal on SIGINT, tells the caller first, and removes its handler afterwards', async () => {
    const before = process.listenerCount('SIGINT');
    const onInterrupt = vi.fn();
    const result = await whileInterruptible(async (signal) => {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      expect(signal.aborted).toBe(false);
      process.emit('SIGINT');
      return signal.aborted;
    }, onInterrupt);
    expect(result).toBe(true);
    expect(onInterrupt).toHaveBeenCalledTimes(1);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('removes its handler when the job throws', async () => {
    const before = process.listenerCount('SIGINT');
    await expect(whileInterruptible(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
