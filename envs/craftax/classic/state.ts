/**
 * Struct-of-arrays state for a batch of Craftax-Classic environments. Env `e` owns a fixed
 * stride in every array, so the hot loop touches only typed arrays and never allocates.
 *
 * Mob slots (zombies 0-2, cows 3-5, skeletons 6-7, arrows 8-10) share one set of arrays.
 * Positions are plain ints: dead arrows keep drifting off the map exactly as in the original,
 * so they may hold values outside [0, 64).
 *
 * @module
 */

import { MAP_CELLS, MAX_PLANTS, NUM_ACHIEVEMENTS, NUM_INV, NUM_MOB_SLOTS } from "./constants.ts";

export class ClassicState {
  readonly numEnvs: number;
  /** Block ids, [env][row][col]. */
  readonly map: Uint8Array;
  /** Cells occupied by zombies, cows or skeletons (not arrows), [env][row][col]. */
  readonly mobMap: Uint8Array;
  /** Player row/col, [env][2]. */
  readonly playerPos: Int32Array;
  /** Facing direction as an action id in 1..4. */
  readonly playerDir: Int32Array;
  readonly health: Int32Array;
  readonly food: Int32Array;
  readonly drink: Int32Array;
  readonly energy: Int32Array;
  readonly sleeping: Uint8Array;
  // Second-order accumulators (multiples of 0.5, exact in float32).
  readonly recover: Float32Array;
  readonly hunger: Float32Array;
  readonly thirst: Float32Array;
  readonly fatigue: Float32Array;
  /** Inventory counts, [env][12]. */
  readonly inventory: Int32Array;
  /** Mob slots, [env][11] (positions [env][11][2]). */
  readonly mobPos: Int32Array;
  readonly mobHealth: Int32Array;
  readonly mobMask: Uint8Array;
  readonly mobCooldown: Int32Array;
  /** Arrow directions, [env][3][2]. */
  readonly arrowDir: Int32Array;
  readonly plantPos: Int32Array;
  readonly plantAge: Int32Array;
  readonly plantMask: Uint8Array;
  readonly light: Float32Array;
  readonly achievements: Uint8Array;
  readonly timestep: Int32Array;

  constructor(numEnvs: number) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new RangeError(`numEnvs must be a positive integer, got ${numEnvs}`);
    }
    const n = numEnvs;
    this.numEnvs = n;
    this.map = new Uint8Array(n * MAP_CELLS);
    this.mobMap = new Uint8Array(n * MAP_CELLS);
    this.playerPos = new Int32Array(n * 2);
    this.playerDir = new Int32Array(n);
    this.health = new Int32Array(n);
    this.food = new Int32Array(n);
    this.drink = new Int32Array(n);
    this.energy = new Int32Array(n);
    this.sleeping = new Uint8Array(n);
    this.recover = new Float32Array(n);
    this.hunger = new Float32Array(n);
    this.thirst = new Float32Array(n);
    this.fatigue = new Float32Array(n);
    this.inventory = new Int32Array(n * NUM_INV);
    this.mobPos = new Int32Array(n * NUM_MOB_SLOTS * 2);
    this.mobHealth = new Int32Array(n * NUM_MOB_SLOTS);
    this.mobMask = new Uint8Array(n * NUM_MOB_SLOTS);
    this.mobCooldown = new Int32Array(n * NUM_MOB_SLOTS);
    this.arrowDir = new Int32Array(n * 3 * 2);
    this.plantPos = new Int32Array(n * MAX_PLANTS * 2);
    this.plantAge = new Int32Array(n * MAX_PLANTS);
    this.plantMask = new Uint8Array(n * MAX_PLANTS);
    this.light = new Float32Array(n);
    this.achievements = new Uint8Array(n * NUM_ACHIEVEMENTS);
    this.timestep = new Int32Array(n);
  }
}
