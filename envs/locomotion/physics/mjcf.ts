/**
 * Loads the MJCF subset used by the locomotion models into a {@link Model}.
 *
 * Supported: `compiler` (angle, inertiafromgeom, settotalmass, coordinate=local), `option` (timestep,
 * iterations, gravity), `custom/numeric`, nested `default` classes for joint/geom/motor, `worldbody` with
 * `body`, `joint` (free, hinge, slide), `geom` (plane, sphere, capsule; size, fromto, pos, quat, axisangle,
 * density, mass, contact filters, friction, solref, solimp) and `actuator/motor`. Bodies without joints are
 * fused into their parent as Brax does. Anything else is rejected with an {@link MjcfError} that names the
 * element path and line.
 */

import { MjcfError } from "./errors.ts";
import { geomPrincipalInertia, geomVolume } from "./geom_inertia.ts";
import { computeInvweights } from "./invweight.ts";
import { qmat, qmul, qrot, quatZTo } from "./math3d.ts";
import {
  GEOM_CAPSULE,
  GEOM_PLANE,
  GEOM_SPHERE,
  JOINT_FREE,
  JOINT_HINGE,
  JOINT_SLIDE,
  type Model,
} from "./model.ts";
import { parseXml, type XmlElement } from "./xml.ts";

type Attrs = Map<string, string>;

