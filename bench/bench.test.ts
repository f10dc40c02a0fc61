/**
 * Keeps the benchmark harness from rotting: the quick run (seconds per benchmark, small N) must start
 * every server, run every goal and print a finite ratio for each. Its figures mean nothing; the full
 * run (`npm run bench`) is what BENCHMARKS.md reports.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { FULL, suite } from './suite.ts';

const QUICK_RUN_TIMEOUT_MS = 150_000;
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'wirelab-bench-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const Report = z.object({
  goals: z.array(
    z.object({
      name: z.string(),
      ratio: z.number(),
      target: z.number().nullable(),
      met: z.boolean().nullable(),
      reference: z.number(),
      ours: z.number(),
      unit: z.string(),
      rounds: z.number(),
    }),
  ),
});

it(
  'the quick benchmark run measures every goal and prints its ratio',
  async () => {
    const jsonPath = join(scratch, 'bench.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--json', jsonPath],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);

    const report = Report.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    // Quick rows carry quick-sized N in their names; compare by the goal number that starts each name.
    const goalNumber = (name: string) => name.split(' ')[0];
    const expected = suite(FULL).flatMap((group) => group.rows.map((row) => goalNumber(row.name)));
    expect(report.goals.map((goal) => goalNumber(goal.name))).toEqual(expected);
    for (const goal of report.goals) {
      expect(Number.isFinite(goal.ratio), `${goal.name}: ratio ${goal.ratio}`).toBe(true);
      expect(goal.ratio, goal.name).toBeGreaterThan(0);
      expect(stdout).toContain(goal.name);
    }
  },
  QUICK_RUN_TIMEOUT_MS,
);
