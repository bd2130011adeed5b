export { SIMULATOR_EMBEDDING_DIMENSIONS, SIMULATOR_EMBEDDING_MODEL } from './embed-text.js';
export { SIMULATOR_MODELS, type SimulatorModel } from './plan-answer.js';
export { createSimulatorAdapter, type SimulatorOptions } from './simulator-adapter.js';
export { adapterPlugin } from './simulator-plugin.js';
