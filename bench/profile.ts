/**
 * Profiles whole-process replays with `node --cpu-prof` and lists the
 * functions with the largest share of self time, for the benchmark page.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const TOP_FUNCTIONS = 8;

/** The parts of a V8 .cpuprofile file that self time needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self-time shares of the top functions of one profile. */
export function topSelfTime(profile: CpuProfile, count: number): { name: string; selfShare: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byName = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    if (frame === undefined) return;
    const file = frame.url === '' ? '' : relative(ROOT, frame.url.replace(/^file:\/\//, ''));
    const name = `${frame.functionName || '(anonymous)'} ${file}${file === '' ? '' : `:${frame.lineNumber + 1}`}`.trim();
    byName.set(name, (byName.get(name) ?? 0) + delta);
  });
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => ({ name, selfShare: total === 0 ? 0 : time / total }));
}

/**
 * The profiled runs: lru at zero latency, and next-key with the timing
 * model of the loop figures, the case of the next-key target. next-key
 * runs with one worker, so that its policy runs on the replay thread and
 * the one profile of that thread contains both.
 */
const PROFILED = [
  { policy: 'lru', label: 'lru, zero latency', extra: [] as string[] },
  {
    policy: 'next-key',
    label: 'next-key, log-normal fetch, median 2, p99 20, `--workers 1`',
    extra: ['--fetch-latency', 'lognormal:median=2,p99=20', '--workers', '1'],
  },
];

/** Profiles `simulate` on a cached trace for each of `PROFILED`. */
export async function replayProfile(trace: string, cacheDir: string): Promise<{ policy: string; top: { name: string; selfShare: number }[] }[]> {
  const results = [];
  for (const { policy, label, extra } of PROFILED) {
    const dir = mkdtempSync(join(tmpdir(), 'cache-sim-profile-'));
    try {
      await promisify(execFile)(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-dir', dir, CLI, '--trace', trace, '--cache-dir', cacheDir, '--policy', policy, '--cache-size', '10000', '--train-fraction', '0', ...extra, '--out', join(dir, 'report.md')],
        { maxBuffer: 1 << 24 },
      );
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      if (file === undefined) throw new Error(`node --cpu-prof wrote no profile for ${policy}`);
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      results.push({ policy: label, top: topSelfTime(profile, TOP_FUNCTIONS) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
