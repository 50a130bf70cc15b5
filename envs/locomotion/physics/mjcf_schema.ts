/**
 * The MJCF subset we accept: which attributes each element may carry and which elements may nest inside
 * it. Checking the whole tree up front means later stages never meet an element they do not understand.
 *
 * @module
 */

import { MjcfError } from "./errors.ts";
import type { XmlElement } from "./xml.ts";

/** Attributes each supported element may carry. An element missing here is unsupported. */
const ALLOWED_ATTRS: Record<string, Set<string>> = {
  mujoco: new Set(["model"]),
  compiler: new Set(["angle", "inertiafromgeom", "settotalmass", "coordinate"]),
  option: new Set(["timestep", "iterations", "gravity"]),
  custom: new Set([]),
  numeric: new Set(["name", "data"]),
  default: new Set(["class"]),
  worldbody: new Set([]),
  body: new Set(["name", "pos", "quat", "childclass"]),
  joint: new Set([
    "name",
    "class",
    "type",
    "pos",
    "axis",
    "range",
    "limited",
    "armature",
    "damping",
    "stiffness",
    "solreflimit",
    "solimplimit",
  ]),
  geom: new Set([
    "name",
    "class",
    "type",
    "size",
    "pos",
    "quat",
    "axisangle",
    "fromto",
    "density",
    "mass",
    "contype",
    "conaffinity",
    "condim",
    "friction",
    "solref",
    "solimp",
    "rgba",
  ]),
  actuator: new Set([]),
  motor: new Set(["name", "class", "joint", "gear", "ctrlrange", "ctrllimited"]),
};

/** Child elements each supported element may contain. */
const ALLOWED_CHILDREN: Record<string, Set<string>> = {
  mujoco: new Set(["compiler", "option", "custom", "default", "worldbody", "actuator"]),
  custom: new Set(["numeric"]),
  default: new Set(["default", "joint", "geom", "motor"]),
  worldbody: new Set(["body", "geom"]),
  body: new Set(["body", "joint", "geom"]),
  actuator: new Set(["motor"]),
  compiler: new Set(),
  option: new Set(),
  numeric: new Set(),
  joint: new Set(),
  geom: new Set(),
  motor: new Set(),
};

/** Throws an {@link MjcfError} at the first unsupported element or attribute under `el` (depth first). */
export function validateMjcf(el: XmlElement): void {
  const allowed = ALLOWED_ATTRS[el.tag];
  if (!allowed) throw new MjcfError(`unsupported element <${el.tag}>`, el.path, el.line);
  for (const name of el.attrs.keys()) {
    if (!allowed.has(name)) {
      throw new MjcfError(`unsupported attribute '${name}' on <${el.tag}>`, el.path, el.line);
    }
  }
  const kids = ALLOWED_CHILDREN[el.tag];
  for (const c of el.children) {
    if (!kids.has(c.tag)) {
      throw new MjcfError(`unsupported element <${c.tag}> inside <${el.tag}>`, c.path, c.line);
    }
    validateMjcf(c);
  }
}
