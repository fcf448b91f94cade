// The ghcr-blob command lines people copy: from README's ```sh blocks, the `run:` scripts of its
// ```yaml blocks, and the "Examples:" of every --help. Each becomes argv + stdin + environment, the
// way bash would hand them over (quotes, $VAR, `<<<`, `< FILE`, `echo … |`, `VAR=… ghcr-blob`).

export interface ExampleCommand {
  /** Where it was found, e.g. README.md:184 or `pull --help`. */
  where: string;
  /** The line as written (continuations joined). */
  text: string;
  argv: string[];
  stdin?: string;
  /** `stdin` names a file to read (`< token.jwt`) rather than bytes. */
  stdinFile?: string;
  env: Record<string, string>;
}

/** What the examples' variables stand for (the values a workflow's env: would give them). */
export type Variables = Record<string, string>;

/** Joins `\`-continued lines, keeping the line number of the first. */
function logicalLines(text: string, firstLine: number): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/^\s+/, '');
    const current: { line: number; text: string } = pending ?? { line: firstLine + i, text: '' };
    if (/\\$/.test(line)) {
      current.text += `${line.slice(0, -1)} `;
      pending = current;
    } else {
      current.text += line;
      out.push(current);
      pending = undefined;
    }
  }
  return out;
}

function expand(word: string, vars: Variables): string {
  return word.replace(/\$\{(\w+)(,,)?\}|\$(\w+)/g, (_all, braced: string, lower: string, bare: string) => {
    const name = braced ?? bare;
    const value = vars[name];
    if (value === undefined) throw new Error(`example uses $${name}, which the test does not define`);
    return lower ? value.toLowerCase() : value;
  });
}

/**
 * bash's word splitting for the small subset examples use: '…' literal, "…" with $VAR, a `#`
 * starting a word ends the line; an unquoted `|`, `;`, `&`, `)`, `>` ends the command.
 */
function words(text: string, vars: Variables): { words: string[]; rest: string } {
  const out: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) out.push(word);
    word = undefined;
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      push();
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      word = (word ?? '') + expand(text.slice(i + 1, end), vars);
      i = end;
    } else if (c === '#' && word === undefined) {
      return { words: out, rest: '' };
    } else if ('|;&)>'.includes(c)) {
      push();
      return { words: out, rest: text.slice(i) };
    } else if (c === '$' && text[i + 1] !== '(') {
      const m = /^\$\{\w+(?:,,)?\}|^\$\w+/.exec(text.slice(i))!;
      word = (word ?? '') + expand(m[0], vars);
      i += m[0].length - 1;
    } else {
      word = (word ?? '') + c;
    }
  }
  push();
  return { words: out, rest: '' };
}

/** Every ghcr-blob command on one logical line (a pipe's right side, inside `$(…)` too). */
function commandsOn(where: string, text: string, vars: Variables): ExampleCommand[] {
  const found: ExampleCommand[] = [];
  for (const m of text.matchAll(/(?:^|\$\(|\|\s*)((?:\w+=\S+\s+)*)ghcr-blob\s/g)) {
    const start = m.index + m[0].length;
    const { words: args } = words(text.slice(start), vars);
    const env: Record<string, string> = {};
    for (const assignment of m[1]!.trim().split(/\s+/).filter(Boolean)) {
      const [name, ...value] = assignment.split('=');
      env[name!] = expand(value.join('='), vars);
    }
    const cmd: ExampleCommand = { where, text: text.trim(), argv: [], env };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a.startsWith('<<<')) cmd.stdin = a.slice(3) || args[++i];
      else if (a === '<') cmd.stdinFile = args[++i];
      else cmd.argv.push(a);
    }
    // `echo "$X" | ghcr-blob …`: stdin is X and a newline.
    const piped = /echo\s+("[^"]*"|\S+)\s*\|\s*$/.exec(text.slice(0, m.index + m[0].indexOf('ghcr-blob')));
    if (piped) cmd.stdin = `${words(piped[1]!, vars).words[0]}\n`;
    found.push(cmd);
  }
  return found;
}

/** Commands in README's fenced ```sh blocks and in the `run:` of its ```yaml blocks. */
export function readmeCommands(readme: string, vars: Variables): ExampleCommand[] {
  const found: ExampleCommand[] = [];
  for (const m of readme.matchAll(/^```(sh|yaml)\n([\s\S]*?)^```$/gm)) {
    const firstLine = readme.slice(0, m.index).split('\n').length + 1;
    // In YAML, a command starts a line of a run: script (or follows `run: `); keys and comments never do.
    for (const { line, text } of logicalLines(m[2]!, firstLine)) {
      found.push(...commandsOn(`README.md:${line}`, text.replace(/^.*\brun: \|?/, ''), vars));
    }
  }
  return found;
}

/** Commands in the "Examples:" part of a --help text. */
export function helpCommands(where: string, help: string, vars: Variables): ExampleCommand[] {
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  const section = help.slice(at + '\nExamples:\n'.length).split(/\n\S/)[0]!;
  return logicalLines(section, 0).flatMap(({ text }) => commandsOn(where, text, vars));
}