const ALLOWED: Record<string, Set<string>> = {
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

const CHILDREN: Record<string, Set<string>> = {
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

function validate(el: XmlElement): void {
  const allowed = ALLOWED[el.tag];
  if (!allowed) throw new MjcfError(`unsupported element <${el.tag}>`, el.path, el.line);
  for (const name of el.attrs.keys()) {
    if (!allowed.has(name)) {
      throw new MjcfError(`unsupported attribute '${name}' on <${el.tag}>`, el.path, el.line);
    }
  }
  const kids = CHILDREN[el.tag];
  for (const c of el.children) {
    if (!kids.has(c.tag)) {
      throw new MjcfError(`unsupported element <${c.tag}> inside <${el.tag}>`, c.path, c.line);
    }
    validate(c);
  }
}

function nums(el: XmlElement, attrs: Attrs, name: string, count: number | number[]): number[] | undefined {
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

function num(el: XmlElement, attrs: Attrs, name: string, fallback: number): number {
  const v = nums(el, attrs, name, 1);
  return v ? v[0] : fallback;
}

function bool(el: XmlElement, attrs: Attrs, name: string): boolean | undefined {
  const raw = attrs.get(name);
  if (raw === undefined || raw === "auto") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new MjcfError(`attribute '${name}'="${raw}" must be true, false or auto`, el.path, el.line);
}

interface DefaultClass {
  joint: Attrs;
  geom: Attrs;
  motor: Attrs;
}

interface RawJoint {
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

interface RawGeom {
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

interface RawBody {
  el: XmlElement;
  name: string;
  pos: number[];
  quat: number[];
  joints: RawJoint[];
  geoms: RawGeom[];
  children: RawBody[];
}

const DEFAULT_SOLREF = [0.02, 1];
const DEFAULT_SOLIMP = [0.9, 0.95, 0.001, 0.5, 2];

function normalize(v: number[], el: XmlElement, what: string): number[] {
  const n = Math.hypot(...v);
  if (n < 1e-12) throw new MjcfError(`${what} has zero length`, el.path, el.line);
  return v.map((x) => x / n);
}

/** Parses MJCF text into a compiled {@link Model}. */
export function loadMjcf(xml: string): Model {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    throw new MjcfError((e as Error).message, "document", 0);
  }
  if (root.tag !== "mujoco") throw new MjcfError(`root element must be <mujoco>`, root.path, root.line);
  validate(root);

  let degrees = true;
  let totalMass = -1;
  let timestep = 0.002;
  let iterations = 100;
  let gravity = [0, 0, -9.81];
  const numeric = new Map<string, number[]>();
  const classes = new Map<string, DefaultClass>();
  classes.set("main", { joint: new Map(), geom: new Map(), motor: new Map() });

  const readDefaults = (el: XmlElement, parent: DefaultClass | undefined, top: boolean): void => {
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
      const dst = cls[c.tag as "joint" | "geom" | "motor"];
      for (const [k, v] of c.attrs) {
        if (k === "name" || k === "class" || k === "joint" || k === "fromto") {
          throw new MjcfError(`attribute '${k}' is not allowed in a default`, c.path, c.line);
        }
        dst.set(k, v);
      }
    }
    classes.set(name, cls);
    for (const c of el.children) if (c.tag === "default") readDefaults(c, cls, false);
  };

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
      totalMass = num(el, el.attrs, "settotalmass", -1);
    } else if (el.tag === "option") {
      timestep = num(el, el.attrs, "timestep", timestep);
      iterations = num(el, el.attrs, "iterations", iterations);
      gravity = nums(el, el.attrs, "gravity", 3) ?? gravity;
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
      readDefaults(el, undefined, true);
    }
  }
  const toRad = degrees ? Math.PI / 180 : 1;

  const resolve = (el: XmlElement, kind: "joint" | "geom" | "motor", childclass: string): Attrs => {
    const clsName = el.attrs.get("class") ?? childclass;
    const cls = classes.get(clsName);
    if (!cls) throw new MjcfError(`unknown default class '${clsName}'`, el.path, el.line);
    const out = new Map(cls[kind]);
    for (const [k, v] of el.attrs) if (k !== "class") out.set(k, v);
    return out;
  };

  const readJoint = (el: XmlElement, childclass: string): RawJoint => {
    const a = resolve(el, "joint", childclass);
    const typeName = a.get("type") ?? "hinge";
    const type = typeName === "free"
      ? JOINT_FREE
      : typeName === "hinge"
      ? JOINT_HINGE
      : typeName === "slide"
      ? JOINT_SLIDE
      : -1;
    if (type < 0) throw new MjcfError(`unknown joint type '${typeName}'`, el.path, el.line);
    let range = nums(el, a, "range", 2);
    const lim = bool(el, a, "limited");
    const limited = type !== JOINT_FREE && (lim ?? range !== undefined);
    if (limited && !range) throw new MjcfError("limited joint needs a range", el.path, el.line);
    if (range && type === JOINT_HINGE) range = range.map((r) => r * toRad);
    if (range && limited && !(range[0] < range[1])) {
      throw new MjcfError("joint range must have lower < upper", el.path, el.line);
    }
    return {
      el,
      name: a.get("name") ?? "",
      type,
      pos: nums(el, a, "pos", 3) ?? [0, 0, 0],
      axis: normalize(nums(el, a, "axis", 3) ?? [0, 0, 1], el, "joint axis"),
      range,
      limited,
      armature: num(el, a, "armature", 0),
      damping: num(el, a, "damping", 0),
      stiffness: num(el, a, "stiffness", 0),
      solref: nums(el, a, "solreflimit", 2) ?? DEFAULT_SOLREF,
      solimp: nums(el, a, "solimplimit", [3, 5]) ?? DEFAULT_SOLIMP,
    };
  };

  const readGeom = (el: XmlElement, childclass: string): RawGeom => {
    const a = resolve(el, "geom", childclass);
    const typeName = a.get("type") ?? "sphere";
    const type = typeName === "sphere"
      ? GEOM_SPHERE
      : typeName === "capsule"
      ? GEOM_CAPSULE
      : typeName === "plane"
      ? GEOM_PLANE
      : -1;
    if (type < 0) throw new MjcfError(`unsupported geom type '${typeName}'`, el.path, el.line);
    const size = nums(el, a, "size", [1, 2, 3]);
    const fromto = nums(el, a, "fromto", 6);
    let pos = nums(el, a, "pos", 3) ?? [0, 0, 0];
    let quat = [1, 0, 0, 0];
    const q = nums(el, a, "quat", 4);
    const aa = nums(el, a, "axisangle", 4);
    if (q && aa) throw new MjcfError("geom has both quat and axisangle", el.path, el.line);
    if (q) quat = normalize(q, el, "geom quat");
    if (aa) {
      const ax = normalize(aa.slice(0, 3), el, "geom axisangle axis");
      const ang = aa[3] * toRad;
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
    const condim = num(el, a, "condim", 3);
    if (condim !== 3) throw new MjcfError("only condim=3 is supported", el.path, el.line);
    const vol = geomVolume(type, r, h);
    const massAttr = nums(el, a, "mass", 1);
    const mass = massAttr ? massAttr[0] : num(el, a, "density", 1000) * vol;
    const fr = nums(el, a, "friction", [1, 2, 3]) ?? [1];
    const friction = [fr[0], fr[1] ?? 0.005, fr[2] ?? 0.0001];
    return {
      el,
      name: a.get("name") ?? "",
      type,
      size: [r, h, 0],
      pos,
      quat,
      mass,
      contype: num(el, a, "contype", 1),
      conaffinity: num(el, a, "conaffinity", 1),
      friction,
      solref: nums(el, a, "solref", 2) ?? DEFAULT_SOLREF,
      solimp: nums(el, a, "solimp", [3, 5]) ?? DEFAULT_SOLIMP,
      rgba: nums(el, a, "rgba", 4) ?? [0.5, 0.5, 0.5, 1],
    };
  };

  const readBody = (el: XmlElement, childclass: string): RawBody => {
    const cc = el.attrs.get("childclass") ?? childclass;
    if (!classes.has(cc)) throw new MjcfError(`unknown childclass '${cc}'`, el.path, el.line);
    const q = nums(el, el.attrs, "quat", 4);
    const body: RawBody = {
      el,
      name: el.attrs.get("name") ?? "",
      pos: nums(el, el.attrs, "pos", 3) ?? [0, 0, 0],
      quat: q ? normalize(q, el, "body quat") : [1, 0, 0, 0],
      joints: [],
      geoms: [],
      children: [],
    };
    for (const c of el.children) {
      if (c.tag === "joint") body.joints.push(readJoint(c, cc));
      else if (c.tag === "geom") body.geoms.push(readGeom(c, cc));
      else body.children.push(readBody(c, cc));
    }
    return body;
  };

  const worldEl = root.children.find((c) => c.tag === "worldbody");
  if (!worldEl) throw new MjcfError("missing <worldbody>", root.path, root.line);
  const worldGeoms: RawGeom[] = [];
  const tops: RawBody[] = [];
  for (const c of worldEl.children) {
    if (c.tag === "geom") worldGeoms.push(readGeom(c, "main"));
    else tops.push(readBody(c, "main"));
  }

  // ---- Fusion: flatten the body tree into links. ----
  interface Link {
    raw: RawBody;
    parent: number;
    pos: number[];
    quat: number[];
    geoms: RawGeom[];
  }
  const links: Link[] = [];
  const allGeoms: { g: RawGeom; link: number }[] = [];
  const place = (g: RawGeom, pos: number[], quat: number[]): RawGeom => {
    const p = qrot(quat, g.pos);
    return { ...g, pos: [pos[0] + p[0], pos[1] + p[1], pos[2] + p[2]], quat: qmul(quat, g.quat) };
  };
  for (const g of worldGeoms) allGeoms.push({ g, link: -1 });
  const visit = (raw: RawBody, parent: number, accPos: number[], accQuat: number[]): void => {
    const rp = qrot(accQuat, raw.pos);
    const pos = [accPos[0] + rp[0], accPos[1] + rp[1], accPos[2] + rp[2]];
    const quat = qmul(accQuat, raw.quat);
    if (raw.joints.length > 0) {
      const idx = links.length;
      const link: Link = { raw, parent, pos, quat, geoms: [] };
      links.push(link);
      for (const j of raw.joints) {
        if (j.type === JOINT_FREE && (parent !== -1 || raw.joints.length > 1)) {
          throw new MjcfError(
            "a free joint must be the only joint of a top-level body",
            j.el.path,
            j.el.line,
          );
        }
      }
      for (const g of raw.geoms) {
        link.geoms.push(g);
        allGeoms.push({ g, link: idx });
      }
      for (const c of raw.children) visit(c, idx, [0, 0, 0], [1, 0, 0, 0]);
    } else {
      // Joint-less body: weld its geoms and children onto the parent link (or the world).
      for (const g of raw.geoms) {
        const placed = place(g, pos, quat);
        if (parent >= 0) links[parent].geoms.push(placed);
        allGeoms.push({ g: placed, link: parent });
      }
      for (const c of raw.children) visit(c, parent, pos, quat);
    }
  };
  for (const t of tops) visit(t, -1, [0, 0, 0], [1, 0, 0, 0]);
  if (links.length === 0) throw new MjcfError("model has no moving bodies", worldEl.path, worldEl.line);

  // ---- Inertia from geoms. ----
  const nbody = links.length;
  const bodyMass = new Float64Array(nbody);
  const bodyIpos = new Float64Array(nbody * 3);
  const bodyInertia = new Float64Array(nbody * 9);
  for (let b = 0; b < nbody; b++) {
    let m = 0;
    const c = [0, 0, 0];
    for (const g of links[b].geoms) {
      if (g.type === GEOM_PLANE) {
        throw new MjcfError("plane geoms must belong to the world", g.el.path, g.el.line);
      }
      m += g.mass;
      for (let k = 0; k < 3; k++) c[k] += g.mass * g.pos[k];
    }
    if (!(m > 0)) {
      const el = links[b].raw.el;
      throw new MjcfError("moving body has no mass (add geoms with density or mass)", el.path, el.line);
    }
    for (let k = 0; k < 3; k++) c[k] /= m;
    const I = new Array(9).fill(0);
    for (const g of links[b].geoms) {
      if (g.mass === 0) continue;
      const pr = geomPrincipalInertia(g.type, g.size[0], g.size[1], g.mass);
      const R = qmat(g.quat);
      const d = [g.pos[0] - c[0], g.pos[1] - c[1], g.pos[2] - c[2]];
      const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += R[i * 3 + k] * pr[k] * R[j * 3 + k];
          I[i * 3 + j] += s + g.mass * ((i === j ? dd : 0) - d[i] * d[j]);
        }
      }
    }
    bodyMass[b] = m;
    bodyIpos.set(c, b * 3);
    bodyInertia.set(I, b * 9);
  }
  if (totalMass > 0) {
    let sum = 0;
    for (let b = 0; b < nbody; b++) sum += bodyMass[b];
    const s = totalMass / sum;
    for (let b = 0; b < nbody; b++) bodyMass[b] *= s;
    for (let k = 0; k < nbody * 9; k++) bodyInertia[k] *= s;
  }

  // ---- Joints and dofs. ----
  const joints: { j: RawJoint; body: number }[] = [];
  for (let b = 0; b < nbody; b++) for (const j of links[b].raw.joints) joints.push({ j, body: b });
  const njnt = joints.length;
  let nq = 0, nv = 0;
  const jntQposAdr = new Int32Array(njnt);
  const jntDofAdr = new Int32Array(njnt);
  for (let i = 0; i < njnt; i++) {
    jntQposAdr[i] = nq;
    jntDofAdr[i] = nv;
    const free = joints[i].j.type === JOINT_FREE;
    nq += free ? 7 : 1;
    nv += free ? 6 : 1;
  }
  const bodyParent = Int32Array.from(links.map((l) => l.parent));
  const bodyRoot = new Int32Array(nbody);
  for (let b = 0; b < nbody; b++) bodyRoot[b] = bodyParent[b] < 0 ? b : bodyRoot[bodyParent[b]];
  const bodyJntAdr = new Int32Array(nbody);
  const bodyJntNum = new Int32Array(nbody);
  const bodyDofAdr = new Int32Array(nbody);
  const bodyDofNum = new Int32Array(nbody);
  {
    let ji = 0;
    for (let b = 0; b < nbody; b++) {
      bodyJntAdr[b] = ji;
      bodyJntNum[b] = links[b].raw.joints.length;
      bodyDofAdr[b] = jntDofAdr[ji];
      ji += bodyJntNum[b];
      bodyDofNum[b] = (ji < njnt ? jntDofAdr[ji] : nv) - bodyDofAdr[b];
    }
  }
  const dofBody = new Int32Array(nv);
  const dofJnt = new Int32Array(nv);
  const dofParent = new Int32Array(nv);
  const dofArmature = new Float64Array(nv);
  const dofDamping = new Float64Array(nv);
  for (let i = 0; i < njnt; i++) {
    const { j, body } = joints[i];
    const n = j.type === JOINT_FREE ? 6 : 1;
    for (let k = 0; k < n; k++) {
      const d = jntDofAdr[i] + k;
      dofBody[d] = body;
      dofJnt[d] = i;
      dofArmature[d] = j.armature;
      dofDamping[d] = j.damping;
    }
  }
  for (let d = 0; d < nv; d++) {
    if (d > bodyDofAdr[dofBody[d]]) {
      dofParent[d] = d - 1;
    } else {
      let p = bodyParent[dofBody[d]];
      while (p >= 0 && bodyDofNum[p] === 0) p = bodyParent[p];
      dofParent[d] = p < 0 ? -1 : bodyDofAdr[p] + bodyDofNum[p] - 1;
    }
  }
  const qpos0 = new Float64Array(nq);
  for (let i = 0; i < njnt; i++) {
    if (joints[i].j.type === JOINT_FREE) {
      const l = links[joints[i].body];
      qpos0.set([...l.pos, ...l.quat], jntQposAdr[i]);
    }
  }

  // ---- Geoms and contact pairs. ----
  const ngeom = allGeoms.length;
  const geomType = new Int32Array(ngeom);
  const geomBody = new Int32Array(ngeom);
  const geomPos = new Float64Array(ngeom * 3);
  const geomQuat = new Float64Array(ngeom * 4);
  const geomSize = new Float64Array(ngeom * 3);
  const geomContype = new Int32Array(ngeom);
  const geomConaffinity = new Int32Array(ngeom);
  const geomFriction = new Float64Array(ngeom * 3);
  const geomSolref = new Float64Array(ngeom * 2);
  const geomSolimp = new Float64Array(ngeom * 5);
  const geomRgba = new Float64Array(ngeom * 4);
  const solimp5 = (s: number[]): number[] => s.length === 5 ? s : [s[0], s[1], s[2], 0.5, 2];
  allGeoms.forEach(({ g, link }, i) => {
    geomType[i] = g.type;
    geomBody[i] = link;
    geomPos.set(g.pos, i * 3);
    geomQuat.set(g.quat, i * 4);
    geomSize.set(g.size, i * 3);
    geomContype[i] = g.contype;
    geomConaffinity[i] = g.conaffinity;
    geomFriction.set(g.friction, i * 3);
    geomSolref.set(g.solref, i * 2);
    geomSolimp.set(solimp5(g.solimp), i * 5);
    geomRgba.set(g.rgba, i * 4);
  });
  const pairs: { plane: number; geom: number }[] = [];
  for (let a = 0; a < ngeom; a++) {
    for (let b = a + 1; b < ngeom; b++) {
      const collide = (geomContype[a] & geomConaffinity[b]) | (geomContype[b] & geomConaffinity[a]);
      if (!collide) continue;
      const la = geomBody[a], lb = geomBody[b];
      if (la === lb) continue;
      if (la >= 0 && lb >= 0 && (bodyParent[la] === lb || bodyParent[lb] === la)) continue;
      const planeA = geomType[a] === GEOM_PLANE, planeB = geomType[b] === GEOM_PLANE;
      if (planeA !== planeB && (planeA ? la : lb) === -1) {
        pairs.push(planeA ? { plane: a, geom: b } : { plane: b, geom: a });
        continue;
      }
      const g = allGeoms[b].g;
      throw new MjcfError(
        `unsupported collision pair (only world plane vs sphere/capsule): ${allGeoms[a].g.name || a}`,
        g.el.path,
        g.el.line,
      );
    }
  }
  const npair = pairs.length;
  const pairPlane = Int32Array.from(pairs.map((p) => p.plane));
  const pairGeom = Int32Array.from(pairs.map((p) => p.geom));
  const pairFriction = new Float64Array(npair);
  const pairSolref = new Float64Array(npair * 2);
  const pairSolimp = new Float64Array(npair * 5);
  const pairPoints = new Int32Array(npair);
  let ncontactMax = 0;
  pairs.forEach(({ plane, geom }, i) => {
    pairFriction[i] = Math.max(geomFriction[plane * 3], geomFriction[geom * 3]);
    for (let k = 0; k < 2; k++) {
      pairSolref[i * 2 + k] = 0.5 * (geomSolref[plane * 2 + k] + geomSolref[geom * 2 + k]);
    }
    for (let k = 0; k < 5; k++) {
      pairSolimp[i * 5 + k] = 0.5 * (geomSolimp[plane * 5 + k] + geomSolimp[geom * 5 + k]);
    }
    pairPoints[i] = geomType[geom] === GEOM_CAPSULE ? 2 : 1;
    ncontactMax += pairPoints[i];
  });

  // ---- Actuators. ----
  const motors: { el: XmlElement; a: Attrs }[] = [];
  for (const el of root.children) {
    if (el.tag !== "actuator") continue;
    for (const c of el.children) motors.push({ el: c, a: resolve(c, "motor", "main") });
  }
  const nu = motors.length;
  const actDof = new Int32Array(nu);
  const actGear = new Float64Array(nu);
  const actCtrlLimited = new Uint8Array(nu);
  const actCtrlRange = new Float64Array(nu * 2);
  const actName: string[] = [];
  motors.forEach(({ el, a }, i) => {
    const jn = a.get("joint");
    if (!jn) throw new MjcfError("motor needs a joint", el.path, el.line);
    const ji = joints.findIndex((j) => j.j.name === jn);
    if (ji < 0) throw new MjcfError(`motor refers to unknown joint '${jn}'`, el.path, el.line);
    if (joints[ji].j.type === JOINT_FREE) {
      throw new MjcfError("motors on free joints are unsupported", el.path, el.line);
    }
    const gear = nums(el, a, "gear", [1, 6]) ?? [1];
    if (gear.slice(1).some((g) => g !== 0)) {
      throw new MjcfError("only the first gear component is supported", el.path, el.line);
    }
    const range = nums(el, a, "ctrlrange", 2);
    const lim = bool(el, a, "ctrllimited") ?? range !== undefined;
    if (lim && !range) throw new MjcfError("ctrllimited motor needs a ctrlrange", el.path, el.line);
    actDof[i] = jntDofAdr[ji];
    actGear[i] = gear[0];
    actCtrlLimited[i] = lim ? 1 : 0;
    actCtrlRange.set(range ?? [0, 0], i * 2);
    actName.push(a.get("name") ?? jn);
  });

  const model: Model = {
    name: root.attrs.get("model") ?? "",
    timestep,
    iterations,
    solverMaxls: numeric.get("solver_maxls")?.[0] ?? 20,
    gravity: Float64Array.from(gravity),
    numeric,
    nbody,
    bodyName: links.map((l) => l.raw.name),
    bodyParent,
    bodyRoot,
    bodyPos: Float64Array.from(links.flatMap((l) => l.pos)),
    bodyQuat: Float64Array.from(links.flatMap((l) => l.quat)),
    bodyMass,
    bodyIpos,
    bodyInertia,
    bodyJntAdr,
    bodyJntNum,
    bodyDofAdr,
    bodyDofNum,
    bodyInvweight: new Float64Array(nbody),
    njnt,
    jntName: joints.map((j) => j.j.name),
    jntType: Int32Array.from(joints.map((j) => j.j.type)),
    jntBody: Int32Array.from(joints.map((j) => j.body)),
    jntQposAdr,
    jntDofAdr,
    jntPos: Float64Array.from(joints.flatMap((j) => j.j.pos)),
    jntAxis: Float64Array.from(joints.flatMap((j) => j.j.axis)),
    jntLimited: Uint8Array.from(joints.map((j) => (j.j.limited ? 1 : 0))),
    jntRange: Float64Array.from(joints.flatMap((j) => j.j.range ?? [0, 0])),
    jntStiffness: Float64Array.from(joints.map((j) => j.j.stiffness)),
    jntSolref: Float64Array.from(joints.flatMap((j) => j.j.solref)),
    jntSolimp: Float64Array.from(joints.flatMap((j) => solimp5(j.j.solimp))),
    nq,
    nv,
    dofBody,
    dofJnt,
    dofParent,
    dofArmature,
    dofDamping,
    dofInvweight: new Float64Array(nv),
    ngeom,
    geomName: allGeoms.map((g) => g.g.name),
    geomType,
    geomBody,
    geomPos,
    geomQuat,
    geomSize,
    geomContype,
    geomConaffinity,
    geomFriction,
    geomSolref,
    geomSolimp,
    geomRgba,
    npair,
    pairPlane,
    pairGeom,
    pairFriction,
    pairSolref,
    pairSolimp,
    pairPoints,
    ncontactMax,
    nu,
    actName,
    actDof,
    actGear,
    actCtrlLimited,
    actCtrlRange,
    qpos0,
  };
  computeInvweights(model);
  return model;
}
