/**
 * Signs that a run trains without learning, beyond a NaN or Inf loss (which stops the run): every layer's
 * drive exactly zero for a whole epoch (saturated outputs or a vanished error), or training accuracy still
 * at chance after an epoch (often a learning rate far too large, which saturates the net at exit status 0).
 * Each sign becomes a warning line and a code in metrics.csv's `warning` column; the run goes on, since some
 * ablations (uniform width, seed ED) are expected to stay at chance.
 *
 * @module
 */

/** Accuracy within this margin of 1/classes counts as chance. */
export const CHANCE_MARGIN = 0.02;

/** One warning: a short code for the CSV and a sentence for the log. */
export interface EpochWarning {
  /** "zero-drive": every layer's drive was 0 all epoch; "chance": training accuracy ≤ 1/classes + 0.02. */
  code: "zero-drive" | "chance";
  /** One sentence for the log: what was seen, at which epoch, and what to try. */
  message: string;
}

/** The warnings an epoch's training metrics raise. */
export function epochWarnings(
  epoch: { epoch: number; trainAccuracy: number; meanDrive: number[] },
  classes: number,
  lr: number,
): EpochWarning[] {
  const out: EpochWarning[] = [];
  if (epoch.meanDrive.length > 0 && epoch.meanDrive.every((d) => d === 0)) {
    out.push({
      code: "zero-drive",
      message:
        `every layer's drive was exactly 0 in epoch ${epoch.epoch}: the outputs are saturated or the ` +
        `error vanished, so nothing learns (lower optimizer.lr, now ${lr}, or check the inputs)`,
    });
  }
  const chance = 1 / classes;
  if (epoch.trainAccuracy <= chance + CHANCE_MARGIN) {
    out.push({
      code: "chance",
      message: `training accuracy ${(100 * epoch.trainAccuracy).toFixed(1)}% is at chance ` +
        `(${(100 * chance).toFixed(1)}%) after epoch ${epoch.epoch}: the run is not learning ` +
        `(a learning rate of ${lr} may be too large, or it is still on its initial plateau: CIFAR-10 ED can ` +
        `sit at chance for a few hundred steps; expected for the uniform-width and seed ablations)`,
    });
  }
  return out;
}
