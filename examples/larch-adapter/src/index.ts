export { createLarchAdapter, type LarchAdapterSettings } from './larch-adapter.js';
export { adapterPlugin } from './larch-plugin.js';
