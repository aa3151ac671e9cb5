import cliProgress from 'cli-progress';
import type { CliIo } from './main.js';

/**
 * Pattern of the training log line that `trainNetwork` writes after each
 * epoch (its format is pinned by a test in test/model/train.test.ts).
 */
const EPOCH_LINE = /^lstm: epoch (\d+)\/(\d+): loss ([\d.]+)(?:, validation loss ([\d.]+), validation accuracy ([\d.]+))?$/;

/**
 * Returns the status log of a command and a `done` that ends it. On a
 * terminal, unless `--no-progress`, training epochs move a progress bar
 * with epoch, loss and validation accuracy, and other lines print above
 * it. Elsewhere lines print only with `--progress`, plainly, so that piped
 * stderr has no redraws.
 */
export function progressLog(
  io: CliIo,
  progress: boolean | undefined,
): { log: (line: string) => void; done: () => void } {
  const isTerminal = io.stderr.isTTY === true && !process.env.CI;
  if (!(progress ?? isTerminal)) return { log: () => {}, done: () => {} };
  if (!isTerminal) {
    return { log: (line) => io.stderr.write(`${line}\n`), done: () => {} };
  }

  const bars = new cliProgress.MultiBar({
    stream: io.stderr as NodeJS.WriteStream,
    format: 'lstm training |{bar}| epoch {value}/{total} | loss {loss} | validation loss {validationLoss} | validation accuracy {validationAccuracy}',
    hideCursor: true,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  let bar: cliProgress.SingleBar | undefined;
  return {
    log(line: string): void {
      const match = EPOCH_LINE.exec(line);
      if (match === null) {
        bars.log(`${line}\n`);
        return;
      }
      const [, epoch, epochs, loss, validationLoss = 'n/a', validationAccuracy = 'n/a'] = match;
      const payload = { loss, validationLoss, validationAccuracy };
      if (bar === undefined || Number(epoch) === 1) {
        bar?.stop();
        bar = bars.create(Number(epochs), 0, payload);
      }
      bar.update(Number(epoch), payload);
    },
    done(): void {
      bars.stop();
    },
  };
}
