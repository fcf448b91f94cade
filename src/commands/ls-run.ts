/**
 * `ls REPO`: the tags, listed once (capped), signature tags hidden unless --all, each shown tag
 * dated by its manifest (bounded in number and in total time), newest first. Reads metadata only.
 */
import { dateTags, listTags, MAX_DATED_TAGS, orderTags, type TagInfo } from '../artifact/tags.js';
import { privateTempDir, type TempDir } from '../core/fs.js';
import { parseRepository, repositoryOf } from '../core/reference.js';
import { lsOptionsSchema } from '../options/ls.js';
import { parseOptions } from '../options/parse.js';
import type { Deps } from './deps.js';
import { connectRegistry } from './prepare.js';

export interface LsResult {
  schemaVersion: 1;
  repository: string;
  /** How `tags` is ordered, in words (the same for every run). */
  order: string;
  tags: TagInfo[];
  /** Signature tags left out (0 with --all). */
  hidden: number;
}

export const LS_ORDER = `newest first by the manifest's org.opencontainers.image.created annotation; tags without one after, by name; only the first ${MAX_DATED_TAGS} tags are dated`;

export async function runLs(repositoryArg: string, raw: unknown, deps: Deps): Promise<LsResult> {
  const opts = parseOptions(lsOptionsSchema, raw);
  const ref = parseRepository(repositoryArg);
  const repository = repositoryOf(ref);
  const oras = await connectRegistry(opts, deps, { ref, access: 'pull' });
  let work: TempDir | undefined;
  try {
    const names = await listTags(oras, repository);
    work = await privateTempDir();
    const infos = await dateTags(oras, repository, names, {
      all: opts.all,
      workDir: work.path,
      budgetMs: deps.deadlines.stepMs,
    });
    const shown = orderTags(infos.filter((t) => opts.all || !t.hidden));
    const hidden = infos.length - shown.length;
    if (hidden > 0) deps.log.info(`${hidden} signature tag${hidden === 1 ? '' : 's'} hidden (--all shows them)`);
    const undated = shown.filter((t) => t.undated !== undefined).length;
    if (undated > 0) deps.log.info(`${undated} of ${shown.length} tags have no date; listed last, by name`);
    return { schemaVersion: 1, repository, order: LS_ORDER, tags: shown, hidden };
  } finally {
    await work?.dispose();
    await oras.dispose();
  }
}

/** One line a tag: name, created (or -), manifest digest (or -), and with --all what a hidden tag is. */
export function lsLines(result: LsResult): string[] {
  const width = (values: string[]) => Math.max(0, ...values.map((v) => v.length));
  const [tagWidth, timeWidth] = [width(result.tags.map((t) => t.tag)), width(result.tags.map((t) => t.created ?? '-'))];
  return result.tags.map((t) =>
    [
      t.tag.padEnd(tagWidth),
      (t.created ?? '-').padEnd(timeWidth),
      t.digest ?? '-',
      ...(t.hidden ? [`(${t.hidden})`] : []),
    ].join('  '),
  );
}
