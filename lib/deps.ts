/**
 * The third-party code the library itself uses, with explicit versioned specifiers, so that the package
 * works when imported by URL or from JSR (where the repo's deno.json import map does not apply) and so
 * that swapping a dependency (e.g. for an `@std/*` module) is one line here. Tests and benches may keep
 * using the import map in deno.json; keep the versions there and here the same.
 *
 * @module
 */

export { parse as parseYaml, stringify as stringifyYaml, YAMLError } from "npm:yaml@2.9.1";
export { stringify as stringifyCsv } from "npm:csv-stringify@6.9.0/sync";
export { parse as parseCsvText } from "npm:csv-parse@7.0.3/sync";
