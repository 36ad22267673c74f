/**
 * The layers, lowest first. A module may import its own layer and the layers below it,
 * never one above: the domain knows nothing of storage, Slack or HTTP, and entry points
 * (Slack listeners, HTTP routes, the CLI) reach storage only through services.
 */
const layers = [
  ['domain', '^app/domain/'],
  ['config-twitter', '^app/(config\\.ts|twitter/)'],
  ['store', '^app/store/'],
  ['services', '^app/services/'],
  ['entry-points', '^app/(slack|http|cli)/'],
  ['server', '^app/(server|index|secret-free-logger)\\.ts$'],
];

const forbidden = [
  {
    name: 'no-cycles',
    severity: 'error',
    comment: 'An import cycle ties modules together so that neither can change or be tested alone.',
    from: { path: '^app/' },
    to: { circular: true },
  },
  {
    name: 'no-orphans',
    severity: 'error',
    comment: 'A module nothing imports is dead code.',
    from: { orphan: true, path: '^app/', pathNot: ['^app/index\\.ts$', '^app/cli/[^/]+\\.ts$', '\\.d\\.ts$'] },
    to: {},
  },
  ...layers.slice(0, -1).map(([name, path], index) => ({
    name: `${name}-imports-nothing-above-it`,
    severity: 'error',
    from: { path },
    to: { path: layers.slice(index + 1).map(([, above]) => above) },
  })),
];

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
