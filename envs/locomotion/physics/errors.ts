/** Errors raised by the locomotion physics: bad model files and diverging simulations. */

/** A malformed or unsupported MJCF document. The message names the element path and source line. */
export class MjcfError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly line: number,
  ) {
    super(`${message} at ${path} (line ${line})`);
    this.name = "MjcfError";
  }
}

/** The simulation produced a non-finite or runaway state. */
export class PhysicsExplodedError extends Error {
  constructor(
    message: string,
    readonly env: number,
    readonly step: number,
  ) {
    super(`${message} (env ${env}, step ${step})`);
    this.name = "PhysicsExplodedError";
  }
}
