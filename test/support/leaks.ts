// Where a secret must never be: the checks every leak proof shares, over what a recording stand-in
// saw (argv, environment, open fds) and what the run printed.
import { secretForms } from './fs-scan.js';
import { subcommand, type Invocation } from './stand-in.js';

/** Every spelling of `secret` a leak could take: raw, URL-encoded, base64 (also of `user:secret`). */
export function leakForms(secret: string, username?: string): string[] {
  const forms = new Set(secretForms(secret).map((b) => b.toString()));
  forms.add(encodeURIComponent(secret));
  if (username !== undefined) forms.add(Buffer.from(`${username}:${secret}`).toString('base64'));
  return [...forms];
}

export interface LeakCheck {
  secrets: string[];
  /** The registry user, so base64("user:secret") (a docker config's `auths` entry) is looked for too. */
  username?: string;
  /** Folders no open fd may point into (HOME, DOCKER_CONFIG: where a credential would persist). */
  forbiddenDirs?: string[];
}

/** Where each invocation carried a secret, or pointed an fd somewhere forbidden; [] when clean. */
export function leaksIn(invocations: readonly Invocation[], check: LeakCheck): string[] {
  const forms = check.secrets.flatMap((s) => leakForms(s, check.username));
  const found: string[] = [];
  for (const i of invocations) {
    const at = `${i.id} (${subcommand(i)})`; // never the arguments: they may hold the secret
    for (const [n, a] of i.args.entries()) if (forms.some((f) => a.includes(f))) found.push(`${at}: argv[${n + 1}]`);
    for (const [k, v] of Object.entries(i.env))
      if (forms.some((f) => k.includes(f) || v.includes(f))) found.push(`${at}: environment ${k}`);
    for (const [fd, target] of Object.entries(i.fds)) {
      if (forms.some((f) => target.includes(f))) found.push(`${at}: fd ${fd} → a path naming the secret`);
      for (const dir of check.forbiddenDirs ?? [])
        if (target === dir || target.startsWith(`${dir}/`)) found.push(`${at}: fd ${fd} open on ${target}`);
    }
  }
  return found;
}

/** What a run printed, checked for every spelling of every secret. */
export function leaksInText(text: string, check: LeakCheck): string[] {
  return check.secrets.flatMap((s) => leakForms(s, check.username)).filter((f) => text.includes(f));
}
