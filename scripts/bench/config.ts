// The bench's command line. Three presets, each adjustable:
//   --quick   1 KiB; loopback/basic and 40ms/token; 2 rounds: a CI-sized smoke run (about a minute)
//   default   1 KiB and 512 MiB; every profile; 3 rounds (about ten minutes on 2 cores)
//   --full    adds 64 MiB and 1 GiB; 3 rounds
import type { Generation } from '../../test/support/tools.js';
import { parseFlags, UsageError } from '../lib/cli-script.js';
import { parseGeneration } from '../lib/sandbox.js';
import { PROFILE_NAMES, parseProfiles, type ProfileName } from './profiles.js';

export interface Size {
  label: string;
  bytes: number;
}

export interface BenchConfig {
  preset: 'quick' | 'default' | 'full';
  sizes: Size[];
  rounds: number;
  /** Where the registry cases run: network × auth (see profiles.ts). */
  profiles: ProfileName[];
  generation: Generation;
  /** Where the JSON results go. */
  out: string;
}

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const UNITS: Record<string, number> = { '': 1, b: 1, k: KiB, kib: KiB, m: MiB, mib: MiB, g: GiB, gib: GiB };

export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} B`;
}

export function parseSize(text: string): Size {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0)
    throw new UsageError(`bad size ${JSON.stringify(text)} (examples: 1KiB, 64MiB, 1GiB)`);
  const bytes = Number(m[1]) * unit;
  return { label: formatBytes(bytes), bytes };
}

const ALL_PROFILES = PROFILE_NAMES.join(',');
const PRESETS = {
  quick: { sizes: '1KiB', rounds: 2, profiles: 'loopback/basic,40ms/token' },
  default: { sizes: '1KiB,512MiB', rounds: 3, profiles: ALL_PROFILES },
  full: { sizes: '1KiB,64MiB,512MiB,1GiB', rounds: 3, profiles: ALL_PROFILES },
} as const;

export const USAGE = `usage: npm run bench -- [--quick | --full] [--rounds N] [--sizes 1KiB,64MiB,…]
                        [--profiles ${ALL_PROFILES}]
                        [--generation sid|trixie] [--out bench-results.json]`;

export function parseConfig(): BenchConfig {
  const { values } = parseFlags({
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      sizes: { type: 'string' },
      profiles: { type: 'string' },
      generation: { type: 'string', default: 'sid' },
      out: { type: 'string', default: 'bench-results.json' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.quick && values.full) throw new UsageError(`--quick and --full exclude each other\n${USAGE}`);
  const preset = values.quick ? 'quick' : values.full ? 'full' : 'default';
  const rounds = Number(values.rounds ?? PRESETS[preset].rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds must be a positive integer\n${USAGE}`);
  const sizes = (values.sizes ?? PRESETS[preset].sizes)
    .split(',')
    .map(parseSize)
    .sort((a, b) => a.bytes - b.bytes)
    .filter((s, i, all) => s.bytes !== all[i - 1]?.bytes);
  const profiles = parseProfiles(values.profiles ?? PRESETS[preset].profiles);
  return { preset, sizes, rounds, profiles, generation: parseGeneration(values.generation), out: values.out };
}
