import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Model tests load TensorFlow.js backends that keep global state, so each
    // file runs in its own forked process.
    pool: 'forks',
  },
});
