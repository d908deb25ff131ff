/** Everything `npm run bench` can be told on its command line. */
export interface BenchOptions {
  /** Seconds each measured scenario runs. Default 60 (`--short`: 2). */
  durationS: number;
  /** Events per second offered in scenario 1. Default 1000 (`--short`: 150). */
  rate: number;
  /** Worker processes. Default 2 (one per core). */
  workers: number;
  /**
   * Extra worker processes serving only the critical lanes (`WORKER_LANES=critical`;
   * the others then serve the rest). Default 1, the layout `npm start` and
   * docker-compose run; 0: every worker serves both.
   */
  criticalWorkers: number;
  /** Which scenarios run: raw,steady,max,slow,fanout,memory,capacity. Default all but memory and capacity (`--memory`, `--capacity` add them). */
  scenarios: string[];
  /** Topic size of the fan-out scenario. Default 100,000 (`--short`: 3,000). */
  fanout: number;
  /** Notifications the memory scenario sends. Default 1,000,000 (`--short`: 100,000). */
  memoryNotifications: number;
  /** Write CPU profiles of the API and workers (`node --cpu-prof`) under `.herald/bench/profiles`. */
  profile: boolean;
  short: boolean;
  /** Where latest.json / latest.md go. Default `.herald/bench`. */
  outDir: string;
}

export const ALL_SCENARIOS = ["raw", "steady", "max", "slow", "fanout", "memory", "capacity"] as const;
/** Scenarios that run only when asked for (`--memory`, `--capacity` or `--scenarios`). */
const ON_REQUEST = ["memory", "capacity"];

const HELP = `npm run bench -- [options]
  --short               the whole run in under a minute (small numbers, same scenarios)
  --duration <s>        seconds per scenario (default 60, short 2)
  --rate <n>            events/s offered in the steady scenario (default 1000, short 150)
  --workers <n>         worker processes (default 2)
  --critical-workers <n>  extra processes for the critical lanes only (default 1, the layout npm start and docker-compose run; 0: every worker serves every lane)
  --scenarios <list>    raw,steady,max,slow,fanout,memory,capacity (default all but memory and capacity)
  --memory              add the 1,000,000-notification memory scenario
  --capacity            add the search for the highest steady rate within scenario 1's p99 bar
  --fanout <n>          topic subscribers in the fan-out scenario (default 100000, short 3000)
  --memory-notifications <n>   (default 1000000, short 100000)
  --profile             write .cpuprofile files of the API and workers
  --out <dir>           output directory (default .herald/bench)`;

/** The value after `name` on the command line, if given. */
export function value(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
}

/** The number after `name`, or `fallback`; one that fails `valid` is an error naming the option and `what` it must be. */
function numberOption(
  argv: string[],
  name: string,
  fallback: number,
  valid: (n: number) => boolean,
  what: string,
): number {
  const raw = value(argv, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!valid(n)) throw new Error(`${name} must be ${what}, not "${raw}"`);
  return n;
}

/** A positive number after `name`, or `fallback`; anything else is an error naming the option. */
export function positive(argv: string[], name: string, fallback: number): number {
  return numberOption(argv, name, fallback, (n) => Number.isFinite(n) && n > 0, "a positive number");
}

/** A whole number ≥ 0 after `name`, or `fallback`. */
function count(argv: string[], name: string, fallback: number): number {
  return numberOption(argv, name, fallback, (n) => Number.isInteger(n) && n >= 0, "a whole number ≥ 0");
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.info(HELP);
    process.exit(0);
  }
  const short = argv.includes("--short");
  const listed = value(argv, "--scenarios")
    ?.split(",")
    .map((s) => s.trim());
  const scenarios = listed ?? ALL_SCENARIOS.filter((s) => !ON_REQUEST.includes(s) || argv.includes(`--${s}`));
  for (const s of ON_REQUEST)
    if (listed && argv.includes(`--${s}`) && !scenarios.includes(s)) scenarios.push(s);
  for (const s of scenarios) {
    if (!(ALL_SCENARIOS as readonly string[]).includes(s))
      throw new Error(`unknown scenario "${s}"\n${HELP}`);
  }
  return {
    short,
    durationS: positive(argv, "--duration", short ? 2 : 60),
    rate: positive(argv, "--rate", short ? 150 : 1000),
    workers: Math.round(positive(argv, "--workers", 2)),
    criticalWorkers: count(argv, "--critical-workers", 1),
    scenarios,
    fanout: Math.round(positive(argv, "--fanout", short ? 3_000 : 100_000)),
    memoryNotifications: Math.round(positive(argv, "--memory-notifications", short ? 100_000 : 1_000_000)),
    profile: argv.includes("--profile"),
    outDir: value(argv, "--out") ?? ".herald/bench",
  };
}
