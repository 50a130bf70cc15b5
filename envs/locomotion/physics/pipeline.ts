/**
 * Brax's generalized pipeline in reduced coordinates, one substep at a time:
 * kinematics -> mass matrix (L^T D L factor) -> bias forces -> passive and actuator forces -> contacts and
 * limits -> soft-constraint solve -> semi-implicit Euler. `stepEnv` runs n substeps with the control held,
 * on one environment's slice of batched struct-of-arrays state.
 *
 * Deviation from Brax, documented: M^-1 is applied by an exact solve (tree-sparse M = L^T D L, as MuJoCo)
 * instead of Brax's warm-started Newton-Schulz approximate inverse (brax.md 2.1; Brax's own init uses the
 * exact inverse and the iteration converges to it).
 *
 * The exact contact solve is warm-started per environment from the rows active at its previous substep
 * (see solveConstraints); that changes only the work done, not the forces (nnls.ts).
 */

import { factorLD, massMatrix, solveL, solveLT } from "./crba.ts";
import { collide } from "./collision.ts";
import { buildConstraints } from "./constraints.ts";
import { integrate } from "./integrate.ts";
import { comPos, comVel, forwardKinematics } from "./kinematics.ts";
import { JOINT_FREE, type Model } from "./model.ts";
import { NnlsScratch } from "./nnls.ts";
import { biasForces } from "./rne.ts";
import { solveConstraints } from "./solver.ts";
import { Workspace } from "./workspace.ts";

/** Options of {@link Pipeline}. */
export interface PipelineOptions {
  /** Enable floor contacts (default true). */
  contacts?: boolean;
  /** Enable joint limits (default true). */
  limits?: boolean;
  /**
   * Constraint solver: "exact" (default) minimizes Brax's objective to convergence (Lawson-Hanson NNLS);
   * "fista" reproduces Brax's truncated projected-gradient solve with `option iterations` iterations.
   */
  solver?: "exact" | "fista";
}

/**
 * The physics of one model: substeps on a scratch workspace, or `stepEnv` on one environment's slice of
 * batched state. The locomotion environments own one each.
 *
 * @example
 * ```ts
 * import { HALF_CHEETAH_XML, loadMjcf, Pipeline } from "@diffusing-blame/ed";
 * const pipeline = new Pipeline(loadMjcf(HALF_CHEETAH_XML));
 * console.log(pipeline.model.nq, pipeline.model.nu, pipeline.substep()); // 9 6 true
 * ```
 */
export class Pipeline {
  /** @ignore Scratch state of the current substep (internal). */
  readonly ws: Workspace;
  /** Whether floor contacts are simulated. */
  readonly contacts: boolean;
  /** Whether joint limits are enforced. */
  readonly limits: boolean;
  /** The constraint solver in use. */
  readonly solver: "exact" | "fista";
  private readonly nnls?: NnlsScratch;
  /**
   * Warm start of the exact solve: per environment slot, one flag per constraint-row identity marking the
   * rows active at its previous substep. Slot 0 serves direct substep() calls.
   */
  private warm: Uint8Array;
  private warmSlot = 0;
  private readonly stiffDof: Int32Array;
  private readonly stiffQ: Int32Array;
  private readonly stiffK: Float64Array;

  /** Allocates the workspace for `model`. */
  constructor(
    /** The compiled model. */
    readonly model: Model,
    opts: PipelineOptions = {},
  ) {
    this.ws = new Workspace(model);
    this.contacts = opts.contacts ?? true;
    this.limits = opts.limits ?? true;
    this.solver = opts.solver ?? "exact";
    if (this.solver === "exact") this.nnls = new NnlsScratch(this.ws.maxRows);
    this.warm = new Uint8Array(this.ws.maxRows);
    const dofs: number[] = [], qs: number[] = [], ks: number[] = [];
    for (let j = 0; j < model.njnt; j++) {
      if (model.jntType[j] !== JOINT_FREE && model.jntStiffness[j] !== 0) {
        dofs.push(model.jntDofAdr[j]);
        qs.push(model.jntQposAdr[j]);
        ks.push(model.jntStiffness[j]);
      }
    }
    this.stiffDof = Int32Array.from(dofs);
    this.stiffQ = Int32Array.from(qs);
    this.stiffK = Float64Array.from(ks);
  }

