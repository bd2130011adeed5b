export {
  type ConformanceErrorCase,
  type ConformanceSuiteOptions,
  runConformanceSuite,
} from './conformance-suite.js';
export { startTestServer, type TestServer } from './start-test-server.js';
