import { describe, expect, it } from 'vitest';
import {
  ArgumentRefusedError,
  ChatUsageError,
  GENERAL_USAGE,
  parseCommand,
  tokenize,
} from '../../lib/chatops/index.ts';
import { MARKER } from '../fixtures/markers.ts';

function refused(text: string): ChatUsageError {
  try {
    parseCommand(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ChatUsageError);
    return error as ChatUsageError;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('chat command parsing', () => {
  it('reads each command with its flags, as typed after /quayside', () => {
    expect(parseCommand('rollback blog 1')).toEqual({
      kind: 'rollback',
      release: 'blog',
      where: {},
      revision: 1,
    });
    expect(parseCommand('rollback blog -n tools --cluster prod --timeout 2m')).toEqual({
      kind: 'rollback',
      release: 'blog',
      where: { namespace: 'tools', cluster: 'prod' },
      revision: 0,
      timeout: '2m',
    });
    expect(
      parseCommand(
        'upgrade blog bitnami/ghost@21.1.0 --set image.tag=5 --set-string "note=a b" --atomic -n tools',
      ),
    ).toEqual({
      kind: 'upgrade',
      release: 'blog',
      where: { namespace: 'tools' },
      chart: { kind: 'repo', repo: 'bitnami', name: 'ghost', version: '21.1.0' },
      set: ['image.tag=5'],
      setString: ['note=a b'],
      atomic: true,
      install: false,
      reuseValues: false,
      createNamespace: false,
    });
    expect(parseCommand('install web oci://registry.example.com/charts/web --version 0.2.0').kind).toBe(
      'install',
    );
    expect(parseCommand('history blog --max 5')).toMatchObject({ kind: 'history', max: 5 });
    expect(parseCommand('diff blog 2 3')).toMatchObject({ kind: 'diff', from: 2, to: 3 });
    expect(parseCommand('status blog')).toMatchObject({ kind: 'status', release: 'blog' });
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
  });

  it('reads quotes as a shell would, including the curly quotes phones type, and unescapes what Slack escapes', () => {
    expect(tokenize('upgrade blog x/y --set \u201cnote=two words\u201d')).toEqual([
      'upgrade',
      'blog',
      'x/y',
      '--set',
      'note=two words',
    ]);
    expect(tokenize("a 'b c' d")).toEqual(['a', 'b c', 'd']);
    expect(tokenize('rollback blog &amp;&amp; ls')).toEqual(['rollback', 'blog', '&&', 'ls']);
    expect(refused('rollback "blog').message).toMatch(/quote is not closed/);
  });

  it('answers mistakes with the usage of the command meant, not a stack', () => {
    const wrong = refused('rollback');
    expect(wrong.message).toBe('rollback takes 1 to 2 argument(s); 0 given');
    expect(wrong.usage).toMatch(/^\/quayside rollback RELEASE \[REVISION\]/);
    expect(refused('rollback blog one').message).toBe('REVISION must be a revision number');
    expect(refused('deploy blog').message).toBe('unknown command "deploy"');
    expect(refused('rollback blog --force').message).toBe('unknown flag --force');
    expect(refused('upgrade blog x/y --set novalue').message).toBe('each --set must be key=value');
    expect(refused('history blog --max 500').message).toBe('--max must be 1 to 50');
    expect(refused('rollback blog --timeout soon').message).toMatch(/--timeout must be a duration/);
  });

  it('refuses shell metacharacters in any argument, naming its position and never its content', () => {
    for (const text of [
      'rollback blog; rm -rf /',
      'rollback blog | cat',
      'rollback $(whoami)',
      'rollback `id`',
      'status blog &amp;&amp; curl evil',
      'status blog &gt; /etc/passwd',
      'rollback blog\nstatus x',
      `upgrade blog x/y --set password=${MARKER}-meta;echo`,
    ]) {
      const error = refused(text);
      expect(error, text).toBeInstanceOf(ArgumentRefusedError);
      expect(error.message).toMatch(
        /^argument \d+ holds (".+"|a control character), a shell metacharacter: refused/,
      );
      expect(error.message).not.toContain(MARKER);
    }
  });

  it('refuses path traversal and charts from paths: charts come from registered repositories or OCI only', () => {
    for (const text of [
      'upgrade blog ../../etc/passwd',
      'upgrade blog ./charts/ghost',
      'upgrade blog /srv/charts/ghost',
      'upgrade blog ~/charts/ghost',
      'upgrade blog file:///etc/ghost',
      'upgrade blog https://charts.example.com/ghost-1.0.0.tgz',
      'upgrade blog oci://registry.example.com/../../ghost',
      'install blog repo/../ghost',
      'status ../blog',
    ]) {
      const error = refused(text);
      expect(error, text).toBeInstanceOf(ArgumentRefusedError);
      expect(error.message).toMatch(/path traversal|never from a path|oci:\/\//);
    }
  });

  it('does not quote an unknown flag written with a value, which may be a secret', () => {
    const error = refused(`upgrade blog x/y --password=${MARKER}-flag`);
    expect(error.message).toBe('unknown flag --password');
  });

  it('reads schedule with its verb first: a time to run an action at, list and cancel', () => {
    expect(parseCommand('schedule rollback blog 1 --at 2026-12-01T06:00 --tz Europe/Paris -n tools')).toEqual(
      {
        kind: 'schedule',
        verb: 'rollback',
        release: 'blog',
        where: { namespace: 'tools' },
        revision: 1,
        at: '2026-12-01T06:00',
        tz: 'Europe/Paris',
      },
    );
    expect(parseCommand('schedule rollback blog --at 2026-12-01T05:00Z --cluster prod')).toMatchObject({
      revision: 0,
      at: '2026-12-01T05:00Z',
      where: { cluster: 'prod' },
    });
    expect(
      parseCommand(
        'schedule upgrade blog bitnami/ghost@21.1.0 --set a=b --install --atomic --at 2026-12-01T22:00',
      ),
    ).toEqual({
      kind: 'schedule',
      verb: 'upgrade',
      release: 'blog',
      where: {},
      chart: { kind: 'repo', repo: 'bitnami', name: 'ghost', version: '21.1.0' },
      set: ['a=b'],
      setString: [],
      atomic: true,
      install: true,
      reuseValues: false,
      at: '2026-12-01T22:00',
    });
    expect(
      parseCommand(
        'schedule uninstall preview-42 --keep-history --at 2026-12-24T18:00 --tz America/New_York',
      ),
    ).toEqual({
      kind: 'schedule',
      verb: 'uninstall',
      release: 'preview-42',
      where: {},
      keepHistory: true,
      at: '2026-12-24T18:00',
      tz: 'America/New_York',
    });
    expect(parseCommand('schedule list')).toEqual({ kind: 'schedule', verb: 'list', where: {} });
    expect(parseCommand('schedule list blog -n tools')).toEqual({
      kind: 'schedule',
      verb: 'list',
      release: 'blog',
      where: { namespace: 'tools' },
    });
    expect(parseCommand('schedule cancel blog-rollback-3f9c2a1b')).toEqual({
      kind: 'schedule',
      verb: 'cancel',
      name: 'blog-rollback-3f9c2a1b',
    });
    expect(parseCommand('schedule --help')).toEqual({ kind: 'help' });
  });

  it('answers schedule mistakes with the schedule usage, naming what is wrong', () => {
    const cases: [string, string][] = [
      ['schedule', 'schedule takes one of rollback, upgrade, uninstall, list, cancel first'],
      [
        'schedule blog rollback --at 2026-12-01T06:00',
        'schedule takes one of rollback, upgrade, uninstall, list, cancel first',
      ],
      [
        'schedule install blog x/y --at 2026-12-01T06:00',
        'schedule takes one of rollback, upgrade, uninstall, list, cancel first',
      ],
      [
        'schedule rollback blog 1',
        '--at is required: when the request is sent (2026-12-01T06:00 with --tz ZONE, or 2026-12-01T05:00Z)',
      ],
      ['schedule rollback blog one --at 2026-12-01T06:00', 'REVISION must be a revision number'],
      ['schedule rollback --at 2026-12-01T06:00', 'schedule rollback takes 1 to 2 argument(s); 0 given'],
      ['schedule rollback blog 1 --at', '--at needs a value'],
      ['schedule rollback blog 1 --at 2026-12-01T06:00 --at 2026-12-02T06:00', '--at is given twice'],
      ['schedule rollback blog 1 --set a=b --at 2026-12-01T06:00', 'unknown flag --set'],
      [
        'schedule upgrade blog x/y --create-namespace --at 2026-12-01T06:00',
        'unknown flag --create-namespace',
      ],
      [
        'schedule uninstall blog --at 2026-12-01T06:00 --timeout soon',
        '--timeout must be a duration such as 90s, 5m or 1h30m',
      ],
      ['schedule list a b', 'schedule list takes 0 to 1 argument(s); 2 given'],
      ['schedule list --at 2026-12-01T06:00', 'unknown flag --at'],
      ['schedule cancel', 'schedule cancel takes 1 argument(s); 0 given'],
      [
        'schedule cancel a:b',
        'SCHEDULE is the name of a schedule, as `schedule list` shows it (letters, digits and . _ -)',
      ],
    ];
    for (const [text, message] of cases) {
      const error = refused(text);
      expect(error.message, text).toBe(message);
      expect(error.usage, text).toContain(
        '/quayside schedule rollback RELEASE [REVISION] --at TIME [--tz ZONE]',
      );
      expect(error.usage, text).toContain('/quayside schedule cancel SCHEDULE');
    }
    // A scheduled upgrade's chart is held to the same rule as a typed one's; --set values are never quoted.
    expect(refused('schedule upgrade blog ./charts/ghost --at 2026-12-01T06:00')).toBeInstanceOf(
      ArgumentRefusedError,
    );
    expect(refused(`schedule upgrade blog x/y --set ${MARKER} --at 2026-12-01T06:00`).message).not.toContain(
      MARKER,
    );
    expect(refused(`schedule upgrade blog x/y --token=${MARKER} --at 2026-12-01T06:00`).message).toBe(
      'unknown flag --token',
    );
  });

  it('lists schedule in the help, with what TIME may be', () => {
    expect(GENERAL_USAGE).toContain('/quayside schedule rollback RELEASE [REVISION] --at TIME [--tz ZONE]');
    expect(GENERAL_USAGE).toContain('/quayside schedule list [RELEASE]');
    expect(GENERAL_USAGE).toMatch(/TIME: 2026-12-01T06:00 in --tz ZONE/);
  });
});
