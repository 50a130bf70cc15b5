/**
 * Loads the MJCF subset used by the locomotion models into a {@link Model}.
 *
 * Supported: `compiler` (angle, inertiafromgeom, settotalmass, coordinate=local), `option` (timestep,
 * iterations, gravity), `custom/numeric`, nested `default` classes for joint/geom/motor, `worldbody` with
 * `body`, `joint` (free, hinge, slide), `geom` (plane, sphere, capsule; size, fromto, pos, quat, axisangle,
 * density, mass, contact filters, friction, solref, solimp) and `actuator/motor`. Bodies without joints are
 * fused into their parent as Brax does. Anything else is rejected with an {@link MjcfError} that names the
 * element path and line.
 *
 * The stages live next to this file: `mjcf_schema.ts` (what is accepted), `mjcf_settings.ts` with
 * `mjcf_defaults.ts` and `mjcf_attrs.ts` (document settings, default classes, attribute values),
 * `mjcf_body_tree.ts` (bodies, joints, geoms), `mjcf_fusion.ts` (bodies to links), `mjcf_inertia.ts`,
 * `mjcf_dofs.ts`, `mjcf_contacts.ts` and `mjcf_actuators.ts` (the model's arrays).
 *
 * @module
 */

import { readActuators } from "./mjcf_actuators.ts";
import { readWorld, solimp5 } from "./mjcf_body_tree.ts";
import { buildContactPairs, buildGeomArrays } from "./mjcf_contacts.ts";
import { layoutDofs } from "./mjcf_dofs.ts";
import { fuseBodies } from "./mjcf_fusion.ts";
import { computeLinkInertia } from "./mjcf_inertia.ts";
import { validateMjcf } from "./mjcf_schema.ts";
import { readSettings } from "./mjcf_settings.ts";
import { MjcfError } from "./errors.ts";
import { computeInvweights } from "./invweight.ts";
import type { Model } from "./model.ts";
import { parseXml, type XmlElement } from "./xml.ts";

/** Parses MJCF text into a compiled {@link Model}. */
export function loadMjcf(xml: string): Model {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    throw new MjcfError((e as Error).message, "document", 0);
  }
  if (root.tag !== "mujoco") throw new MjcfError(`root element must be <mujoco>`, root.path, root.line);
  validateMjcf(root);

  // Stage order fixes which error a document with several problems reports; keep it.
  const settings = readSettings(root);
  const { timestep, iterations, gravity, numeric } = settings;
  const world = readWorld(settings, root);
  const { links, geoms: allGeoms } = fuseBodies(world);
  const nbody = links.length;
  const { bodyMass, bodyIpos, bodyInertia } = computeLinkInertia(links, settings.totalMass);
  const {
    joints,
    njnt,
    nq,
    nv,
    jntQposAdr,
    jntDofAdr,
    bodyParent,
    bodyRoot,
    bodyJntAdr,
    bodyJntNum,
    bodyDofAdr,
    bodyDofNum,
    dofBody,
    dofJnt,
    dofParent,
    dofArmature,
    dofDamping,
    qpos0,
  } = layoutDofs(links);
  const geoms = buildGeomArrays(allGeoms);
  const pairs = buildContactPairs(allGeoms, geoms, bodyParent);
  const act = readActuators(root, settings.classes, joints, jntDofAdr);

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
    ngeom: geoms.ngeom,
    geomName: allGeoms.map((g) => g.g.name),
    geomType: geoms.geomType,
    geomBody: geoms.geomBody,
    geomPos: geoms.geomPos,
    geomQuat: geoms.geomQuat,
    geomSize: geoms.geomSize,
    geomContype: geoms.geomContype,
    geomConaffinity: geoms.geomConaffinity,
    geomFriction: geoms.geomFriction,
    geomSolref: geoms.geomSolref,
    geomSolimp: geoms.geomSolimp,
    geomRgba: geoms.geomRgba,
    npair: pairs.npair,
    pairPlane: pairs.pairPlane,
    pairGeom: pairs.pairGeom,
    pairFriction: pairs.pairFriction,
    pairSolref: pairs.pairSolref,
    pairSolimp: pairs.pairSolimp,
    pairPoints: pairs.pairPoints,
    ncontactMax: pairs.ncontactMax,
    nu: act.nu,
    actName: act.actName,
    actDof: act.actDof,
    actGear: act.actGear,
    actCtrlLimited: act.actCtrlLimited,
    actCtrlRange: act.actCtrlRange,
    qpos0,
  };
  computeInvweights(model);
  return model;
}
