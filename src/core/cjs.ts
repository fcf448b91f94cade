/**
 * A CommonJS package loaded with a dynamic `import()`. Unbundled, Node lifts its exports to the
 * top of the namespace; bundled (dist/ bundles dependencies), they sit only on `default`. This
 * returns them either way, judged by one export that must be there.
 */
export function cjsExports<T extends object>(loaded: T & { default?: T }, probe: keyof T): T {
  if (loaded[probe] !== undefined) return loaded;
  if (loaded.default?.[probe] !== undefined) return loaded.default;
  throw new Error(`module loaded without its ${String(probe)} export`);
}
