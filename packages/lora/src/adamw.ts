import * as tf from '@tensorflow/tfjs-core';

/** Options for {@link AdamW}. */
export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (applied as `w -= lr·decay·w`, as torch.optim.AdamW). */
  weightDecay?: number;
}

/** Serializable optimizer state: step count and both moments of every variable, by name. */
export interface AdamWState {
  step: number;
  moments: Record<string, { m: Float32Array; v: Float32Array; shape: number[] }>;
}

/**
 * AdamW over named `tf.Variable`s with bias correction — the optimizer of PEFT/HF Trainer runs — whose state
 * can be exported and restored so a training run resumes exactly.
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor({ beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 }: AdamWOptions = {}) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /** Optimizer steps taken so far. */
  get steps(): number {
    return this.step;
  }

  private moment(store: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let value = store.get(name);
    if (!value) {
      value = tf.variable(tf.zerosLike(like), false);
      store.set(name, value);
    }
    return value;
  }

  /** Apply one update with `gradients` (by variable name) at `learningRate`. */
  apply(
    variables: Map<string, tf.Variable>,
    gradients: Record<string, tf.Tensor>,
    learningRate: number,
  ): void {
    this.step++;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, variable] of variables) {
        const gradient = gradients[name];
        if (!gradient) continue;
        const m = this.moment(this.m, name, variable);
        const v = this.moment(this.v, name, variable);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2)));
        const denominator = tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon);
        const update = tf.div(tf.div(m, correction1), denominator);
        const decayed =
          this.weightDecay > 0 ? tf.mul(variable, 1 - learningRate * this.weightDecay) : variable;
        variable.assign(tf.sub(decayed, tf.mul(update, learningRate)));
      }
    });
  }

  /** Copy of the state, for a checkpoint. */
  async exportState(): Promise<AdamWState> {
    const moments: AdamWState['moments'] = {};
    for (const [name, m] of this.m) {
      const v = this.v.get(name)!;
      moments[name] = {
        m: (await m.data()) as Float32Array,
        v: (await v.data()) as Float32Array,
        shape: m.shape,
      };
    }
    return { step: this.step, moments };
  }

  /** Restore a state written by {@link exportState}. */
  importState(state: AdamWState): void {
    this.dispose();
    this.step = state.step;
    for (const [name, { m, v, shape }] of Object.entries(state.moments)) {
      this.m.set(name, tf.variable(tf.tensor(m, shape), false));
      this.v.set(name, tf.variable(tf.tensor(v, shape), false));
    }
  }

  /** Free the moment tensors. */
  dispose(): void {
    for (const value of [...this.m.values(), ...this.v.values()]) value.dispose();
    this.m.clear();
    this.v.clear();
  }
}
