import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietCpuBanner } from './cpu-banner.js';

const BANNER = /looks like you are running TensorFlow\.js in Node\.js/;

describe('quietCpuBanner (run on import of @lawgpt/engine)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('the first cpu tensor prints no "install our node backend" banner, and other tfjs warnings still show', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    quietCpuBanner();
    quietCpuBanner(); // a second copy of the module changes nothing
    await tf.setBackend('cpu');
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    expect([...sum]).toEqual([4, 6]);
    expect(warn.mock.calls.flat().join('\n')).not.toMatch(BANNER);
    expect(tf.registerBackend('cpu', () => tf.findBackend('cpu')!, 1)).toBe(false);
    expect(warn.mock.calls.flat().join('\n')).toMatch(/cpu backend was already registered/);
  });

  it('an unquieted cpu backend does print it (what the test above would catch)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const factory = tf.findBackendFactory('cpu');
    const backend = factory() as unknown as tf.KernelBackend & { firstUse?: boolean };
    backend.firstUse = true;
    backend.write(new Float32Array([1]), [1], 'float32');
    expect(warn.mock.calls.flat().join('\n')).toMatch(BANNER);
    backend.dispose();
  });
});
