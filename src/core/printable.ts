/**
 * Text that someone else wrote (a certificate, a registry's error, a child's stderr) reaches the
 * terminal. Control characters (newlines included), terminal escapes and bidi controls are shown
 * escaped, so such text cannot move the cursor, forge a line, read reversed or, in GitHub
 * Actions, start a workflow command.
 */

/**
 * C0/C1 controls; bidi marks, embeddings, overrides and isolates (they reorder what follows, so a
 * signer identity could read as another); zero-width characters and line/paragraph separators.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** One line of someone else's text, escaped and at most `max` characters. */
export function printableLine(text: string, max = 400): string {
  const line = printable(text);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Several lines of someone else's text (e.g. a child's stderr under --debug), each escaped. */
export const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');
