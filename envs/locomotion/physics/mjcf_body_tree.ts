/**
 * Reads `<worldbody>` into a tree of raw bodies, joints and geoms: default classes applied, units converted
 * and every value checked, but still in MJCF's nested local frames (fusion into links comes later).
 *
 * @module
 */

import { normalize, parseBool, parseNumber, parseNumbers } from "./mjcf_attrs.ts";
import { resolveAttrs } from "./mjcf_defaults.ts";
import type { MjcfSettings } from "./mjcf_settings.ts";
import { MjcfError } from "./errors.ts";
import { geomVolume } from "./geom_inertia.ts";
import { quatZTo } from "./math3d.ts";
import { GEOM_CAPSULE, GEOM_PLANE, GEOM_SPHERE, JOINT_FREE, JOINT_HINGE, JOINT_SLIDE } from "./model.ts";
import type { XmlElement } from "./xml.ts";

/** A joint as written, with angles in radians and its axis normalised. */
export interface RawJoint {
  el: XmlElement;
  name: string;
  type: number;
  pos: number[];
  axis: number[];
  range?: number[];
  limited: boolean;
  armature: number;
  damping: number;
  stiffness: number;
  solref: number[];
  solimp: number[];
}

/** A geom reduced to our primitives: size is [radius, half-length, 0], placed in its body's frame. */
export interface RawGeom {
  el: XmlElement;
  name: string;
  type: number;
  size: number[];
  pos: number[];
  quat: number[];
  mass: number;
  contype: number;
  conaffinity: number;
  friction: number[];
  solref: number[];
  solimp: number[];
  rgba: number[];
}

/** A body with its own joints, geoms and child bodies, placed in its parent's frame. */
export interface RawBody {
  el: XmlElement;
  name: string;
  pos: number[];
  quat: number[];
  joints: RawJoint[];
  geoms: RawGeom[];
  children: RawBody[];
}

/** The world's own geoms and its top-level bodies. */
export interface RawWorld {
  el: XmlElement;
  geoms: RawGeom[];
  bodies: RawBody[];
}

/** MuJoCo's default solver reference and impedance (used for joint limits and contacts). */
export const DEFAULT_SOLREF = [0.02, 1];
export const DEFAULT_SOLIMP = [0.9, 0.95, 0.001, 0.5, 2];

/** Pads a 3-value solimp with MuJoCo's default midpoint and power. */
export const solimp5 = (s: number[]): number[] => s.length === 5 ? s : [s[0], s[1], s[2], 0.5, 2];

/** What reading elements needs from the settings. */
type ReadContext = Pick<MjcfSettings, "classes" | "toRad">;

function readJoint(ctx: ReadContext, el: XmlElement, childclass: string): RawJoint {
  const a = resolveAttrs(ctx.classes, el, "joint", childclass);
  const typeName = a.get("type") ?? "hinge";
  const type = typeName === "free"
    ? JOINT_FREE
    : typeName === "hinge"
    ? JOINT_HINGE
    : typeName === "slide"
    ? JOINT_SLIDE
    : -1;
  if (type < 0) throw new MjcfError(`unknown joint type '${typeName}'`, el.path, el.line);
  let range = parseNumbers(el, a, "range", 2);
  const lim = parseBool(el, a, "limited");
  const limited = type !== JOINT_FREE && (lim ?? range !== undefined);
  if (limited && !range) throw new MjcfError("limited joint needs a range", el.path, el.line);
  if (range && type === JOINT_HINGE) range = range.map((r) => r * ctx.toRad);
  if (range && limited && !(range[0] < range[1])) {
    throw new MjcfError("joint range must have lower < upper", el.path, el.line);
  }
  return {
    el,
    name: a.get("name") ?? "",
    type,
    pos: parseNumbers(el, a, "pos", 3) ?? [0, 0, 0],
    axis: normalize(parseNumbers(el, a, "axis", 3) ?? [0, 0, 1], el, "joint axis"),
    range,
    limited,
    armature: parseNumber(el, a, "armature", 0),
    damping: parseNumber(el, a, "damping", 0),
    stiffness: parseNumber(el, a, "stiffness", 0),
    solref: parseNumbers(el, a, "solreflimit", 2) ?? DEFAULT_SOLREF,
    solimp: parseNumbers(el, a, "solimplimit", [3, 5]) ?? DEFAULT_SOLIMP,
  };
}

