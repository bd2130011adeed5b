// Import boundaries of the workspace, checked by `pnpm check:imports` (dependency-cruiser) in CI.
// Dependencies flow one way: protocol -> client, server-kit, adapter-kit -> adapters -> apps.
// A rule's name is what a violation prints; test/boundaries/import-boundaries.test.ts plants each one.

/** Any file of a workspace package or app. */
const WORKSPACE = '^(packages|apps)/';

/**
 * The rule that a package imports, of the workspace, only itself and the `allowed` packages.
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function importsOnly(name, comment, from, allowed) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^packages/${from}/` },
    to: { path: WORKSPACE, pathNot: `^packages/(${[from, ...allowed].join('|')})/` },
  };
}

/**
 * The gateway's folders as floors, from the top down: a folder imports only from its own floor and
 * the floors below it (tests excepted: they may start a whole gateway). ARCHITECTURE.md draws them.
 */
const GATEWAY_FLOORS = [
  ['cli'],
  ['server'],
  ['messages', 'responses', 'embeddings'],
  ['pipeline'],
  ['cache', 'telemetry'],
  ['admin'],
  ['accounting'],
  ['routing', 'providers', 'keys', 'limits'],
  ['ledger'],
  ['config'],
  ['pricing', 'metrics', 'logging', 'text'],
];

/** @returns {import('dependency-cruiser').IForbiddenRuleType[]} */
function gatewayFloors() {
  return GATEWAY_FLOORS.slice(1).map((floor, index) => {
    const above = GATEWAY_FLOORS.slice(0, index + 1).flat();
    return {
      name: 'gateway-folders-import-downward',
      comment: 'A gateway folder imports only from its own floor and the floors below it (GATEWAY_FLOORS).',
      severity: 'error',
      from: { path: `^apps/gateway/src/(${floor.join('|')})/`, pathNot: '\\.test\\.ts$' },
      to: { path: `^apps/gateway/src/(${above.join('|')})/` },
    };
  });
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    importsOnly(
      'protocol-imports-no-package',
      'protocol is the bottom layer: it imports no other workspace package.',
      'protocol',
      [],
    ),
    importsOnly(
      'client-imports-only-protocol',
      'The client speaks the protocol and nothing else of the workspace.',
      'client',
      ['protocol'],
    ),
    importsOnly(
      'server-kit-imports-only-protocol',
      'server-kit serves the protocol; it may use the adapter contract of adapter-kit.',
      'server-kit',
      ['protocol', 'adapter-kit'],
    ),
    importsOnly(
      'adapter-kit-imports-only-protocol',
      'adapter-kit sits beside server-kit: it imports only the protocol.',
      'adapter-kit',
      ['protocol'],
    ),
    {
      name: 'adapter-imports-only-kits',
      comment:
        'An adapter imports the protocol and adapter-kit (server-kit while the contract moves), ' +
        'never another adapter, the client or an app. Its tests may drive it with the simulator.',
      severity: 'error',
      from: { path: '^packages/adapters/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: {
        path: WORKSPACE,
        pathNot: ['^packages/(protocol|adapter-kit|server-kit)/', '^packages/adapters/$1/'],
      },
    },
    {
      name: 'example-imports-only-public-kits',
      comment:
        'An example under examples/ is written as a third party would write it: it imports the ' +
        'protocol and the kits (server-kit in its tests), never an adapter, an app or another example.',
      severity: 'error',
      from: { path: '^examples/([^/]+)/' },
      to: {
        path: '^(packages|apps|examples)/',
        pathNot: ['^packages/(protocol|adapter-kit|server-kit)/', '^examples/$1/'],
      },
    },
    {
      name: 'packages-import-no-app',
      comment: 'Apps sit on top: no package imports an app.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'playground-reaches-gateway-over-http',
      comment:
        'The playground (its app, scripts and tests) starts the gateway through its CLI and talks ' +
        'to it over HTTP; it never imports the gateway.',
      severity: 'error',
      from: { path: '^apps/playground/' },
      to: { path: '^apps/gateway/' },
    },
    {
      name: 'bench-starts-gateway-through-cli',
      comment: 'The benchmark starts the gateway through its CLI; it never imports gateway sources.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^apps/gateway/src/' },
    },
    ...gatewayFloors(),
    {
      name: 'no-cycle-in-src',
      comment: 'No import cycle inside the src/ of any package or app (type-only imports count).',
      severity: 'error',
      from: { path: '^(packages|apps|examples)/.+/src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    // Type-only imports are imports too: a cycle of types is still a cycle of modules.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Workspace packages resolve to their sources, as in the tests (package.json "exports").
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@switchyard/source', 'import', 'types', 'default'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
