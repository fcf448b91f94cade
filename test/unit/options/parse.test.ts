import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseOptions } from '../../../src/options/parse.js';

const schema = z.object({
  expectDigest: z
    .string()
    .regex(/^sha256:/, 'must start with sha256:')
    .optional(),
  annotation: z.array(z.string().regex(/=/, 'must be key=value')).default([]),
  plainHttp: z.boolean().default(false),
});

describe('parseOptions', () => {
  it('returns the parsed options with defaults filled in and unknown keys dropped', () => {
    expect(parseOptions(schema, { expectDigest: 'sha256:ab', other: 1 })).toEqual({
      expectDigest: 'sha256:ab',
      annotation: [],
      plainHttp: false,
    });
  });

  it.each<[unknown, string]>([
    [{ expectDigest: 'md5:00' }, '--expect-digest: must start with sha256:'],
    [{ annotation: ['a=1', 'nope'] }, '--annotation: must be key=value'],
    [{ plainHttp: 'yes' }, '--plain-http: Invalid input: expected boolean, received string'],
  ])('names the flag in kebab case: %o', (raw, message) => {
    expect(() => parseOptions(schema, raw)).toThrow(expect.objectContaining({ code: 'USAGE', message }));
  });

  it('says "options" when the whole input is wrong', () => {
    expect(() => parseOptions(schema, undefined)).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/^options: /) }),
    );
  });
});