function readGeom(ctx: ReadContext, el: XmlElement, childclass: string): RawGeom {
  const a = resolveAttrs(ctx.classes, el, "geom", childclass);
  const typeName = a.get("type") ?? "sphere";
  const type = typeName === "sphere"
    ? GEOM_SPHERE
    : typeName === "capsule"
    ? GEOM_CAPSULE
    : typeName === "plane"
    ? GEOM_PLANE
    : -1;
  if (type < 0) throw new MjcfError(`unsupported geom type '${typeName}'`, el.path, el.line);
  const size = parseNumbers(el, a, "size", [1, 2, 3]);
  const fromto = parseNumbers(el, a, "fromto", 6);
  let pos = parseNumbers(el, a, "pos", 3) ?? [0, 0, 0];
  let quat = [1, 0, 0, 0];
  const q = parseNumbers(el, a, "quat", 4);
  const aa = parseNumbers(el, a, "axisangle", 4);
  if (q && aa) throw new MjcfError("geom has both quat and axisangle", el.path, el.line);
  if (q) quat = normalize(q, el, "geom quat");
  if (aa) {
    const ax = normalize(aa.slice(0, 3), el, "geom axisangle axis");
    const ang = aa[3] * ctx.toRad;
    const s = Math.sin(ang / 2);
    quat = [Math.cos(ang / 2), ax[0] * s, ax[1] * s, ax[2] * s];
  }
  let r = 0, h = 0;
  if (type === GEOM_SPHERE) {
    if (!size) throw new MjcfError("sphere geom needs size (radius)", el.path, el.line);
    r = size[0];
  } else if (type === GEOM_CAPSULE) {
    if (!size) throw new MjcfError("capsule geom needs size (radius)", el.path, el.line);
    r = size[0];
    if (fromto) {
      // The segment fixes the capsule's centre, half-length and z axis, overriding pos/quat.
      const d = [fromto[3] - fromto[0], fromto[4] - fromto[1], fromto[5] - fromto[2]];
      const len = Math.hypot(d[0], d[1], d[2]);
      if (len < 1e-12) throw new MjcfError("capsule fromto has zero length", el.path, el.line);
      h = len / 2;
      pos = [(fromto[0] + fromto[3]) / 2, (fromto[1] + fromto[4]) / 2, (fromto[2] + fromto[5]) / 2];
      quat = quatZTo(d[0] / len, d[1] / len, d[2] / len);
    } else {
      if (size.length < 2) {
        throw new MjcfError("capsule geom needs size (radius half-length) or fromto", el.path, el.line);
      }
      h = size[1];
    }
  } else if (fromto) {
    throw new MjcfError("fromto is only supported on capsules", el.path, el.line);
  }
  if (type !== GEOM_PLANE && !(r > 0)) {
    throw new MjcfError("geom radius must be positive", el.path, el.line);
  }
  const condim = parseNumber(el, a, "condim", 3);
  if (condim !== 3) throw new MjcfError("only condim=3 is supported", el.path, el.line);
  const vol = geomVolume(type, r, h);
  const massAttr = parseNumbers(el, a, "mass", 1);
  const mass = massAttr ? massAttr[0] : parseNumber(el, a, "density", 1000) * vol;
  const fr = parseNumbers(el, a, "friction", [1, 2, 3]) ?? [1];
  const friction = [fr[0], fr[1] ?? 0.005, fr[2] ?? 0.0001];
  return {
    el,
    name: a.get("name") ?? "",
    type,
    size: [r, h, 0],
    pos,
    quat,
    mass,
    contype: parseNumber(el, a, "contype", 1),
    conaffinity: parseNumber(el, a, "conaffinity", 1),
    friction,
    solref: parseNumbers(el, a, "solref", 2) ?? DEFAULT_SOLREF,
    solimp: parseNumbers(el, a, "solimp", [3, 5]) ?? DEFAULT_SOLIMP,
    rgba: parseNumbers(el, a, "rgba", 4) ?? [0.5, 0.5, 0.5, 1],
  };
}

function readBody(ctx: ReadContext, el: XmlElement, childclass: string): RawBody {
  const cc = el.attrs.get("childclass") ?? childclass;
  if (!ctx.classes.has(cc)) throw new MjcfError(`unknown childclass '${cc}'`, el.path, el.line);
  const q = parseNumbers(el, el.attrs, "quat", 4);
  const body: RawBody = {
    el,
    name: el.attrs.get("name") ?? "",
    pos: parseNumbers(el, el.attrs, "pos", 3) ?? [0, 0, 0],
    quat: q ? normalize(q, el, "body quat") : [1, 0, 0, 0],
    joints: [],
    geoms: [],
    children: [],
  };
  for (const c of el.children) {
    if (c.tag === "joint") body.joints.push(readJoint(ctx, c, cc));
    else if (c.tag === "geom") body.geoms.push(readGeom(ctx, c, cc));
    else body.children.push(readBody(ctx, c, cc));
  }
  return body;
}

/** Reads the document's `<worldbody>` (required) in document order. */
export function readWorld(ctx: ReadContext, root: XmlElement): RawWorld {
  const worldEl = root.children.find((c) => c.tag === "worldbody");
  if (!worldEl) throw new MjcfError("missing <worldbody>", root.path, root.line);
  const worldGeoms: RawGeom[] = [];
  const tops: RawBody[] = [];
  for (const c of worldEl.children) {
    if (c.tag === "geom") worldGeoms.push(readGeom(ctx, c, "main"));
    else tops.push(readBody(ctx, c, "main"));
  }
  return { el: worldEl, geoms: worldGeoms, bodies: tops };
}
