import { describe, expect, it } from 'vitest';
import { addPushOptions, pushOptionsSchema } from '../../../src/options/push.js';
import { parseOptions } from '../../../src/options/parse.js';
import { refuseStdinTwice } from '../../../src/options/signing.js';
import { parseLine, rawOptions, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addPushOptions, pushOptionsSchema, argv);

const DEFAULTS = {
  passwordStdin: false,
  plainHttp: false,
  identityTokenStdin: false,
  allowPublicLog: false,
  json: false,
  mediaType: 'application/octet-stream',
  annotation: [],
  sign: false,
  force: false,
};

describe('push options', () => {
  it.each<[string[], object]>([
    [[], DEFAULTS],
    [['--force'], { ...DEFAULTS, force: true }],
    [
      ['--media-type', 'application/vnd.example.report+json', '--artifact-type', 'application/vnd.example+json'],
      { ...DEFAULTS, mediaType: 'application/vnd.example.report+json', artifactType: 'application/vnd.example+json' },
    ],
    [
      ['--annotation', 'org.opencontainers.image.source=https://github.com/octo/tools', '--annotation', 'k=v=w'],
      { ...DEFAULTS, annotation: ['org.opencontainers.image.source=https://github.com/octo/tools', 'k=v=w'] },
    ],
    [['--annotation=empty='], { ...DEFAULTS, annotation: ['empty='] }],
    [
      [
        '--sign',
        '--identity-token-stdin',
        '--signing-config',
        'sc.json',
        '--trusted-root',
        'tr.json',
        '-u',
        'octocat',
        '--plain-http',
        '--ca-file',
        'ca.pem',
        '--oras',
        '/o',
        '--cosign',
        '/c',
        '--json',
      ],
      {
        ...DEFAULTS,
        sign: true,
        identityTokenStdin: true,
        signingConfig: 'sc.json',
        trustedRoot: 'tr.json',
        username: 'octocat',
        plainHttp: true,
        caFile: 'ca.pem',
        oras: '/o',
        cosign: '/c',
        json: true,
      },
    ],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('declares the --media-type default once: commander and zod agree', () => {
    expect(rawOptions(addPushOptions, []).mediaType).toBe('application/octet-stream');
    expect(parseOptions(pushOptionsSchema, {}).mediaType).toBe('application/octet-stream');
  });

  it.each<[string[], string]>([
    [['--media-type', 'json'], '--media-type: must be a media type like application/json'],
    [['--media-type', 'application/json; charset=utf-8'], '--media-type: must be a media type like application/json'],
    [['--media-type', 'a/b:c'], '--media-type: must be a media type like application/json'],
    [['--artifact-type', 'report'], '--artifact-type: must be a media type like application/vnd.example+json'],
    [['--annotation', 'k=v', '--annotation', 'novalue'], '--annotation: must be key=value'],
    [['--annotation', '=v'], '--annotation: must be key=value'],
    [['--annotation', 'a key=v'], '--annotation: must be key=value'],
  ])('refuses %j', (argv, message) => {
    expect(rejection(() => parse(argv))).toEqual({ exitCode: 2, source: 'ghcr-blob', message });
  });

  it('parses --password-stdin with --identity-token-stdin, then refuseStdinTwice refuses it', () => {
    const opts = parse(['--sign', '--password-stdin', '--identity-token-stdin']);
    expect(rejection(() => refuseStdinTwice(opts))).toMatchObject({
      exitCode: 2,
      message: '--password-stdin and --identity-token-stdin both want stdin',
    });
  });
});
