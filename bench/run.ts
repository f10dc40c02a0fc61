/**
 * `npm run bench`: every benchmark, ours against its reference in the same run, printed as a table.
 *
 *   npm run bench                      full run (several minutes)
 *   npm run bench -- --quick           seconds: a smoke run so the harness cannot rot (part of npm test)
 *   npm run bench -- --json FILE       also write { machine, goals: [...] } to FILE
 *   options: --rounds N (default 3; 1 with --quick)   --only group,group   (see suite.ts for group ids)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles every server child.
 *
 * This process re-executes itself as the load generator with the fd limit raised and pinned to core 1;
 * server children run pinned to core 0 (when taskset works), and are killed whatever happens.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { canPin, GENERATOR_CORE, launchCommand, PROJECT_ROOT, SERVER_CORE } from './processes.ts';
import { formatTable, type GoalRow, goalRow, toJson } from './report.ts';
import { FULL, type Group, QUICK, suite } from './suite.ts';

interface Options {
  quick: boolean;
  rounds: number;
  json: string | null;
  only: string[] | null;
}

function parseOptions(argv: readonly string[]): Options {
  const flagValue = (flag: string) => {
    const at = argv.indexOf(flag);
    if (at < 0) return null;
    const value = argv[at + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    return value;
  };
  const quick = argv.includes('--quick');
  const rounds = Number(flagValue('--rounds') ?? (quick ? 1 : 3));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number from 1');
  return { quick, rounds, json: flagValue('--json'), only: flagValue('--only')?.split(',') ?? null };
}

function packageVersion(name: string): string {
  const path = `${PROJECT_ROOT}node_modules/${name}/package.json`;
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const version = (parsed as { version?: unknown }).version;
  return typeof version === 'string' ? version : '?';
}

function machine(options: Options): Record<string, string> {
  return {
    date: new Date().toISOString(),
    cpu: `${cpus()[0]?.model ?? '?'} x ${cpus().length}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    ws: packageVersion('ws'),
    hono: packageVersion('hono'),
    honoNodeServer: packageVersion('@hono/node-server'),
    pinning: canPin()
      ? `server on core ${SERVER_CORE}, generator on core ${GENERATOR_CORE} (taskset)`
      : 'none (taskset unavailable)',
    command: `npm run bench --${options.quick ? ' --quick' : ''}${options.rounds !== 3 && !options.quick ? ` --rounds ${options.rounds}` : ''}`,
    rounds: String(options.rounds),
  };
}

async function runGroup(group: Group, rounds: number): Promise<GoalRow[]> {
  const results = new Map<string, { values: Record<string, number>; generatorCpu: number }[]>();
  for (let round = 0; round < rounds; round += 1) {
    for (const entry of group.entries) {
      const measured = await entry.measure(entry.subject);
      const list = results.get(entry.id) ?? [];
      list.push(measured);
      results.set(entry.id, list);
      const figures = Object.entries(measured.values)
        .map(([key, value]) => `${key}=${value.toFixed(value >= 100 ? 0 : 3)}`)
        .join(' ');
      const server =
        measured.serverCpu === undefined ? '' : ` server CPU ${(measured.serverCpu * 100).toFixed(0)}%`;
      console.error(
        `[${group.id} round ${round + 1}/${rounds}] ${entry.subject.label}: ${figures} (generator CPU ${(measured.generatorCpu * 100).toFixed(0)}%${server})`,
      );
    }
  }
  return group.rows.map((row) => {
    const read = (id: string) => {
      const list = results.get(id);
      if (!list) throw new Error(`group ${group.id} has no entry ${id}`);
      return list;
    };
    const pick = (id: string, value: string) =>
      read(id).map((measured) => (measured.values[value] ?? Number.NaN) * (row.scale ?? 1));
    const referenceEntry = group.entries.find((entry) => entry.id === row.reference);
    const oursEntry = group.entries.find((entry) => entry.id === row.ours);
    return goalRow({
      name: row.name,
      unit: row.unit,
      target: row.target,
      direction: row.direction,
      referenceLabel: row.labels?.reference ?? referenceEntry?.subject.label ?? row.reference,
      oursLabel: row.labels?.ours ?? oursEntry?.subject.label ?? row.ours,
      reference: pick(row.reference, row.referenceValue ?? row.value),
      ours: pick(row.ours, row.value),
      generatorCpu: [...read(row.reference), ...read(row.ours)].map((measured) => measured.generatorCpu),
    });
  });
}

async function generate(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const groups = suite(options.quick ? QUICK : FULL).filter(
    (group) => options.only?.includes(group.id) ?? true,
  );
  if (groups.length === 0)
    throw new Error(
      `--only matched no group; groups: ${suite(QUICK)
        .map((group) => group.id)
        .join(', ')}`,
    );
  const info = machine(options);
  console.error(
    `wirelab bench: ${Object.entries(info)
      .map(([key, value]) => `${key}: ${value}`)
      .join('; ')}`,
  );
  const rows: GoalRow[] = [];
  for (const group of groups) rows.push(...(await runGroup(group, options.rounds)));
  console.log(formatTable(rows));
  if (options.json) writeFileSync(options.json, toJson(rows, info));
}

/** The parent: re-runs this file as the generator with the fd limit raised, pinned to its core. */
function supervise(argv: readonly string[]): void {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    'bash',
    ['-c', launchCommand(GENERATOR_CORE), process.execPath, '--import', 'tsx', script, ...argv],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
      env: { ...process.env, BENCH_GENERATOR: '1' },
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.env.BENCH_GENERATOR === '1') {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  generate(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('bench failed:', error);
      process.exit(1);
    },
  );
} else {
  supervise(process.argv.slice(2));
}
