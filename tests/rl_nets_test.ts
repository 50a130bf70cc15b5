// RL networks: the config's rmsNorm and init reach the layers (hidden layers normalised, never the output),
// and the two Dalean initialisations have their distributions' means.
import assert from "assert";
import { CpuBackend } from "../lib/backend/cpu/backend.ts";
import { RlNet, strategyFor } from "../lib/rl/nets.ts";
import { netDefaults } from "../lib/rl/options.ts";

const cpu = new CpuBackend();

Deno.test("rl/nets: rmsNorm normalises the hidden layers only; ED and DFA default to ReLU + RMS norm", () => {
  for (const algo of ["ed-ppo", "dfa-ppo", "ed-ppo-nondale", "bp-ppo"] as const) {
    const options = netDefaults(algo, [32, 32, 32], "policy", "silu");
    const net = new RlNet(cpu, strategyFor(algo), 17, 12, options, { lr: 1e-3 }, 0);
    const expected = algo !== "bp-ppo";
    assert.deepEqual(net.net.layers.map((l) => l.rmsNorm), [expected, expected, expected, false], algo);
    assert.equal(net.net.layers[0].activation.kind, expected ? "relu" : "silu", algo);
    net.dispose();
  }
});

Deno.test("rl/nets: Dalean init: |N(0,1)| has mean 0.80·s/√fan_in, U[0,1) 0.5·s/√fan_in, both >= 0", async () => {
  const fanIn = 64;
  for (const [init, mean] of [["abs-normal", Math.sqrt(2 / Math.PI)], ["uniform", 0.5]] as const) {
    const options = {
      ...netDefaults("ed-ppo", [256], "value"),
      init,
      excitatoryScale: 2,
      inhibitoryScale: 3,
    };
    const net = new RlNet(cpu, strategyFor("ed-ppo"), fanIn, 1, options, { lr: 1e-3 }, 5);
    const [pp, np] = net.net.layers[0].params;
    for (const [p, scale] of [[pp, 2], [np, 3]] as const) {
      const w = await p.value.readF32();
      const m = w.reduce((a, b) => a + b, 0) / w.length;
      assert.ok(w.every((x) => x >= 0), `${init} ${p.name} has negative weights`);
      const want = mean * scale / Math.sqrt(fanIn);
      assert.ok(Math.abs(m - want) < 0.03 * want, `${init} ${p.name}: mean ${m}, expected ${want}`);
    }
    net.dispose();
  }
});
