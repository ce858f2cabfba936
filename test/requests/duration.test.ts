import { describe, expect, it } from 'vitest';
import { DurationSyntaxError, formatDuration, parseDuration } from '../../lib/requests/index.ts';

describe('Go durations', () => {
  it.each([
    ['5m0s', 300_000],
    ['5m', 300_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['1.s', 1_000],
    ['300ms', 300],
    ['2h45m10.5s', 9_910_500],
    ['1500us', 1.5],
    ['-2m', -120_000],
    ['+2m', 120_000],
    ['0', 0],
  ])('reads %s as Go does', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'it is empty'],
    ['300', 'missing unit'],
    ['5d', 'unknown unit'],
    ['5 m', 'unknown unit'],
    ['m5', 'expected a number before the unit'],
    ['5m!', 'unknown unit'],
    ['5m1.5', 'missing unit'],
    ['.s', 'expected a number before the unit'],
    ['-', 'it is empty'],
    ['2562048h', 'it is too large'],
  ])('refuses %j, saying why', (text, reason) => {
    try {
      parseDuration(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DurationSyntaxError);
      expect((error as DurationSyntaxError).reason).toContain(reason);
      expect((error as Error).message).toBe(
        `invalid duration ${JSON.stringify(text)}: ${(error as DurationSyntaxError).reason}`,
      );
    }
  });

  it.each([
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [1_500, '1.5s'],
    [300, '300ms'],
    [0, '0s'],
    [-90_000, '-1m30s'],
  ])('prints %d ms as Go prints it (%s), and reads it back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
