/**
 * A copy of the policy network on the cpu backend, so the rollout acts where the environments run. On a
 * WebGPU learner the per-step path reads the sampled actions back every env step, and each read costs at
 * least ~11 ms in Deno whatever the GPU; with this copy, refreshed once per iteration (one read of every
 * parameter), a rollout needs no device synchronisation at all and the update stays on the device.
 *
 * The sampling noise is the same counter-based Philox stream on both backends, so the host path differs from
 * the device path only by the float rounding of the forward pass; on a cpu learner the two give the same
 * bits (tests/rl_host_actor_test.ts).
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { CpuBackend } from "../backend/cpu/backend.ts";
import * as ops from "../ops.ts";
import { readAll } from "../tensor.ts";
import { type ActionDistribution, makeDistribution } from "./distributions.ts";
import { type NetOptions, RlNet } from "./nets.ts";
import type { ActionSpace } from "./vec_env.ts";

/** Where a PPO learner's rollout acts: `auto` is `host` on a GPU backend and `device` on the cpu backend. */
export const ACTOR_PLACEMENTS = ["auto", "device", "host"] as const;
/** One of {@link ACTOR_PLACEMENTS}. */
export type ActorPlacement = typeof ACTOR_PLACEMENTS[number];

/** Whether a learner on `backend` asked for `placement` acts through a {@link HostPolicy}. */
export function actsOnHost(placement: ActorPlacement, backend: Backend): boolean {
  return placement === "host" || (placement === "auto" && backend.name !== "cpu");
}

export class HostPolicy {
  /** The cpu backend the copy lives on (one per learner; its threads are the process's). */
  readonly backend: Backend = new CpuBackend();
  readonly net: RlNet;
  readonly dist: ActionDistribution;

  /** An empty copy of `source`'s architecture (its weights arrive with {@link refresh}). */
  constructor(source: RlNet, options: NetOptions, space: ActionSpace) {
    const inputs = source.net.spec.inputs;
    this.net = new RlNet(this.backend, source.strategy, inputs, source.outputs, options, { lr: 1 }, 0);
    this.dist = makeDistribution(this.backend, space);
  }

  /** Copies every parameter of `source` into the host copy: one device read. */
  async refresh(source: RlNet): Promise<void> {
    const values = await readAll(source.params.map((p) => p.value));
    this.net.params.forEach((p, i) => ops.write(p.value, values[i]));
  }

  dispose(): void {
    this.net.dispose();
    this.dist.dispose();
    this.backend.dispose();
  }
}
