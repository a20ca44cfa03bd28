import { combineRounds, evaluate, failed, formatPhases, formatTable, type ScenarioResult, type SizeResult } from './results';

const PARSE_MS = 10_000;

describe('evaluate', () => {
  it('derives rows/s, events/s and the ratio to the parse from what the child measured', () => {
    const result = evaluate('initial', { wallMs: 50_000, rows: 1_000_000, events: 2_000_000, peakRssMb: 400 }, PARSE_MS);
    expect(result.rowsPerSec).toBe(20_000);
    expect(result.eventsPerSec).toBe(40_000);
    expect(result.ratioToParse).toBe(5);
  });

  it('holds the initial import to 6× the parse and the 1 %-changed one to 2×, at the limit included', () => {
    const verdict = (scenario: 'initial' | 'changed', wallMs: number) =>
      evaluate(scenario, { wallMs, events: 1, peakRssMb: 100 }, PARSE_MS).targets.find((t) => t.target.includes('parse'))?.pass;
    expect(verdict('initial', 60_000)).toBe(true);
    expect(verdict('initial', 60_001)).toBe(false);
    expect(verdict('changed', 20_000)).toBe(true);
    expect(verdict('changed', 20_001)).toBe(false);
  });

  it('holds a rebuild to 100,000 events/s', () => {
    const verdict = (events: number) => evaluate('replay', { wallMs: 10_000, events, peakRssMb: 100 }, PARSE_MS).targets[0];
    expect(verdict(1_000_000)).toEqual({ target: '≥ 100k ev/s', pass: true });
    expect(verdict(999_999)).toEqual({ target: '≥ 100k ev/s', pass: false });
  });

  it('holds every scenario to a peak RSS under 512 MB', () => {
    const rss = (peakRssMb: number) => evaluate('reimport', { wallMs: 1, events: 0, peakRssMb }, PARSE_MS).targets;
    expect(rss(511.9)).toEqual([{ target: 'RSS < 512 MB', pass: true }]);
    expect(rss(512)).toEqual([{ target: 'RSS < 512 MB', pass: false }]);
  });

  it('gives no ratio, and so no ratio target, when the parse failed', () => {
    const result = evaluate('initial', { wallMs: 1_000, events: 5, peakRssMb: 100 }, undefined);
    expect(result.ratioToParse).toBeUndefined();
    expect(result.targets.map((t) => t.target)).toEqual(['RSS < 512 MB']);
  });
});

describe('the printed report', () => {
  const sizes: SizeResult[] = [
    {
      rows: 1_000,
      fileBytes: 1,
      generateMs: 1,
      scenarios: [
        { ...evaluate('parse', { wallMs: 100, rows: 1_000, events: 0, peakRssMb: 50 }, undefined), stealPercent: 12.4 },
        { ...evaluate('changed', { wallMs: 400, cpuMs: 650, rows: 1_000, events: 30, peakRssMb: 90, phases: { transform: 100, decide: 300 } }, 100) },
        failed('replay', new Error('database is locked\n    at stack lines')),
      ],
    },
  ];

  it('prints a line per scenario with its figures and each target as pass or FAIL', () => {
    const lines = formatTable(sizes).split('\n');
    expect(lines[0]).toMatch(/^rows\s+scenario\s+wall s\s+runs s\s+CPU s\s+rows\/s\s+events\s+events\/s\s+peak RSS MB\s+× parse\s+steal %\s+targets$/);
    expect(lines[2]).toMatch(/^1,000\s+bare csv-parse\s+0\.10\s+–\s+–\s+10,000\s+–\s+–\s+50\s+1\.00\s+12\s+RSS < 512 MB: pass$/);
    expect(lines[3]).toMatch(/^1,000\s+import 1 % changed\s+0\.40\s+–\s+0\.65\s+2,500\s+30\s+75\s+90\s+4\.00\s+–\s+≤ 2× parse: FAIL; RSS < 512 MB: pass$/);
    expect(lines[4]).toMatch(/projection rebuild .*ERROR: database is locked$/);
  });

  it('prints a ratio just above its target with the decimals that show it', () => {
    const justOver = evaluate('initial', { wallMs: 6_040, rows: 1_000, events: 1_000, peakRssMb: 100 }, 1_000);
    const line = formatTable([{ rows: 1_000, fileBytes: 1, generateMs: 1, scenarios: [justOver] }]).split('\n')[2];
    expect(line).toMatch(/\s6\.04\s.*≤ 6× parse: FAIL/);
  });

  it('prints the phases of the imports that have them, with their share of the wall time', () => {
    expect(formatPhases(sizes)).toBe('1,000 import 1 % changed: transform 0.10 s (25 %) | decide 0.30 s (75 %)');
  });
});

describe('several rounds of the scenarios (--repeat)', () => {
  /** A round: its parse, then an initial import of `initialMs` at `peakRssMb`, its ratio to that round's parse. */
  const round = (parseMs: number, initialMs: number, peakRssMb: number): ScenarioResult[] => [
    evaluate('parse', { wallMs: parseMs, rows: 1_000, events: 0, peakRssMb: 50 }, undefined),
    evaluate('initial', { wallMs: initialMs, rows: 1_000, events: 1_000, peakRssMb, phases: { transform: initialMs } }, parseMs),
  ];

  it('returns a single round as it is', () => {
    const only = round(100, 500, 300);
    expect(combineRounds([only])).toBe(only);
  });

  it("shows each scenario's fastest run, its ratio to the fastest parse, every run, and the highest peak against the memory target", () => {
    const [parse, initial] = combineRounds([round(100, 700, 300), round(120, 480, 520), round(90, 610, 310)]);
    expect(parse).toMatchObject({ wallMs: 90, ratioToParse: 1 });
    // The fastest initial import ran in the round whose parse was slowest: its ratio is to the fastest parse.
    expect(initial).toMatchObject({ wallMs: 480, ratioToParse: 480 / 90, phases: { transform: 480 }, peakRssMb: 520 });
    expect(initial.runs?.map((run) => [run.wallMs, run.ratioToParse, run.peakRssMb])).toEqual([
      [700, 7, 300],
      [480, 4, 520],
      [610, 610 / 90, 310],
    ]);
    expect(initial.targets).toEqual([
      { target: '≤ 6× parse', pass: true },
      { target: 'RSS < 512 MB', pass: false },
    ]);
  });

  it('shows a scenario that failed in any round as failed, saying which run', () => {
    const broken = [round(100, 500, 300)[0], failed('initial', new Error('database is locked'))];
    const [, initial] = combineRounds([round(100, 500, 300), broken]);
    expect(initial.error).toBe('run 2 of 2: database is locked');
    expect(initial.runs).toHaveLength(2);
  });

  it('prints the fastest and slowest wall times of the runs', () => {
    const scenarios = combineRounds([round(100, 700, 300), round(120, 480, 320), round(90, 610, 310)]);
    const line = formatTable([{ rows: 1_000, fileBytes: 1, generateMs: 1, scenarios }]).split('\n')[3];
    expect(line).toMatch(/^1,000\s+initial import\s+0\.48\s+0\.48–0\.70\s/);
  });
});
