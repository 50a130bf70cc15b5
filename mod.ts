/**
 * Diffusing Blame: dual-stream excitatory/inhibitory networks trained with Error Diffusion,
 * with DFA and backprop baselines, on CPU and WebGPU.
 *
 * @module
 */
