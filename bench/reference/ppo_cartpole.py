"""A CleanRL-style PPO on CartPole-v1 in NumPy alone: the reference curve for BP-PPO (bench/cartpole_reference.ts).

Written for this project (no code taken from CleanRL), following the structure of CleanRL's single-file
ppo.py: N vectorised envs that auto-reset, a rollout of T steps per env, GAE computed once per iteration
with the rollout's values (episode ends, time limits included, do not bootstrap, as in CleanRL), then
`epochs` passes of shuffled minibatches of single steps with the clipped surrogate, 0.5*vf*(V - R)^2 and an
entropy bonus; separate 2x64 tanh actor and critic with orthogonal init (sqrt 2 hidden, 0.01 actor head,
1 critic head) and Adam. Hyperparameters follow configs/rl_cartpole.yaml so the two implementations run
the same settings: 8 envs x 64 steps, 4 minibatches, 4 epochs, lr 1e-3, gamma 0.99, lambda 0.95, clip 0.2,
entropy 0.01, vf 0.5, reward scaling 0.1, running observation normalisation. CleanRL's LR annealing,
gradient clipping and value clipping are off, as in the TypeScript PPO.

Usage: python3 bench/reference/ppo_cartpole.py [--mask-truncation] SEED STEPS [CHECKPOINT ...]
With --mask-truncation, time-limit steps are masked out of GAE and the losses as in Brax and the TS PPO
(CleanRL treats them as terminal).
Prints one JSON line: {"seed": s, "returns": {checkpoint: mean of the last 20 episode returns}}.
"""
import json
import sys

import numpy as np

GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
THETA_LIMIT, X_LIMIT, MAX_STEPS = 12 * 2 * np.pi / 360, 2.4, 500


class CartPoleVec:
    """Gym's CartPole-v1 dynamics (Euler), N envs, auto-reset; reward 1 per step."""

    def __init__(self, n, rng):
        self.n, self.rng = n, rng
        self.s = rng.uniform(-0.05, 0.05, (n, 4))
        self.t = np.zeros(n, dtype=np.int64)

    def step(self, action):
        x, x_dot, th, th_dot = self.s.T
        force = np.where(action == 1, FORCE, -FORCE)
        cos, sin = np.cos(th), np.sin(th)
        total, pml = MASSCART + MASSPOLE, MASSPOLE * LENGTH
        temp = (force + pml * th_dot**2 * sin) / total
        th_acc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASSPOLE * cos**2 / total))
        x_acc = temp - pml * th_acc * cos / total
        self.s = np.stack([x + TAU * x_dot, x_dot + TAU * x_acc, th + TAU * th_dot, th_dot + TAU * th_acc], 1)
        self.t += 1
        x, _, th, _ = self.s.T
        terminated = (np.abs(x) > X_LIMIT) | (np.abs(th) > THETA_LIMIT)
        truncated = ~terminated & (self.t >= MAX_STEPS)
        done = terminated | truncated
        k = int(done.sum())
        if k:
            self.s[done] = self.rng.uniform(-0.05, 0.05, (k, 4))
            self.t[done] = 0
        return self.s.copy(), np.ones(self.n), done, truncated


def orthogonal(rng, rows, cols, gain):
    a = rng.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    return gain * (q if rows >= cols else q.T)[:rows, :cols]


