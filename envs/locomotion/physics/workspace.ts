/**
 * Scratch state for stepping one environment at a time: every intermediate quantity of a physics step as a
 * flat Float64Array sized by the model. One workspace is reused across all environments of a batch.
 */

import { dofAncestors, type Model } from "./model.ts";

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
  /** 1 for a joint whose position in its link frame is the origin (model constant). */
  readonly jntAtOrigin: Uint8Array;
  /** COM of each link's tree, 3 per link (the frame of the com-based spatial quantities). */
  readonly rootCom: Float64Array;
  /** Inertia about rootCom in world axes, 10 per link: mass, m*(xipos-com) (3), I (xx,yy,zz,xy,xz,yz). */
  readonly cinert: Float64Array;
  /** Total mass of each link's tree (model constant, cached for comPos). */
  readonly treeMass: Float64Array;
  readonly cdof: Float64Array; // 6 per dof: (angular, linear) at rootCom
  readonly cvel: Float64Array; // 6 per link
  readonly cdofdot: Float64Array; // 6 per dof
  readonly cacc: Float64Array; // 6 per link
  readonly cfrc: Float64Array; // 6 per link
  readonly crb: Float64Array; // 10 per link
  // Dynamics.
  readonly M: Float64Array; // nv*nv, dense, with armature
  /** Tree-sparse factor of M = L^T D L (crba.ts factorLD): L below the diagonal, D on it. */
  readonly LD: Float64Array;
  /** 1 / D. */
  readonly invD: Float64Array;
  /** Dof ancestor lists (model.ts dofAncestors): dof i's path to the root is anc[ancAdr[i]..ancAdr[i+1]). */
  readonly anc: Int32Array;
  readonly ancAdr: Int32Array;
  /** nv*nv: deepest common ancestor dof of dofs i and j (-1 if none); their paths share its path. */
  readonly dofLca: Int32Array;
  readonly bias: Float64Array;
  readonly qfSmooth: Float64Array;
  readonly qfConstraint: Float64Array;
  readonly qacc: Float64Array;
  /** L^-T qf_smooth (the unconstrained acceleration is L^-1 D^-1 u). */
  readonly u: Float64Array;
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
  /** maxRows*nv; row r is valid on its dof path only (see rowLast), the rest is stale. */
  readonly J: Float64Array;
  /**
   * maxRows*nv: row r = L^-T J_r^T with M = L^T D L, nonzero only on row r's dof path, so that
   * A = J M^-1 J^T + diag(R) = V D^-1 V^T + diag(R). Only the path entries are kept up to date.
   */
  readonly V: Float64Array;
  /** maxRows*nv: row r = D^-1 V_r. */
  readonly VD: Float64Array;
  /** Last dof of row r's path: J_r is nonzero only on the dofs from there to the root (-1: none). */
  readonly rowLast: Int32Array;
  /** Identity of row r, stable across steps (contact point * 4 + cone edge, then limited joints). */
  readonly rowId: Int32Array;
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
    this.jntAtOrigin = new Uint8Array(Math.max(njnt, 1));
    for (let j = 0; j < njnt; j++) {
      const p = model.jntPos;
      this.jntAtOrigin[j] = p[j * 3] === 0 && p[j * 3 + 1] === 0 && p[j * 3 + 2] === 0 ? 1 : 0;
    }
    this.rootCom = f(nbody * 3);
    this.cinert = f(nbody * 10);
    this.treeMass = f(nbody);
    for (let b = 0; b < nbody; b++) {
      let mt = 0;
      for (let c = 0; c < nbody; c++) if (model.bodyRoot[c] === b) mt += model.bodyMass[c];
      this.treeMass[b] = mt;
    }
    this.cdof = f(nv * 6);
    this.cvel = f(nbody * 6);
    this.cdofdot = f(nv * 6);
    this.cacc = f(nbody * 6);
    this.cfrc = f(nbody * 6);
    this.crb = f(nbody * 10);
    this.M = f(nv * nv);
    this.LD = f(nv * nv);
    this.invD = f(nv);
    const { anc, ancAdr } = dofAncestors(model);
    this.anc = anc;
    this.ancAdr = ancAdr;
    this.dofLca = new Int32Array(Math.max(nv * nv, 1));
    for (let i = 0; i < nv; i++) {
      for (let j = 0; j < nv; j++) {
        let lca = -1;
        for (let a = ancAdr[i]; a < ancAdr[i + 1] && lca < 0; a++) {
          for (let b = ancAdr[j]; b < ancAdr[j + 1]; b++) {
            if (anc[a] === anc[b]) {
              lca = anc[a];
              break;
            }
          }
        }
        this.dofLca[i * nv + j] = lca;
      }
    }
    this.bias = f(nv);
    this.qfSmooth = f(nv);
    this.qfConstraint = f(nv);
    this.qacc = f(nv);
    this.u = f(nv);
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
    this.V = f(rows * nv);
    this.VD = f(rows * nv);
    this.rowLast = new Int32Array(Math.max(rows, 1));
    this.rowId = new Int32Array(Math.max(rows, 1));
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
