import fs from 'fs';
import process from 'process';
import os from 'os';
import path from 'path';
import { glob } from 'glob';
import { SOURCE_DIR } from './constants.ts';

export function isWSL() {
  if (process.platform !== 'linux') {
    return false;
  }

  if (os.release().toLowerCase().includes('microsoft')) {
    return true;
  }

  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

function loadJson(path: string) {
  const rawJson = fs.readFileSync(path, 'utf8');
  return JSON.parse(rawJson);
}

export function getPackageJson() {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

// Pitwall: the datasource's plugin.json lives at the top level of the repository
// (the Go build reads it there too); it is the single source. A src/plugin.json,
// if one ever exists, takes precedence as in the stock scaffold.
export function getPluginJsonPath() {
  const inSource = path.resolve(process.cwd(), `${SOURCE_DIR}/plugin.json`);
  return fs.existsSync(inSource) ? inSource : path.resolve(process.cwd(), 'plugin.json');
}

export function getPluginJson() {
  return loadJson(getPluginJsonPath());
}

export function getCPConfigVersion() {
  const cprcJson = path.resolve(process.cwd(), './.config', '.cprc.json');
  return fs.existsSync(cprcJson) ? loadJson(cprcJson).version : { version: 'unknown' };
}

export function hasReadme() {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

// Support bundling nested plugins by finding all plugin.json files in src directory
// then checking for a sibling module.[jt]sx? file.
export async function getEntries() {
  // Pitwall: search src/ only (not node_modules), and add the top-level plugin.json
  // as the owner of src/module.ts.
  const pluginsJson = await glob(`${SOURCE_DIR}/**/plugin.json`, { absolute: true, cwd: process.cwd() });
  if (!pluginsJson.some((p) => path.dirname(p) === path.resolve(process.cwd(), SOURCE_DIR))) {
    pluginsJson.push(path.resolve(process.cwd(), SOURCE_DIR, 'plugin.json'));
  }

  const plugins = await Promise.all(
    pluginsJson.map((pluginJson) => {
      const folder = path.dirname(pluginJson);
      return glob(`${folder}/module.{ts,tsx,js,jsx}`, { absolute: true });
    })
  );

  return plugins.reduce<Record<string, string>>((result, modules) => {
    return modules.reduce((innerResult, module) => {
      const pluginPath = path.dirname(module);
      const pluginName = path.relative(process.cwd(), pluginPath).replace(/src\/?/i, '');
      const entryName = pluginName === '' ? 'module' : `${pluginName}/module`;

      innerResult[entryName] = module;
      return innerResult;
    }, result);
  }, {});
}
