import * as tf from '@tensorflow/tfjs';

/**
 * Adam with the update of `tf.train.adam` (tfjs 4.22), op for op, so that
 * it gives the same weights. tfjs's Adam passes its constants (β1, 1 − β1,
 * β2, 1 − β2, ε, −learning rate) to each op as numbers, which become new
 * scalar tensors at every call, six per weight and step. On the
 * WebAssembly backend an op given a number took about 20 µs more than one
 * given an existing scalar tensor (best of 7 runs of 2,000 on a loaded
 * 2-core VM), so here the constants are tensors made once. Its defaults
 * are those of `tf.train.adam`.
 */
export class ScalarAdam {
  readonly #beta1: tf.Scalar;
  readonly #beta2: tf.Scalar;
  readonly #oneMinusBeta1: tf.Scalar;
  readonly #oneMinusBeta2: tf.Scalar;
  readonly #epsilon: tf.Scalar;
  readonly #negativeRate: tf.Scalar;
  readonly #one: tf.Scalar;
  /** β1 and β2 to the power of the steps taken so far. */
  readonly #accBeta1: tf.Variable;
  readonly #accBeta2: tf.Variable;
  /** First and second moments by variable name. */
  readonly #moments = new Map<string, { first: tf.Variable; second: tf.Variable }>();

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon = tf.backend().epsilon()) {
    [this.#beta1, this.#beta2, this.#oneMinusBeta1, this.#oneMinusBeta2, this.#epsilon, this.#negativeRate, this.#one] =
      [beta1, beta2, 1 - beta1, 1 - beta2, epsilon, -learningRate, 1].map((value) => tf.scalar(value));
    this.#accBeta1 = tf.tidy(() => tf.variable(tf.scalar(beta1), false));
    this.#accBeta2 = tf.tidy(() => tf.variable(tf.scalar(beta2), false));
  }

  /** Takes one step along `gradients`, keyed by variable name. */
  applyGradients(gradients: tf.NamedTensorMap): void {
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(this.#one, this.#accBeta1);
      const oneMinusAccBeta2 = tf.sub(this.#one, this.#accBeta2);
      for (const [name, gradient] of Object.entries(gradients)) {
        const value = tf.engine().registeredVariables[name];
        const { first, second } = this.#momentsOf(name, value);
        const newFirst = tf.add(tf.mul(first, this.#beta1), tf.mul(gradient, this.#oneMinusBeta1));
        const newSecond = tf.add(
          tf.mul(second, this.#beta2),
          tf.mul(tf.square(gradient), this.#oneMinusBeta2),
        );
        const correctedFirst = tf.div(newFirst, oneMinusAccBeta1);
        const correctedSecond = tf.div(newSecond, oneMinusAccBeta2);
        first.assign(newFirst);
        second.assign(newSecond);
        const step = tf.div(correctedFirst, tf.add(tf.sqrt(correctedSecond), this.#epsilon));
        value.assign(tf.add(tf.mul(step, this.#negativeRate), value));
      }
      this.#accBeta1.assign(tf.mul(this.#accBeta1, this.#beta1));
      this.#accBeta2.assign(tf.mul(this.#accBeta2, this.#beta2));
    });
  }

  #momentsOf(name: string, value: tf.Variable): { first: tf.Variable; second: tf.Variable } {
    let moments = this.#moments.get(name);
    if (moments === undefined) {
      moments = {
        first: tf.tidy(() => tf.variable(tf.zerosLike(value), false)),
        second: tf.tidy(() => tf.variable(tf.zerosLike(value), false)),
      };
      this.#moments.set(name, moments);
    }
    return moments;
  }

  dispose(): void {
    tf.dispose([
      this.#beta1, this.#beta2, this.#oneMinusBeta1, this.#oneMinusBeta2,
      this.#epsilon, this.#negativeRate, this.#one, this.#accBeta1, this.#accBeta2,
    ]);
    for (const { first, second } of this.#moments.values()) tf.dispose([first, second]);
    this.#moments.clear();
  }
}
