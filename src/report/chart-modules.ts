/**
 * The parts of vega and vega-lite that the charts use, in one module.
 * `npm run build` also bundles it with both packages into one classic
 * script with a V8 code cache (see chart-script.ts), which the charts load
 * in place of this module. Run from the sources, as the tests run, or
 * built without esbuild, it imports the packages as usual.
 */
export { parse, View } from 'vega';
export { compile } from 'vega-lite';
