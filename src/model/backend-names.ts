/**
 * Names of the TensorFlow.js backends the model can run on. Kept apart from
 * `backend.ts` so that checking a name does not load TensorFlow.js.
 */
import { BadOptionError } from '../errors.js';

/** Backends that `selectBackend` accepts, in the order it tries them. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Checks a backend name given by the user.
 * @throws BadOptionError naming the accepted names.
 */
export function checkBackendName(name: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) {
    return name as BackendName;
  }
  throw new BadOptionError(
    `--backend: "${name}" is not a TensorFlow.js backend that lstm can use; use one of ${BACKEND_NAMES.join(', ')}`,
  );
}
