export { SIMULATOR_MODELS, type SimulatorModel } from './plan-answer.js';
export { createSimulatorAdapter, type SimulatorOptions } from './simulator-adapter.js';
export { adapterPlugin } from './simulator-plugin.js';
