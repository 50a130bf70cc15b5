/**
 * `<actuator>` motors: each drives one hinge or slide joint with a scalar gear and an optional control
 * range.
 *
 * @module
 */

import type { Attrs } from "./mjcf_attrs.ts";
import { parseBool, parseNumbers } from "./mjcf_attrs.ts";
import { type DefaultClasses, resolveAttrs } from "./mjcf_defaults.ts";
import type { LinkJoint } from "./mjcf_dofs.ts";
import { MjcfError } from "./errors.ts";
import { JOINT_FREE } from "./model.ts";
import type { XmlElement } from "./xml.ts";

/** Per-actuator arrays named as in {@link Model}. */
export interface Actuators {
  nu: number;
  actDof: Int32Array;
  actGear: Float64Array;
  actCtrlLimited: Uint8Array;
  actCtrlRange: Float64Array;
  actName: string[];
}

/**
 * Reads the motors of every `<actuator>` under `root`, resolving their joint by name among `joints`
 * (whose dof addresses are `jntDofAdr`). A motor without a name takes its joint's.
 */
export function readActuators(
  root: XmlElement,
  classes: DefaultClasses,
  joints: LinkJoint[],
  jntDofAdr: Int32Array,
): Actuators {
  const motors: { el: XmlElement; a: Attrs }[] = [];
  for (const el of root.children) {
    if (el.tag !== "actuator") continue;
    for (const c of el.children) motors.push({ el: c, a: resolveAttrs(classes, c, "motor", "main") });
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
    const gear = parseNumbers(el, a, "gear", [1, 6]) ?? [1];
    if (gear.slice(1).some((g) => g !== 0)) {
      throw new MjcfError("only the first gear component is supported", el.path, el.line);
    }
    const range = parseNumbers(el, a, "ctrlrange", 2);
    const lim = parseBool(el, a, "ctrllimited") ?? range !== undefined;
    if (lim && !range) throw new MjcfError("ctrllimited motor needs a ctrlrange", el.path, el.line);
    if (lim && range && !(range[0] < range[1])) {
      throw new MjcfError(`ctrlrange ${range.join(" ")} must have lower < upper`, el.path, el.line);
    }
    actDof[i] = jntDofAdr[ji];
    actGear[i] = gear[0];
    actCtrlLimited[i] = lim ? 1 : 0;
    actCtrlRange.set(range ?? [0, 0], i * 2);
    actName.push(a.get("name") ?? jn);
  });
  return { nu, actDof, actGear, actCtrlLimited, actCtrlRange, actName };
}
