/**
 * Architecture rules (see DESIGN.md "Layers"): imports point down the layers, `graph/` is the seam
 * between the API/SQL side and the runtime, and there are no cycles. Type-only imports are allowed
 * to close the fluent API's loops (DataStream <-> KeyedStream) because they vanish at run time.
 */
const layer = (from, forbidden, comment) => ({
  name: `${from}-not-to-${forbidden.join('-')}`,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: `^src/(${forbidden.join('|')})/` },
});

module.exports = {
  forbidden: [
    layer('core', ['graph', 'runtime', 'rest', 'api', 'sql', 'connectors', 'cli', 'testing'], 'core is the bottom layer'),
    layer('graph', ['runtime', 'rest', 'api', 'sql', 'connectors', 'cli', 'testing'], 'graph is the seam: it knows no side'),
    layer('runtime', ['rest', 'api', 'sql', 'connectors', 'cli', 'testing'], 'the runtime reads graphs, never the API or SQL'),
    layer('rest', ['api', 'sql', 'connectors', 'cli', 'testing'], 'the REST server serves the runtime\'s job clients; the package entry and the CLI start it'),
    layer('connectors', ['runtime', 'rest', 'api', 'sql', 'cli', 'testing'], 'connectors implement core SPIs only'),
    layer('api', ['runtime', 'rest', 'sql', 'cli', 'testing'], 'the API emits graphs; execute() reaches the runtime through JobExecutor'),
    layer('sql', ['runtime', 'rest', 'cli', 'testing'], 'the SQL planner emits graphs through the API and registers its own operator kinds; it never reaches the runtime'),
    {
      name: 'state-backends-through-the-registry',
      comment: 'Keyed state is reached through the KeyedStateBackend interface (core/state-backend.ts); only the registry names a concrete backend',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/runtime/state/' },
      to: { path: '^src/runtime/state/heap-keyed-state-backend\\.ts$' },
    },
    {
      name: 'checkpoint-protocol-without-io',
      comment:
        'The checkpoint protocol is pure decision logic: alignment, coordination, held input, restore planning and watermark combining take their I/O from the caller, so they are tested without a disk, a thread or a socket',
      severity: 'error',
      from: { path: '^src/runtime/(checkpoint/(barrier-aligner|checkpoint-coordinator|held-input|restore-plan)|time/watermark-combiner)\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|worker_threads|net|child_process)$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