  /**
   * Position- and velocity-dependent quantities for the state in ws.q / ws.qd: kinematics, mass matrix
   * and its factor, bias forces, qf_smooth (with ws.ctrl) and the unconstrained acceleration in ws.qacc.
   * Returns false if the mass matrix is not positive definite.
   */
  smooth(): boolean {
    const m = this.model, ws = this.ws;
    forwardKinematics(m, ws);
    comPos(m, ws);
    comVel(m, ws);
    massMatrix(m, ws);
    if (!factorLD(m, ws)) return false;
    biasForces(m, ws);
    const { qfSmooth, bias, qd, q, ctrl, qacc } = ws;
    for (let i = 0; i < m.nv; i++) qfSmooth[i] = -bias[i] - m.dofDamping[i] * qd[i];
    for (let k = 0; k < this.stiffDof.length; k++) {
      qfSmooth[this.stiffDof[k]] -= this.stiffK[k] * q[this.stiffQ[k]];
    }
    for (let a = 0; a < m.nu; a++) {
      let c = ctrl[a];
      if (m.actCtrlLimited[a]) {
        const lo = m.actCtrlRange[a * 2], hi = m.actCtrlRange[a * 2 + 1];
        c = c < lo ? lo : c > hi ? hi : c;
      }
      qfSmooth[m.actDof[a]] += m.actGear[a] * c;
    }
    const { u, invD, LD } = ws;
    const nv = m.nv;
    for (let i = 0; i < nv; i++) {
      u[i] = qfSmooth[i];
      invD[i] = 1 / LD[i * nv + i];
    }
    solveLT(m, ws, u, 0);
    for (let i = 0; i < nv; i++) qacc[i] = u[i] * invD[i];
    solveL(m, ws, qacc, 0);
    return true;
  }

  /** One physics substep on ws.q / ws.qd with ws.ctrl. Returns false if the state became invalid. */
  substep(): boolean {
    const m = this.model, ws = this.ws;
    if (!this.smooth()) return false;
    if (this.contacts || this.limits) {
      if (this.contacts) collide(m, ws);
      else ws.ncon = 0;
      buildConstraints(m, ws, this.contacts, this.limits);
      solveConstraints(m, ws, this.nnls, this.warm, this.warmSlot * ws.maxRows);
    } else {
      ws.nefc = 0;
      ws.qfConstraint.fill(0);
    }
    integrate(m, ws, m.timestep);
    return true;
  }

  /**
   * Steps environment `env` of batched state (q: numEnvs*nq, qd: numEnvs*nv, ctrl: numEnvs*nu) by
   * `nFrames` substeps holding the control. Returns false if the state became non-finite.
   */
  stepEnv(
    qAll: Float64Array,
    qdAll: Float64Array,
    ctrlAll: ArrayLike<number>,
    env: number,
    nFrames: number,
  ): boolean {
    const m = this.model, ws = this.ws;
    const nq = m.nq, nv = m.nv, nu = m.nu;
    const { q, qd, ctrl } = ws;
    const qo = env * nq, vo = env * nv, uo = env * nu;
    for (let i = 0; i < nq; i++) q[i] = qAll[qo + i];
    for (let i = 0; i < nv; i++) qd[i] = qdAll[vo + i];
    for (let i = 0; i < nu; i++) ctrl[i] = ctrlAll[uo + i];
    if ((env + 1) * ws.maxRows > this.warm.length) this.growWarm(env + 1);
    this.warmSlot = env;
    let ok = true;
    for (let f = 0; f < nFrames && ok; f++) ok = this.substep();
    this.warmSlot = 0;
    for (let i = 0; i < nq; i++) {
      const v = q[i];
      if (v !== v || v === Infinity || v === -Infinity) ok = false;
      qAll[qo + i] = v;
    }
    for (let i = 0; i < nv; i++) {
      const v = qd[i];
      if (v !== v || v === Infinity || v === -Infinity || Math.abs(v) > 1e6) ok = false;
      qdAll[vo + i] = v;
    }
    return ok;
  }

  /**
   * Forgets the solver warm start of environment `env` (all environments if omitted), e.g. after a reset,
   * so that an episode's trajectory does not depend on the state before it.
   */
  clearWarmStart(env?: number): void {
    const rows = this.ws.maxRows;
    if (env === undefined) this.warm.fill(0);
    else if ((env + 1) * rows <= this.warm.length) this.warm.fill(0, env * rows, (env + 1) * rows);
  }

  /** Makes room for the warm-start flags of `slots` environments, keeping the existing ones. */
  private growWarm(slots: number): void {
    const rows = this.ws.maxRows;
    const next = new Uint8Array(Math.max(slots, (2 * this.warm.length) / rows) * rows);
    next.set(this.warm);
    this.warm = next;
  }

  /** Loads one environment's q into the workspace and runs forward kinematics (for observations). */
  kinematicsOf(qAll: Float64Array, qdAll: Float64Array, env: number): void {
    const m = this.model, ws = this.ws;
    for (let i = 0; i < m.nq; i++) ws.q[i] = qAll[env * m.nq + i];
    for (let i = 0; i < m.nv; i++) ws.qd[i] = qdAll[env * m.nv + i];
    forwardKinematics(m, ws);
  }

  /** Loads one environment's state and computes kinematics, COM quantities and link velocities. */
  dynamicsOf(qAll: Float64Array, qdAll: Float64Array, env: number): void {
    this.kinematicsOf(qAll, qdAll, env);
    comPos(this.model, this.ws);
    comVel(this.model, this.ws);
  }
}
