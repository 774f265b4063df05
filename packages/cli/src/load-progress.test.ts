import { describe, expect, it } from 'vitest';
import { loadProgressPrinter } from './load-progress.js';

const MiB = 2 ** 20;

/** Feeds a 100 MiB load in 20 equal tensors, the clock advancing `msPerTensor` each. */
function load(options: { tty: boolean; msPerTensor: number; failAt?: number }) {
  let clock = 0;
  const written: string[] = [];
  const printer = loadProgressPrinter({
    write: (text) => written.push(text),
    tty: options.tty,
    now: () => clock,
  });
  for (let tensor = 1; tensor <= (options.failAt ?? 20); tensor++) {
    clock += options.msPerTensor;
    const bytes = tensor * 5 * MiB;
    const bytesPerSecond = bytes / (clock / 1000);
    printer.update({
      tensors: tensor,
      totalTensors: 20,
      bytes,
      totalBytes: 100 * MiB,
      tensor: `t${tensor}`,
      bytesPerSecond,
      etaSeconds: (100 * MiB - bytes) / bytesPerSecond,
    });
  }
  printer.end();
  return written;
}

describe('loadProgressPrinter', () => {
  it('prints nothing for a load under a second, terminal or not', () => {
    expect(load({ tty: true, msPerTensor: 40 })).toEqual([]);
    expect(load({ tty: false, msPerTensor: 40 })).toEqual([]);
  });

  it('on a terminal redraws one line at most once per tenth, from the first second on, and ends it', () => {
    const written = load({ tty: true, msPerTensor: 200 });
    // 1 s is reached at tensor 5 (25%): tenths 2..10 follow, one redraw each
    expect(written.filter((text) => text.startsWith('\r')).length).toBe(9);
    expect(written.join('').split('\n').length).toBe(2);
    expect(written[0]).toMatch(/^\rloading 20% of 100 MiB \(25 MiB\/s, ETA 3s\)/);
    expect(written.at(-2)).toMatch(/^\rloading 100% of 100 MiB \(25 MiB\/s, in 4s\)/);
    expect(written.at(-1)).toBe('\n');
  });

  it('elsewhere prints one summary line for a slow load', () => {
    expect(load({ tty: false, msPerTensor: 200 })).toEqual(['loaded 100 MiB of weights in 4s (25 MiB/s)\n']);
  });

  it('gives sizes of a gigabyte or more in GiB', () => {
    let clock = 0;
    const written: string[] = [];
    const printer = loadProgressPrinter({
      write: (text) => written.push(text),
      tty: false,
      now: () => clock,
    });
    const totalBytes = 13 * 2 ** 30;
    clock = 65_000;
    const bytesPerSecond = totalBytes / 65;
    printer.update({
      tensors: 1,
      totalTensors: 1,
      bytes: totalBytes,
      totalBytes,
      tensor: 't',
      bytesPerSecond,
      etaSeconds: 0,
    });
    expect(written).toEqual(['loaded 13.0 GiB of weights in 1m05s (205 MiB/s)\n']);
  });

  it('closes a line left open by a failed load', () => {
    const written = load({ tty: true, msPerTensor: 200, failAt: 12 });
    expect(written.at(-1)).toBe('\n');
    expect(written.at(-2)).toMatch(/^\rloading 60%/);
  });
});
