/** Errors raised by the locomotion physics: bad model files and diverging simulations. */

/** A malformed or unsupported MJCF document. The message names the element path and source line. */
export class MjcfError extends Error {
  /** The message is completed with the element path and line. */
  constructor(
    message: string,
    /** Element path, e.g. `mujoco/worldbody/body[torso]`. */
    readonly path: string,
    /** 1-based line in the MJCF text. */
    readonly line: number,
  ) {
    super(`${message} at ${path} (line ${line})`);
    this.name = "MjcfError";
  }
}

/** The simulation produced a non-finite or runaway state. */
export class PhysicsExplodedError extends Error {
  /** The message is completed with the environment and step. */
  constructor(
    message: string,
    /** Index of the environment in its batch. */
    readonly env: number,
    /** Env step at which it happened. */
    readonly step: number,
  ) {
    super(`${message} (env ${env}, step ${step})`);
    this.name = "PhysicsExplodedError";
  }
}
