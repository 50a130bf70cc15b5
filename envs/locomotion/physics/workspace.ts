/**
 * Scratch state for stepping one environment at a time: every intermediate quantity of a physics step as a
 * flat Float64Array sized by the model. One workspace is reused across all environments of a batch.
 */

import type { Model } from "./model.ts";

export class Workspace {
  // Generalized state of the environment being stepped.
  readonly q: Float64Array;
  readonly qd: Float64Array;
  readonly ctrl: Float64Array;
  // Kinematics.
  readonly xpos: Float64Array; // link frame origin, 3 per link
  readonly xquat: Float64Array; // 4 per link
  readonly xmat: Float64Array; // 9 per link
  readonly xipos: Float64Array; // link COM, 3 per link
  readonly xanchor: Float64Array; // 3 per joint
  readonly xaxis: Float64Array; // 3 per joint
  /** COM of each link's tree, 3 per link (the frame of the com-based spatial quantities). */
  readonly rootCom: Float64Array;
  /** Inertia about rootCom in world axes, 10 per link: mass, m*(xipos-com) (3), I (xx,yy,zz,xy,xz,yz). */
  readonly cinert: Float64Array;
  readonly cdof: Float64Array; // 6 per dof: (angular, linear) at rootCom
  readonly cvel: Float64Array; // 6 per link
  readonly cdofdot: Float64Array; // 6 per dof
  readonly cacc: Float64Array; // 6 per link
  readonly cfrc: Float64Array; // 6 per link
  readonly crb: Float64Array; // 10 per link
  // Dynamics.
  readonly M: Float64Array; // nv*nv, dense, with armature
  readonly L: Float64Array; // Cholesky factor of M (lower)
  readonly bias: Float64Array;
  readonly qfSmooth: Float64Array;
  readonly qfConstraint: Float64Array;
  readonly qacc: Float64Array;
  readonly tmpV: Float64Array;
  readonly tmp6: Float64Array;
  // Contacts.
  ncon = 0;
  readonly conPos: Float64Array; // 3 per contact
  readonly conFrame: Float64Array; // 9 per contact: normal, tangent1, tangent2
  readonly conDist: Float64Array;
  readonly conBody: Int32Array;
  readonly conPair: Int32Array;
  // Constraint rows.
  nefc = 0;
  readonly maxRows: number;
  readonly J: Float64Array; // maxRows*nv
  readonly MinvJT: Float64Array; // maxRows*nv (row r = M^-1 J_r)
  readonly R: Float64Array;
  readonly aref: Float64Array;
  readonly A: Float64Array; // maxRows*maxRows
  readonly b: Float64Array;
  // Solver scratch.
  readonly force: Float64Array;
  readonly fx: Float64Array;
  readonly fy: Float64Array;
  readonly fnext: Float64Array;
  readonly grad: Float64Array;
  readonly resid: Float64Array;

  constructor(readonly model: Model) {
    const { nbody, njnt, nv, nq, nu } = model;
    const f = (n: number) => new Float64Array(Math.max(n, 1));
    this.q = f(nq);
    this.qd = f(nv);
    this.ctrl = f(nu);
    this.xpos = f(nbody * 3);
    this.xquat = f(nbody * 4);
    this.xmat = f(nbody * 9);
    this.xipos = f(nbody * 3);
    this.xanchor = f(njnt * 3);
    this.xaxis = f(njnt * 3);
    this.rootCom = f(nbody * 3);
    this.cinert = f(nbody * 10);
    this.cdof = f(nv * 6);
    this.cvel = f(nbody * 6);
    this.cdofdot = f(nv * 6);
    this.cacc = f(nbody * 6);
    this.cfrc = f(nbody * 6);
    this.crb = f(nbody * 10);
    this.M = f(nv * nv);
    this.L = f(nv * nv);
    this.bias = f(nv);
    this.qfSmooth = f(nv);
    this.qfConstraint = f(nv);
    this.qacc = f(nv);
    this.tmpV = f(nv);
    this.tmp6 = f(12);
    const nc = model.ncontactMax;
    this.conPos = f(nc * 3);
    this.conFrame = f(nc * 9);
    this.conDist = f(nc);
    this.conBody = new Int32Array(Math.max(nc, 1));
    this.conPair = new Int32Array(Math.max(nc, 1));
    let limited = 0;
    for (let j = 0; j < njnt; j++) if (model.jntLimited[j]) limited++;
    const rows = nc * 4 + limited;
    this.maxRows = rows;
    this.J = f(rows * nv);
    this.MinvJT = f(rows * nv);
    this.R = f(rows);
    this.aref = f(rows);
    this.A = f(rows * rows);
    this.b = f(rows);
    this.force = f(rows);
    this.fx = f(rows);
    this.fy = f(rows);
    this.fnext = f(rows);
    this.grad = f(rows);
    this.resid = f(rows);
  }
}
