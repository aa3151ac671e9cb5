import type { TopLevelSpec } from 'vega-lite';
import { loadChartScript, type ChartModules } from './chart-script.js';
import { grouped } from './format.js';
import type { ReportData } from './report-data.js';

/** Width of one chart panel, in pixels. */
const PANEL_WIDTH = 560;
const PANEL_HEIGHT = 180;

/** Vega-lite specifications of the report's charts; null where not drawn. */
export interface ChartSpecs {
  hitRatioOverTime: TopLevelSpec;
  missRatioCurves: TopLevelSpec | null;
  prefetchOutcomes: TopLevelSpec | null;
}

/** Name of a policy in charts: bounds are marked so they read as limits. */
function seriesName(label: string, isBound: boolean): string {
  return isBound ? `${label} (bound)` : label;
}

/**
 * Facet order: ascending capacity, from each value's `capacityAmount`. A
 * list of the labels would do the same, but vega compiles it into one
 * expression, and its parser ran out of stack at about 1,000 capacities.
 */
const BY_CAPACITY = { field: 'capacityAmount', op: 'min', order: 'ascending' } as const;

/** Builds the chart specifications from report data alone. */
export function chartSpecs(data: ReportData): ChartSpecs {
  return {
    hitRatioOverTime: hitRatioOverTime(data),
    missRatioCurves: missRatioCurves(data),
    prefetchOutcomes: prefetchOutcomes(data),
  };
}

/** Hit ratio of every metrics window, one line per policy, one panel per capacity. */
function hitRatioOverTime(data: ReportData): TopLevelSpec {
  const values = data.runs.flatMap((run) =>
    run.windowHitRatios.flatMap((hitRatio, w) =>
      hitRatio === null
        ? []
        : [
            {
              policy: seriesName(run.label, run.isBound),
              capacity: run.capacity.label,
              capacityAmount: run.capacity.amount,
              request: data.settings.windowEnds[w],
              hitRatio,
            },
          ],
    ),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Hit ratio per window of about ${grouped(Math.round(data.trace.scoredRequests / data.settings.windows))} scored requests`,
    data: { values },
    facet: {
      row: { field: 'capacity', type: 'nominal', sort: BY_CAPACITY, title: null },
    },
    spec: {
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      mark: { type: 'line', point: { size: 12 } },
      encoding: {
        x: { field: 'request', type: 'quantitative', title: 'scored requests (end of window)' },
        y: { field: 'hitRatio', type: 'quantitative', title: 'hit ratio', scale: { zero: true } },
        color: { field: 'policy', type: 'nominal', title: 'policy' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Miss ratio against capacity, one line per policy, on a log axis. */
function missRatioCurves(data: ReportData): TopLevelSpec | null {
  const { sweep } = data;
  if (sweep.unit === null || sweep.curves.length === 0) return null;
  const values = sweep.curves.flatMap((curve) =>
    curve.points.map((point) => ({
      policy: seriesName(curve.label, curve.isBound),
      capacity: point.capacity,
      missRatio: point.missRatio,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Miss ratio against cache size',
    data: { values },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT * 1.5,
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'capacity',
        type: 'quantitative',
        scale: { type: 'log' },
        title: `cache size (${sweep.unit}, log scale)`,
      },
      y: { field: 'missRatio', type: 'quantitative', title: 'miss ratio', scale: { zero: false } },
      color: { field: 'policy', type: 'nominal', title: 'policy' },
    },
  };
}

/** Outcomes of issued prefetches, in the order the bars stack them. */
const PREFETCH_OUTCOMES = [
  'useful, in time',
  'useful, late',
  'wasted (evicted unused)',
  'unused at the end',
] as const;

/** Prefetch outcomes stacked per policy, one panel per capacity. */
function prefetchOutcomes(data: ReportData): TopLevelSpec | null {
  const prefetching = data.runs.filter((run) => run.counters.issuedPrefetches > 0);
  if (prefetching.length === 0) return null;
  const values = prefetching.flatMap((run) => {
    const c = run.counters;
    const counts = [
      c.usefulPrefetches - c.latePrefetches,
      c.latePrefetches,
      c.wastedPrefetches,
      (c.unusedAtEnd ?? 0) + (c.inFlightAtEnd ?? 0),
    ];
    return PREFETCH_OUTCOMES.map((outcome, order) => ({
      policy: seriesName(run.label, run.isBound),
      capacity: run.capacity.label,
      capacityAmount: run.capacity.amount,
      outcome,
      order,
      prefetches: counts[order],
    }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Outcome of the issued prefetches',
    data: { values },
    facet: {
      column: { field: 'capacity', type: 'nominal', sort: BY_CAPACITY, title: null },
    },
    spec: {
      width: { step: 48 },
      height: PANEL_HEIGHT * 1.5,
      mark: 'bar',
      encoding: {
        // Slanted labels, because policy names with a bound mark overlap
        // when set level under bars this narrow.
        x: { field: 'policy', type: 'nominal', title: null, axis: { labelAngle: -35 } },
        y: { field: 'prefetches', type: 'quantitative', title: 'prefetches issued', stack: 'zero' },
        color: {
          field: 'outcome',
          type: 'nominal',
          title: 'outcome',
          legend: { labelLimit: 0 },
          sort: [...PREFETCH_OUTCOMES],
          scale: { domain: [...PREFETCH_OUTCOMES], range: ['#2ca02c', '#98df8a', '#d62728', '#c7c7c7'] },
        },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  };
}

let chartModules: Promise<ChartModules> | undefined;

/**
 * Loads vega and vega-lite once, for `renderSvg`: from the build's script
 * bundle with its code cache (see `loadChartScript`), or as ES modules
 * when there is none. They are loaded on first use, because even from the
 * code cache they take 0.03 to 0.04 s to load (2-core AMD EPYC, Node 20).
 * Commands that draw no chart should not pay that, and a replay should not
 * hold them in memory while it runs. A caller with a core to spare before
 * it renders can call this early.
 */
export function loadChartModules(): Promise<ChartModules> {
  chartModules ??= Promise.resolve().then(() => loadChartScript() ?? import('./chart-modules.js'));
  return chartModules;
}

/**
 * Renders a vega-lite specification to SVG text without a browser: vega
 * lays the chart out with its `none` renderer and serialises the scene.
 * Text widths are estimated, because no canvas library is installed, and
 * the build's script bundle takes vega-canvas's browser build, which never
 * loads one.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  return renderSvgWith(await loadChartModules(), spec);
}

/** Renders as `renderSvg` does, with the chart modules given. */
export async function renderSvgWith({ parse, View, compile }: ChartModules, spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
