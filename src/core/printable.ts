/**
 * Text that someone else wrote (a certificate, a registry's error, a child's stderr) reaches the
 * terminal. Control characters (newlines included) and terminal escapes are shown escaped, so
 * such text cannot move the cursor, forge a line or, in GitHub Actions, start a workflow command.
 */
export const printable = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** One line of someone else's text, escaped and at most `max` characters. */
export function printableLine(text: string, max = 400): string {
  const line = printable(text);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Several lines of someone else's text (e.g. a child's stderr under --debug), each escaped. */
export const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');
