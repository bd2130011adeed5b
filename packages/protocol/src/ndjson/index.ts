export { type ReadNDJSONOptions, readNDJSON } from './read-ndjson.js';
