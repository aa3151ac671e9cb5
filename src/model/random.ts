/**
 * Seeded pseudo-random numbers for shuffling and for deriving per-layer
 * initialiser seeds, so that one seed gives one model.
 *
 * The generator is Mulberry32 (Tommy Ettinger, public domain): a 32-bit
 * state advanced by a Weyl sequence and mixed by two multiply-xorshift
 * rounds. Its period is 2^32, ample for shuffling tens of thousands of
 * samples per epoch; it is not for statistics that need long streams.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Returns a uniform integer in [0, 2^32). */
  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Returns a uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Shuffles `values` in place (Fisher-Yates). */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.nextFloat() * (i + 1));
      const swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }
}
