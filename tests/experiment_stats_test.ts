import assert from "assert";
import {
  lnGamma,
  mean,
  regularizedIncompleteBeta,
  std,
  studentTCdf,
  studentTTwoSidedP,
  welchTTest,
} from "../lib/experiment/stats.ts";

const close = (got: number, want: number, tol: number, what = "") =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);

Deno.test("stats: mean and sample std", () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  close(std([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-12, "std");
  assert.ok(Number.isNaN(std([1])));
  assert.ok(Number.isNaN(mean([])));
});

Deno.test("stats: lnGamma and the regularized incomplete beta against known values", () => {
  close(lnGamma(1), 0, 1e-13, "lnΓ(1)");
  close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, "lnΓ(1/2)");
  close(lnGamma(10), Math.log(362880), 1e-12, "lnΓ(10)");
  // scipy.special.betainc(a, b, x)
  close(regularizedIncompleteBeta(0.4, 2.5, 3.5), 0.4869041915261176, 1e-12, "I_0.4(2.5,3.5)");
  close(regularizedIncompleteBeta(0.9, 0.5, 0.5), 0.7951672353008665, 1e-12, "I_0.9(0.5,0.5)");
  close(regularizedIncompleteBeta(0.45, 50, 60), 0.4642352914306031, 1e-11, "I_0.45(50,60)");
  close(regularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-14, "uniform");
  close(
    regularizedIncompleteBeta(0.9, 0.5, 0.5),
    (2 / Math.PI) * Math.asin(Math.sqrt(0.9)),
    1e-13,
    "arcsine",
  );
  assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
  assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
});

Deno.test("stats: Student-t CDF and two-sided p-values against scipy.stats.t", () => {
  close(studentTTwoSidedP(2.0, 10), 0.07338803477074037, 1e-12, "t=2, df=10");
  close(studentTCdf(2.0, 10), 0.9633059826146299, 1e-12, "cdf(2; 10)");
  close(studentTCdf(-1.5, 3.7), 0.10679908460100675, 1e-12, "cdf(-1.5; 3.7)");
  close(studentTCdf(0.3, 1), 0.5927735790777423, 1e-12, "Cauchy");
  close(studentTCdf(4.0, 200), 0.999955434523907, 1e-12, "cdf(4; 200)");
  close(studentTCdf(-12, 2.5), 0.0014181075150391622, 1e-12, "cdf(-12; 2.5)");
  assert.equal(studentTCdf(0, 7), 0.5);
  assert.equal(studentTTwoSidedP(0, 7), 1);
  // Cauchy closed form: cdf(t; 1) = 1/2 + atan(t)/π
  close(studentTCdf(3, 1), 0.5 + Math.atan(3) / Math.PI, 1e-13, "Cauchy closed form");
});

Deno.test("stats: Welch's t-test matches scipy.stats.ttest_ind(equal_var=False)", () => {
  // Worked by hand: means 3 and 6, variances 2.5 and 10, se² = 0.5 + 2 = 2.5,
  // t = -3/√2.5 = -1.8974, df = 2.5² / (0.5²/4 + 2²/4) = 5.8824.
  let r = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
  close(r.t, -1.8973665961010275, 1e-12, "t");
  close(r.df, 5.882352941176471, 1e-12, "df");
  close(r.p, 0.10753119493062728, 1e-10, "p");
  assert.equal(r.diff, -3);
  // An ablation-like collapse: large effect, unequal variances.
  r = welchTTest([0.971, 0.968, 0.973, 0.970, 0.969], [0.265, 0.301, 0.180, 0.412, 0.233]);
  close(r.t, 17.779394994038313, 1e-9, "t");
  close(r.df, 4.003909809255411, 1e-9, "df");
  close(r.p, 5.838661693163131e-05, 1e-11, "p");
  r = welchTTest([0.9712, 0.9688, 0.9731, 0.9705, 0.9694], [0.9681, 0.9670, 0.9702, 0.9659, 0.9690]);
  close(r.t, 2.410806932833886, 1e-9, "t");
  close(r.df, 7.999963758983649, 1e-9, "df");
  close(r.p, 0.04245484368531037, 1e-10, "p");
  r = welchTTest([10.1, 9.8, 10.3], [9.9, 10.0, 10.2, 9.7, 10.1, 10.4, 9.6]);
  close(r.t, 0.45065736322645983, 1e-10, "t");
  close(r.df, 4.274486542283546, 1e-9, "df");
  close(r.p, 0.67415803890644, 1e-10, "p");
});

Deno.test("stats: Welch's t-test edge cases", () => {
  let r = welchTTest([0.5], [0.4, 0.6]);
  assert.ok(Number.isNaN(r.p) && Number.isNaN(r.t));
  r = welchTTest([1, 1, 1], [1, 1]);
  assert.equal(r.t, 0);
  assert.equal(r.p, 1);
  r = welchTTest([2, 2], [1, 1]);
  assert.equal(r.t, Infinity);
  assert.equal(r.p, 0);
});
