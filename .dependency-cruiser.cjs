// The architecture rules of src/, checked by `npm run lint:deps` (part of `.ci/run`).
// Layers point one way (README "Development"): each layer may import itself and the
// layers before it in this list, never one after it.
const LAYERS = [
  { name: 'foundation', path: '^src/(util/|types/|log\\.ts$)' },
  { name: 'domain', path: '^src/domain/' },
  { name: 'ports', path: '^src/ports/' },
  { name: 'text', path: '^src/text/' },
  { name: 'use cases', path: '^src/(sweep|reports)/' },
  { name: 'adapters', path: '^src/(adapters|slack|embedded|demo)/' },
  { name: 'composition root', path: '^src/(compose/|container\\.ts$|config\\.ts$|load-config\\.ts$)' },
  { name: 'entry points', path: '^src/(cli/|cli\\.ts$|lambda\\.ts$|serve\\.ts$|doctor\\.ts$)' },
];

const upward = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.name.replace(/ /g, '-')}`,
  comment: `${layer.name} may not import ${LAYERS.slice(index + 1)
    .map((l) => l.name)
    .join(', ')}`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(index + 1).map((l) => l.path) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle means two modules are one module, or a type lives in the wrong one.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'every-module-has-a-layer',
      comment: 'A new top-level folder of src/ must be placed in LAYERS first.',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map((l) => l.path) },
      to: {},
    },
    ...upward,
    {
      name: 'pure-core',
      comment: 'The domain and the ports do no I/O: only pure libraries (dates, CSV text, schemas).',
      severity: 'error',
      from: { path: '^src/(domain|ports)/' },
      // By path, not by dependency type: a devDependency or a workspace package is no purer.
      // csv-parse/sync is named as written: its package exports are beyond the resolver.
      to: { pathNot: ['^src/', 'node_modules/(date-fns|date-fns-tz|csv-parse|zod)/', '^csv-parse/sync$'] },
    },
    {
      name: 'use-cases-through-ports',
      comment: 'Use cases and text reach the world only through ports: no SDK, HTTP or file system.',
      severity: 'error',
      from: { path: '^src/(text|sweep|reports)/' },
      to: {
        // string-width: the terminal columns a text takes, for the console tables.
        pathNot: [
          '^src/',
          'node_modules/(date-fns|date-fns-tz|csv-parse|csv-stringify|string-width|zod)/',
          '^(csv-parse|csv-stringify)/sync$',
          '^crypto$',
        ],
      },
    },
    {
      name: 'listeners-are-leaves',
      comment: 'Only the listener index registers listeners; nothing else imports one.',
      severity: 'error',
      from: { pathNot: '^src/slack/listeners/index\\.ts$' },
      to: { path: '^src/slack/listeners/(actions|commands|events|views)/' },
    },
    {
      name: 'simulator-only-in-embedded-mode',
      comment:
        'The IAM simulator is a demo and test tool: only the embedded composition may load it, so ' +
        'the Lambda bundle and a non-embedded `serve` never contain it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(embedded|compose/embedded)' },
      to: { path: '(^|/)packages/iam-simulator/|@keywarden/iam-simulator' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
