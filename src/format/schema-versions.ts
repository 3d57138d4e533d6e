/**
 * The version of each JSON output's shape, written into every output as schemaVersion and pinned
 * by the matching schemas/<name>.schema.json. Changing a field means changing both.
 */
export const SCHEMA_VERSIONS = {
  check: 2,
  'check-approach': 1,
  config: 2,
  recommend: 3,
  host: 2,
  list: 1,
  explain: 2,
  'explain-product': 1,
  report: 1,
  timeline: 1,
} as const;
