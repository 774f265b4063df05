import { describe, expect, it, vi } from 'vitest';
import { INTERRUPTED, runInterruptible, whileInterruptible } from './interrupt.js';

// A second signal re-raises it with the default action (the process ends), so it is tested with real
// processes in test/faults, not here.
describe('whileInterruptible', () => {
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    it(`aborts the signal on ${name}, tells the caller first, and removes its handlers afterwards`, async () => {
      const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
      const onInterrupt = vi.fn();
      const result = await whileInterruptible(async (signal) => {
        expect(process.listenerCount('SIGINT')).toBe(before.SIGINT + 1);
        expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM + 1);
        expect(signal.aborted).toBe(false);
        process.emit(name, name);
        return signal.aborted;
      }, onInterrupt);
      expect(result).toBe(true);
      expect(onInterrupt).toHaveBeenCalledWith(name);
      expect(process.listenerCount('SIGINT')).toBe(before.SIGINT);
      expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM);
    });
  }

  it('removes its handlers when the job throws', async () => {
    const before = process.listenerCount('SIGINT');
    await expect(whileInterruptible(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('runInterruptible', () => {
  const capture = () => {
    const err: string[] = [];
    return { io: { stdout: () => {}, stderr: (text: string) => err.push(text) }, err };
  };
  const messages = { finishing: 'finishing the batch', stopped: () => '3 records kept in out.partial' };

  it('says what it does at the signal, turns the abort error into exit 130 and says what is kept', async () => {
    const { io, err } = capture();
    const code = await runInterruptible('infer', io, messages, async (signal) => {
      process.emit('SIGINT', 'SIGINT');
      signal.throwIfAborted();
      return 0;
    });
    expect(code).toBe(INTERRUPTED);
    expect(err.join('')).toBe(
      '\ninfer: SIGINT received: finishing the batch, then stopping (again to stop at once)\n' +
        'infer: stopped; 3 records kept in out.partial\n',
    );
  });

  it('passes other errors on, and a job that finished despite the signal keeps its exit code', async () => {
    const { io, err } = capture();
    await expect(
      runInterruptible('infer', io, messages, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const code = await runInterruptible('infer', io, messages, async () => {
      process.emit('SIGTERM', 'SIGTERM');
      return 0;
    });
    expect(code).toBe(0);
    expect(err.join('')).not.toContain('stopped;');
  });
});
