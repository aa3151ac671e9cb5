/**
 * The parts of vega and vega-lite that the charts use, in one module.
 * `npm run build` replaces its compiled form with a bundle of both
 * packages in one file (esbuild). Node loads that file in about 65 ms,
 * against 140 ms for the 200 or so modules of the packages (2-core AMD
 * EPYC, Node 20). Run from the sources, as the tests run, it imports the
 * packages as usual.
 */
export { parse, View } from 'vega';
export { compile } from 'vega-lite';
