// How deep an action's arguments may nest. The relay copies and serialises them with recursive
// code (zod, JSON.stringify, the tag renderer): a value nested thousands deep would exhaust the
// stack there, so it is refused where it comes in, with the path of the first value too deep.

export const MAX_ARGS_DEPTH = 32;

/**
 * The path (keys and indexes below `value`) of the first object or array nested deeper than
 * `max` levels, or undefined when there is none. Iterative, so a hostile value cannot overflow it.
 */
export function tooDeep(value: unknown, max = MAX_ARGS_DEPTH): Array<string | number> | undefined {
  const stack: Array<{ v: unknown; path: Array<string | number> }> = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (path.length >= max) return path;
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    else for (const k of Object.keys(v).reverse()) stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
  }
  return undefined;
}
