/** Classic control: CartPole-v1 and Pendulum-v1, batched behind the VecEnv contract. */
export { CARTPOLE, CartPole } from "./cartpole.ts";
export { angleNormalize, PENDULUM, Pendulum } from "./pendulum.ts";