class Mlp:
    """2x64 tanh MLP with a linear head; forward keeps what backward needs."""

    def __init__(self, rng, sizes, head_gain):
        self.params = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            gain = head_gain if i == len(sizes) - 2 else np.sqrt(2)
            self.params += [orthogonal(rng, a, b, gain), np.zeros(b)]

    def forward(self, x):
        acts, h = [x], x
        for i in range(0, len(self.params), 2):
            h = h @ self.params[i] + self.params[i + 1]
            if i < len(self.params) - 2:
                h = np.tanh(h)
            acts.append(h)
        return h, acts

    def backward(self, acts, grad_out):
        grads, g = [None] * len(self.params), grad_out
        for i in range(len(self.params) - 2, -1, -2):
            grads[i], grads[i + 1] = acts[i // 2].T @ g, g.sum(0)
            if i > 0:
                g = (g @ self.params[i].T) * (1 - acts[i // 2] ** 2)
        return grads


class Adam:
    def __init__(self, params, lr, eps=1e-8):
        self.lr, self.eps, self.t = lr, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= self.lr * (m / (1 - 0.9**self.t)) / (np.sqrt(v / (1 - 0.999**self.t)) + self.eps)


class RunningStats:
    def __init__(self):
        self.count, self.mean, self.m2 = 0, np.zeros(4), np.zeros(4)

    def update(self, batch):
        n, mean = len(batch), batch.mean(0)
        delta, total = mean - self.mean, self.count + len(batch)
        self.m2 += ((batch - mean) ** 2).sum(0) + delta**2 * self.count * n / total
        self.mean += delta * n / total
        self.count = total

    def apply(self, x):
        if self.count == 0:
            return x
        return (x - self.mean) / np.clip(np.sqrt(self.m2 / self.count), 1e-6, 1e6)


def log_softmax(z):
    z = z - z.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


def run(seed, total_steps, checkpoints, mask_truncation=False, n=8, t_len=64, minibatches=4, epochs=4, lr=1e-3,
        gamma=0.99, lam=0.95, clip=0.2, ent=0.01, vf=0.5, reward_scale=0.1):
    rng = np.random.default_rng(seed)
    env, stats = CartPoleVec(n, rng), RunningStats()
    actor, critic = Mlp(rng, [4, 64, 64, 2], 0.01), Mlp(rng, [4, 64, 64, 1], 1.0)
    opt_a, opt_c = Adam(actor.params, lr), Adam(critic.params, lr)
    obs, ep_ret, recent, out, steps = env.s.copy(), np.zeros(n), [], {}, 0
    pending = sorted(checkpoints)
    while steps < total_steps:
        b_obs, b_act, b_logp, b_val, b_rew, b_done, b_trunc, raw = [], [], [], [], [], [], [], []
        for _ in range(t_len):
            x = stats.apply(obs)
            raw.append(obs)
            logp = log_softmax(actor.forward(x)[0])
            act = (rng.random(n) < np.exp(logp[:, 1])).astype(np.int64)
            value = critic.forward(x)[0][:, 0]
            obs, rew, done, trunc = env.step(act)
            ep_ret += rew
            for i in np.flatnonzero(done):
                recent = (recent + [ep_ret[i]])[-20:]
                ep_ret[i] = 0
            b_obs.append(x), b_act.append(act), b_logp.append(logp[np.arange(n), act]), b_val.append(value)
            b_rew.append(rew * reward_scale), b_done.append(done), b_trunc.append(trunc & mask_truncation)
        next_value = critic.forward(stats.apply(obs))[0][:, 0]
        stats.update(np.concatenate(raw))
        adv, last = np.zeros((t_len, n)), np.zeros(n)
        for t in reversed(range(t_len)):
            nv = next_value if t == t_len - 1 else b_val[t + 1]
            # CleanRL: every episode end stops bootstrapping. With mask_truncation (Brax, the TS PPO): a
            # time-limit step is dropped instead (no TD error, no target, no policy gradient).
            keep, kept = 1.0 - b_done[t], 1.0 - b_trunc[t]
            delta = (b_rew[t] + gamma * nv * keep - b_val[t]) * kept
            last = delta + gamma * lam * keep * kept * last
            adv[t] = last
        ret = adv + np.array(b_val)
        X, A = np.concatenate(b_obs), np.concatenate(b_act)
        LP, ADV, RET = np.concatenate(b_logp), adv.reshape(-1), ret.reshape(-1)
        MASK = 1.0 - np.concatenate(b_trunc)
        size = len(X) // minibatches
        for _ in range(epochs):
            perm = rng.permutation(len(X))
            for k in range(minibatches):
                idx = perm[k * size:(k + 1) * size]
                x, a, m = X[idx], A[idx], len(idx)
                w = MASK[idx]
                kept = ADV[idx][w > 0]
                adv_mb = w * (ADV[idx] - kept.mean()) / (kept.std() + 1e-8) if len(kept) else 0 * w
                logits, acts = actor.forward(x)
                logp = log_softmax(logits)
                p = np.exp(logp)
                ratio = np.exp(logp[np.arange(m), a] - LP[idx])
                active = ratio * adv_mb <= np.clip(ratio, 1 - clip, 1 + clip) * adv_mb
                onehot = np.eye(2)[a]
                entropy = -(p * logp).sum(1, keepdims=True)
                g = -(active * ratio * adv_mb)[:, None] * (onehot - p) + ent * p * (logp + entropy)
                opt_a.step(actor.params, actor.backward(acts, g / m))
                v, cacts = critic.forward(x)
                err = w * (v[:, 0] - RET[idx])
                opt_c.step(critic.params, critic.backward(cacts, vf * err[:, None] / m))
        steps += n * t_len
        while pending and steps >= pending[0]:
            out[pending.pop(0)] = float(np.mean(recent)) if recent else float("nan")
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--mask-truncation"]
    seed, total = int(args[0]), int(args[1])
    marks = [int(c) for c in args[2:]] or [total]
    returns = run(seed, total, marks, mask_truncation="--mask-truncation" in sys.argv)
    print(json.dumps({"seed": seed, "returns": returns}))
