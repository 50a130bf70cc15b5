/**
 * Checkpoints of device tensors: named tensors (network parameters, optimizer moments) and string
 * metadata (epoch, step counts, counters) in one safetensors file, written atomically after one read-back
 * of every tensor, and restored into existing tensors by name.
 *
 * @module
 */
import * as ops from "../ops.ts";
import { readAll, type Tensor } from "../tensor.ts";
import type { Param } from "../nn/layer.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { readSafetensors, type SafeTensorInput, writeSafetensors } from "./safetensors.ts";

/** The tensors a learner's network and optimizer need to resume: `<prefix>param.i.name`, `<prefix>opt.i.slot`. */
export function trainingTensors(params: Param[], optimizer: Optimizer, prefix = ""): Map<string, Tensor> {
  return new Map<string, Tensor>([
    ...params.map((p, i) => [`${prefix}param.${i}.${p.name}`, p.value] as [string, Tensor]),
    ...[...optimizer.state(params)].map(([k, t]) => [`${prefix}opt.${k}`, t] as [string, Tensor]),
  ]);
}

/** Writes `tensors` (read back in one synchronisation) and `metadata` to `path`, atomically. */
export async function saveCheckpoint(
  path: string,
  tensors: Map<string, Tensor>,
  metadata: Record<string, string>,
): Promise<void> {
  const values = await readAll([...tensors.values()]);
  const entries: Record<string, SafeTensorInput> = {};
  [...tensors].forEach(([name, t], i) => {
    entries[name] = { dtype: t.dtype === "i32" ? "I32" : "F32", shape: [...t.shape], data: values[i] };
  });
  await writeSafetensors(path, entries, metadata);
}

/**
 * Writes the file's tensors into `targets` (every target must be in the file with its size) and returns
 * the file's metadata.
 */
export async function loadCheckpoint(
  path: string,
  targets: Map<string, Tensor>,
): Promise<Record<string, string>> {
  const file = await readSafetensors(path);
  for (const [name, target] of targets) {
    const saved = file.tensors.get(name);
    if (!saved || saved.data.length !== target.size) {
      const found = saved ? `[${saved.shape}]` : "missing";
      throw new Error(
        `${path}: tensor "${name}" is ${found}, the model needs [${target.shape}]; ` +
          `the checkpoint belongs to a different architecture or config`,
      );
    }
    ops.write(target, saved.data as Float32Array | Int32Array);
  }
  return file.metadata;
}
