import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../atomic-write.js';
import { chartSpecs, renderSvg } from './charts.js';
import { renderMarkdown, type ChartFiles } from './markdown.js';
import type { ReportData } from './report-data.js';

/** Paths of the files of one report, all beside its markdown file. */
export interface ReportPaths {
  markdown: string;
  json: string;
  charts: { [name in keyof ChartFiles]: string };
}

/** `reports/x.md` → `reports/x.json`, `reports/x-hit-ratio.svg`, ... */
export function reportPaths(markdownPath: string): ReportPaths {
  const directory = dirname(markdownPath);
  const stem = basename(markdownPath).replace(/\.md$/i, '');
  const beside = (suffix: string) => join(directory, `${stem}${suffix}`);
  return {
    markdown: markdownPath,
    json: beside('.json'),
    charts: {
      hitRatioOverTime: beside('-hit-ratio.svg'),
      missRatioCurves: beside('-miss-ratio.svg'),
      prefetchOutcomes: beside('-prefetch-outcomes.svg'),
    },
  };
}

/** A thread other than this one that renders charts to SVG text. */
export interface ChartsElsewhere {
  render: (spec: TopLevelSpec) => Promise<string>;
  /**
   * Whether it draws the hit ratio chart, the largest, or all the others.
   * The largest suits the thread that has the chart modules loaded first.
   */
  largest: boolean;
  /** Called once the charts drawn elsewhere are back, before any file is written. */
  onDrawn?: () => void;
}

/** Formats report data as the text of the JSON file beside the report. */
export function reportJson(data: ReportData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/**
 * Renders the markdown and the charts (and the JSON file, when
 * `includeJson`) and writes them beside `markdownPath`. Everything is
 * rendered before the first file is written. Each file is written under a
 * temporary name and renamed. When a write fails, the files this call
 * already wrote are removed, so no half report is left behind. A chart
 * that is not drawn this time is removed, so no stale one stays beside the
 * report.
 *
 * @param elsewhere another thread that draws some charts while this one
 *   draws the rest: the hit ratio chart, the largest, when `largest`, and
 *   the others otherwise
 * @returns the paths written, markdown last
 */
export async function writeReport(
  data: ReportData,
  markdownPath: string,
  includeJson: boolean,
  elsewhere?: ChartsElsewhere,
): Promise<string[]> {
  const paths = reportPaths(markdownPath);
  const specs = chartSpecs(data);
  const links: ChartFiles = { hitRatioOverTime: null, missRatioCurves: null, prefetchOutcomes: null };
  const names = Object.keys(links) as (keyof ChartFiles)[];
  const drawn = names.filter((name) => specs[name] !== null);
  const isElsewhere = (name: keyof ChartFiles) =>
    elsewhere !== undefined && (name === 'hitRatioOverTime') === elsewhere.largest;
  // Charts drawn elsewhere are requested before this thread starts on its own.
  const requested = new Map(drawn.filter(isElsewhere).map((name) => [name, elsewhere!.render(specs[name]!)]));
  const svgs = await Promise.all(drawn.map((name) => requested.get(name) ?? renderSvg(specs[name]!)));
  elsewhere?.onDrawn?.();
  const files: [string, string][] = drawn.map((name, i) => [paths.charts[name], svgs[i]]);
  for (const name of drawn) links[name] = basename(paths.charts[name]);
  if (includeJson) files.push([paths.json, reportJson(data)]);
  files.push([paths.markdown, renderMarkdown(data, links)]);
  await writeAll(files);
  const stale = names.filter((name) => specs[name] === null).map((name) => paths.charts[name]);
  await Promise.all(stale.map((path) => rm(path, { force: true })));
  return files.map(([path]) => path);
}

async function writeAll(files: [string, string][]): Promise<void> {
  const written: string[] = [];
  try {
    for (const [path, content] of files) {
      await writeFileAtomic(path, content);
      written.push(path);
    }
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    throw error;
  }
}
