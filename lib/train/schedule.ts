/** Learning-rate schedules as a multiplier of the base rate, a function of fractional epochs done. */

/** A learning-rate schedule (the config's `optimizer.schedule`); see {@link learningRateScale}. */
export interface ScheduleConfig {
  /** "constant" (default), "cosine" (half-cosine decay to `minLr` over the run) or "step" (× gamma). */
  kind: "constant" | "cosine" | "step";
  /** Linear warm-up from 0 to the full rate over this many epochs (fractional allowed; 0 = none). */
  warmupEpochs: number;
  /** Step schedule: epochs between decays (default 10). */
  stepEvery: number;
  /** Step schedule: the factor in (0, 1] applied every `stepEvery` epochs (default 0.1). */
  gamma: number;
  /** Cosine: final rate as a fraction is minLr / lr; here given as an absolute rate with `baseLr`. */
  minLr: number;
}

/**
 * Multiplier at `progress` epochs (fractional) of `epochs`. Cosine decays from 1 to `minLr / baseLr`
 * (pass baseLr to honour minLr; without it the floor is 0).
 */
export function learningRateScale(
  s: ScheduleConfig,
  epochs: number,
  progress: number,
  baseLr?: number,
): number {
  const warm = s.warmupEpochs > 0 ? Math.min(1, progress / s.warmupEpochs) : 1;
  switch (s.kind) {
    case "constant":
      return warm;
    case "step":
      return warm * s.gamma ** Math.floor(progress / s.stepEvery);
    case "cosine": {
      const floor = baseLr ? Math.min(1, s.minLr / baseLr) : 0;
      const t = Math.min(1, progress / epochs);
      return warm * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
  }
}
