/**
 * Document-wide MJCF settings read before any body: `compiler` flags, simulation `option`s,
 * `custom/numeric` values and the `default` classes.
 *
 * @module
 */

import { parseNumber, parseNumbers } from "./mjcf_attrs.ts";
import { type DefaultClasses, newDefaultClasses, readDefaults } from "./mjcf_defaults.ts";
import { MjcfError } from "./errors.ts";
import type { XmlElement } from "./xml.ts";

/** What the top-level non-body elements of an MJCF document configure. */
export interface MjcfSettings {
  /** Factor from the document's angle unit to radians (compiler angle). */
  toRad: number;
  /** compiler settotalmass; not positive means "keep the geom-derived masses". */
  totalMass: number;
  timestep: number;
  iterations: number;
  gravity: number[];
  /** custom/numeric values by name. */
  numeric: Map<string, number[]>;
  classes: DefaultClasses;
}

/** Reads the settings from the children of `<mujoco>`, in document order. */
export function readSettings(root: XmlElement): MjcfSettings {
  let degrees = true;
  let totalMass = -1;
  let timestep = 0.002;
  let iterations = 100;
  let gravity = [0, 0, -9.81];
  const numeric = new Map<string, number[]>();
  const classes = newDefaultClasses();

  for (const el of root.children) {
    if (el.tag === "compiler") {
      const angle = el.attrs.get("angle");
      if (angle !== undefined && angle !== "degree" && angle !== "radian") {
        throw new MjcfError(`compiler angle must be degree or radian`, el.path, el.line);
      }
      degrees = angle !== "radian";
      const ifg = el.attrs.get("inertiafromgeom");
      if (ifg !== undefined && ifg !== "true" && ifg !== "auto") {
        throw new MjcfError(`only inertiafromgeom="true" is supported`, el.path, el.line);
      }
      const coord = el.attrs.get("coordinate");
      if (coord !== undefined && coord !== "local") {
        throw new MjcfError(`only coordinate="local" is supported`, el.path, el.line);
      }
      totalMass = parseNumber(el, el.attrs, "settotalmass", -1);
    } else if (el.tag === "option") {
      timestep = parseNumber(el, el.attrs, "timestep", timestep);
      iterations = parseNumber(el, el.attrs, "iterations", iterations);
      gravity = parseNumbers(el, el.attrs, "gravity", 3) ?? gravity;
      if (!(timestep > 0)) throw new MjcfError("timestep must be positive", el.path, el.line);
    } else if (el.tag === "custom") {
      for (const c of el.children) {
        const name = c.attrs.get("name");
        if (!name) throw new MjcfError("numeric needs a name", c.path, c.line);
        const data = (c.attrs.get("data") ?? "").trim().split(/\s+/).map(Number);
        if (data.some((v) => !Number.isFinite(v))) {
          throw new MjcfError("numeric data must be numbers", c.path, c.line);
        }
        numeric.set(name, data);
      }
    } else if (el.tag === "default") {
      readDefaults(classes, el, undefined, true);
    }
  }
  const toRad = degrees ? Math.PI / 180 : 1;
  return { toRad, totalMass, timestep, iterations, gravity, numeric, classes };
}
