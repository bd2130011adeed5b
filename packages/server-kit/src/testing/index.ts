export {
  type ConformanceErrorCase,
  type ConformanceSuiteOptions,
  runConformanceSuite,
} from './conformance-suite.js';
export type {
  ConformanceUpstream,
  ConformanceUpstreamSettings,
  UpstreamBody,
} from './conformance-upstream.js';
export { startTestServer, type TestServer } from './start-test-server.js';
