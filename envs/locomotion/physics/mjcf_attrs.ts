/**
 * Typed reads of MJCF attribute values (number lists, numbers, booleans). Each read takes the element
 * only to name it in the {@link MjcfError} when the value is malformed.
 *
 * @module
 */

import { MjcfError } from "./errors.ts";
import type { XmlElement } from "./xml.ts";

/** Attribute name to raw value, after default-class resolution where that applies. */
export type Attrs = Map<string, string>;

/**
 * The whitespace-separated numbers of attribute `name`, or undefined when it is absent. `count` lists the
 * accepted lengths; any other length or a non-finite entry is an error.
 */
export function parseNumbers(
  el: XmlElement,
  attrs: Attrs,
  name: string,
  count: number | number[],
): number[] | undefined {
  const raw = attrs.get(name);
  if (raw === undefined) return undefined;
  const parts = raw.trim().split(/\s+/).filter((s) => s.length > 0);
  const vals = parts.map(Number);
  const counts = typeof count === "number" ? [count] : count;
  if (!counts.includes(vals.length) || vals.some((v) => !Number.isFinite(v))) {
    throw new MjcfError(
      `attribute '${name}'="${raw}" must be ${counts.join(" or ")} finite number(s)`,
      el.path,
      el.line,
    );
  }
  return vals;
}

/** A single-number attribute, or `fallback` when absent. */
export function parseNumber(el: XmlElement, attrs: Attrs, name: string, fallback: number): number {
  const v = parseNumbers(el, attrs, name, 1);
  return v ? v[0] : fallback;
}

/** A true/false attribute; undefined when absent or "auto" so the caller can infer it. */
export function parseBool(el: XmlElement, attrs: Attrs, name: string): boolean | undefined {
  const raw = attrs.get(name);
  if (raw === undefined || raw === "auto") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new MjcfError(`attribute '${name}'="${raw}" must be true, false or auto`, el.path, el.line);
}

/** `v` scaled to unit length; `what` names the vector in the error when it is (nearly) zero. */
export function normalize(v: number[], el: XmlElement, what: string): number[] {
  const n = Math.hypot(...v);
  if (n < 1e-12) throw new MjcfError(`${what} has zero length`, el.path, el.line);
  return v.map((x) => x / n);
}
