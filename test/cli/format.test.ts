import { describe, expect, it } from 'vitest';
import { diffText } from '../../lib/cli/diff.ts';
import { encodeData, formatAnsic, formatGoTime, formatTable } from '../../lib/cli/format.ts';

describe('CLI output formats', () => {
  it('pads every cell to its column width and joins cells with tabs, as gosuri/uitable does', () => {
    expect(
      formatTable([
        ['REVISION', 'STATUS', 'DESCRIPTION'],
        [1, 'superseded', 'Install complete'],
        [12, 'deployed', 'Rollback to 1'],
      ]),
    ).toBe(
      'REVISION\tSTATUS    \tDESCRIPTION     \n' +
        '1       \tsuperseded\tInstall complete\n' +
        '12      \tdeployed  \tRollback to 1   \n',
    );
  });

  it("prints times in Go's ANSIC layout with a space-padded day, in UTC", () => {
    expect(formatAnsic('2016-10-03T10:15:13.000Z')).toBe('Mon Oct  3 10:15:13 2016');
    expect(formatAnsic('2026-11-23T22:03:09.157Z')).toBe('Mon Nov 23 22:03:09 2026');
  });

  it("prints list times as Go's Time.String does, trimming trailing zeros of the fraction", () => {
    expect(formatGoTime('2020-06-18T14:17:46.120Z')).toBe('2020-06-18 14:17:46.12 +0000 UTC');
    expect(formatGoTime('2020-06-18T14:17:46.000Z')).toBe('2020-06-18 14:17:46 +0000 UTC');
    expect(formatGoTime(undefined)).toBe('-');
  });

  it('writes json on one line and yaml with sorted keys, as helm encodes them', () => {
    const data = [{ revision: 1, app_version: '1.0', chart: 'a-1' }];
    expect(encodeData('json', data)).toBe('[{"revision":1,"app_version":"1.0","chart":"a-1"}]\n');
    expect(encodeData('yaml', data)).toBe('- app_version: "1.0"\n  chart: a-1\n  revision: 1\n');
  });

  it('says so when a planned change changes nothing', () => {
    expect(diffText({ ok: true, objects: [], diff: '' })).toBe('No changes.\n');
  });
});
