/*
 * Pitwall's webpack configuration: it extends the scaffolded one in .config/
 * (https://grafana.com/developers/plugin-tools/how-to-guides/extend-configurations#extend-the-webpack-config)
 * and builds two plugins, because Grafana's catalog accepts nested plugins
 * only inside app plugins:
 *
 *   - the datasource (the top-level plugin.json, src/module.ts) into dist/,
 *     where the Go build adds the backend binaries and go tool mage dashboards
 *     the dashboards;
 *   - the leaderboard panel (src/panels/leaderboard/) into dist-panel/.
 *
 * Each gets its own public path, module name (its plugin id, which the source
 * maps are named under), copied files and %VERSION% replacement. Both keep
 * src/ as their context, so the source maps name files relative to src/, as
 * the catalog's validator compares them.
 */

import fs from 'fs';
import path from 'path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import ReplaceInFileWebpackPlugin from 'replace-in-file-webpack-plugin';
import webpack, { type Configuration } from 'webpack';
import VirtualModulesPlugin from 'webpack-virtual-modules';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

interface Bundle {
  // The plugin.json, relative to the repository root.
  pluginJson: string;
  // Where the logos and screenshots that plugin.json names are, relative to
  // the repository root (the folder that the built plugin.json will be in).
  // An image missing there is taken from src/, where the screenshots that
  // tests/screenshots.spec.ts takes live (src/img/screenshots/).
  assets: string;
  // The README the catalog shows, relative to the repository root.
  readme: string;
  // The module.ts(x), relative to src/.
  entry: string;
  // The output folder, relative to the repository root.
  dist: string;
  // Whether the development-only plugins (live reload, type check, lint) run
  // here; they cover the whole project, so once is enough.
  devTools: boolean;
}

const bundles: Bundle[] = [
  {
    pluginJson: 'plugin.json',
    assets: 'src',
    readme: 'src/README.md',
    entry: './module.ts',
    dist: 'dist',
    devTools: true,
  },
  {
    pluginJson: 'src/panels/leaderboard/plugin.json',
    assets: 'src/panels/leaderboard',
    readme: 'src/panels/leaderboard/README.md',
    entry: './panels/leaderboard/module.tsx',
    dist: 'dist-panel',
    devTools: false,
  },
];

const root = process.cwd();
const version: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

// Plugins of the scaffolded config that this file replaces per bundle.
const replaced = [CopyWebpackPlugin, ReplaceInFileWebpackPlugin, VirtualModulesPlugin, webpack.BannerPlugin];
const devOnly = ['LiveReloadPlugin', 'ForkTsCheckerWebpackPlugin', 'ESLintWebpackPlugin'];

function pluginConfig(base: Configuration, b: Bundle): Configuration {
  const pluginJsonPath = path.join(root, b.pluginJson);
  const meta = JSON.parse(fs.readFileSync(pluginJsonPath, 'utf8'));
  const id: string = meta.id;
  const imageSource = (img: string) =>
    [b.assets, 'src'].map((dir) => path.join(root, dir, img)).find((p) => fs.existsSync(p)) ??
    path.join(root, b.assets, img);
  const dist = path.join(root, b.dist);
  // Logos and screenshots: paths relative to plugin.json, copied to the same
  // paths relative to the bundle's plugin.json.
  const images: string[] = [meta.info?.logos?.small, meta.info?.logos?.large]
    .concat((meta.info?.screenshots ?? []).map((s: { path: string }) => s.path))
    .filter(Boolean);

  const kept = (base.plugins ?? []).filter(
    (p) =>
      !replaced.some((type) => p instanceof type) && (b.devTools || !devOnly.includes(p?.constructor?.name ?? ''))
  );

  return {
    ...base,
    name: id,
    cache:
      base.cache && typeof base.cache === 'object' && base.cache.type === 'filesystem'
        ? {
            ...base.cache,
            name: `${id}-${base.mode}`,
            buildDependencies: { config: [path.join(root, '.config/webpack/webpack.config.ts'), __filename] },
          }
        : base.cache,
    entry: { module: b.entry },
    output: {
      ...base.output,
      path: dist,
      publicPath: `public/plugins/${id}/`,
      uniqueName: id,
    },
    plugins: [
      ...kept,
      new VirtualModulesPlugin({
        'node_modules/grafana-public-path.js': `
import amdMetaModule from 'amd-module';

__webpack_public_path__ =
  amdMetaModule && amdMetaModule.uri
    ? amdMetaModule.uri.slice(0, amdMetaModule.uri.lastIndexOf('/') + 1)
    : 'public/plugins/${id}/';
`,
      }),
      new webpack.BannerPlugin({
        banner: `/* [create-plugin] plugin: ${id}@${version} */`,
        raw: true,
        entryOnly: true,
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: path.join(root, b.readme), to: 'README.md', toType: 'file', force: true },
          { from: pluginJsonPath, to: 'plugin.json', toType: 'file' },
          { from: path.join(root, 'LICENSE'), to: 'LICENSE', toType: 'file' },
          { from: path.join(root, 'CHANGELOG.md'), to: 'CHANGELOG.md', toType: 'file', force: true },
          ...images.map((img) => ({ from: imageSource(img), to: img, toType: 'file' as const })),
        ],
      }),
      new ReplaceInFileWebpackPlugin([
        {
          dir: dist,
          test: [/(^|\/)plugin\.json$/, /(^|\/)README\.md$/],
          rules: [
            { search: /%VERSION%/g, replace: version },
            { search: /%TODAY%/g, replace: new Date().toISOString().substring(0, 10) },
            { search: /%PLUGIN_ID%/g, replace: id },
          ],
        },
      ]),
    ],
  };
}

const config = async (env: Env): Promise<Configuration[]> =>
  Promise.all(bundles.map(async (b) => pluginConfig(await grafanaConfig(env), b)));

export default config;
