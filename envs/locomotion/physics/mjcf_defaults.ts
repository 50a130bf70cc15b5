/**
 * MJCF default classes: nested `<default>` blocks whose joint/geom/motor attributes are inherited by
 * child classes and applied to elements through `class` or an enclosing body's `childclass`.
 *
 * @module
 */

import type { Attrs } from "./mjcf_attrs.ts";
import { MjcfError } from "./errors.ts";
import type { XmlElement } from "./xml.ts";

/** The element kinds a default class can carry attributes for. */
export type DefaultKind = "joint" | "geom" | "motor";

/** One default class, already merged with everything it inherits. */
export interface DefaultClass {
  joint: Attrs;
  geom: Attrs;
  motor: Attrs;
}

/** Default classes by name; "main" is the top-level class. */
export type DefaultClasses = Map<string, DefaultClass>;

/** A class table holding only the empty "main" class, as when the document has no `<default>`. */
export function newDefaultClasses(): DefaultClasses {
  const classes: DefaultClasses = new Map();
  classes.set("main", { joint: new Map(), geom: new Map(), motor: new Map() });
  return classes;
}

/**
 * Adds the `<default>` element `el` and its nested classes to `classes`. The top-level block is "main"
 * (it may replace the empty one); nested blocks need a unique class name and start from a copy of `parent`.
 */
export function readDefaults(
  classes: DefaultClasses,
  el: XmlElement,
  parent: DefaultClass | undefined,
  top: boolean,
): void {
  const name = el.attrs.get("class") ?? (top ? "main" : undefined);
  if (name === undefined) throw new MjcfError("nested <default> needs a class", el.path, el.line);
  if (!top && classes.has(name)) throw new MjcfError(`duplicate default class '${name}'`, el.path, el.line);
  const cls: DefaultClass = {
    joint: new Map(parent?.joint ?? []),
    geom: new Map(parent?.geom ?? []),
    motor: new Map(parent?.motor ?? []),
  };
  for (const c of el.children) {
    if (c.tag === "default") continue;
    const dst = cls[c.tag as DefaultKind];
    for (const [k, v] of c.attrs) {
      // Identity and placement attributes make no sense shared between elements.
      if (k === "name" || k === "class" || k === "joint" || k === "fromto") {
        throw new MjcfError(`attribute '${k}' is not allowed in a default`, c.path, c.line);
      }
      dst.set(k, v);
    }
  }
  classes.set(name, cls);
  for (const c of el.children) if (c.tag === "default") readDefaults(classes, c, cls, false);
}

/**
 * The attributes of `el` laid over its default class: its own `class`, else `childclass` (the class
 * inherited from enclosing bodies). The `class` attribute itself is dropped.
 */
export function resolveAttrs(
  classes: DefaultClasses,
  el: XmlElement,
  kind: DefaultKind,
  childclass: string,
): Attrs {
  const clsName = el.attrs.get("class") ?? childclass;
  const cls = classes.get(clsName);
  if (!cls) throw new MjcfError(`unknown default class '${clsName}'`, el.path, el.line);
  const out = new Map(cls[kind]);
  for (const [k, v] of el.attrs) if (k !== "class") out.set(k, v);
  return out;
}
