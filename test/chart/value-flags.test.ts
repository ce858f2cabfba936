import { describe, expect, it } from 'vitest';
import { parseValueFlags, ValueFlagError } from '../../lib/chart/index.ts';

const set = (...values: string[]) => parseValueFlags({ values });

describe('parseValueFlags with --set', () => {
  it('types true, false, null and base-10 integers, and keeps everything else as text', () => {
    expect(set('a=true,b=FALSE,c=null,d=0,e=1234567890123,f=-7,g=0123,h=3.14,i=1e3,j=hello')).toEqual({
      a: true,
      b: false,
      c: null,
      d: 0n,
      e: 1234567890123n,
      f: -7n,
      g: '0123',
      h: '3.14',
      i: '1e3',
      j: 'hello',
    });
  });

  it('builds nested maps from dotted names', () => {
    expect(set('outer.inner.leaf=x', 'outer.other=y')).toEqual({
      outer: { inner: { leaf: 'x' }, other: 'y' },
    });
  });

  it('builds lists from indexes, padding gaps with null', () => {
    expect(set('list[0]=a,list[2]=c')).toEqual({ list: ['a', null, 'c'] });
    expect(set('people[0].name=ann,people[0].age=3')).toEqual({ people: [{ name: 'ann', age: 3n }] });
    expect(set('grid[0][1]=x')).toEqual({ grid: [[null, 'x']] });
    expect(set('empty[0]')).toEqual({ empty: [] });
  });

  it('reads {a,b} as a list and a backslash as an escape', () => {
    expect(set('names={a,b,7}')).toEqual({ names: ['a', 'b', 7n] });
    expect(set('csv=one\\,two', 'dotted\\.key=v')).toEqual({ csv: 'one,two', 'dotted.key': 'v' });
  });

  it('lets a later --set override an earlier one and -f files', () => {
    const values = parseValueFlags(
      { valueFiles: ['base.yaml', 'prod.yaml'], values: ['image.tag=2.0'] },
      (path) =>
        new TextEncoder().encode(
          path === 'base.yaml' ? 'image:\n  repository: web\n  tag: "1.0"\nreplicas: 1\n' : 'replicas: 3\n',
        ),
    );
    expect(values).toEqual({ image: { repository: 'web', tag: '2.0' }, replicas: 3 });
  });

  it('rejects a key without a value, pointing at it by position', () => {
    expect(() => set('name')).toThrow(ValueFlagError);
    expect(() => set('name')).toThrow(
      'failed parsing --set data: characters 1-4 are not followed by "=" and a value',
    );
    expect(() => set('a,b=1')).toThrow('characters 1-1 are not followed by "=" and a value');
    expect(() => set('x=1', 'y=2,z')).toThrow(
      'failed parsing --set data (expression 2 of 2): characters 5-5 are not followed by "="',
    );
  });

  it('rejects negative and malformed list indexes, naming the key', () => {
    expect(() => set('list[-1]=a')).toThrow('key "list": negative index -1 not allowed');
    expect(() => set('list[x]=a')).toThrow('key "list": the list index is not a whole number');
    expect(() => set('list[0]junk=a')).toThrow('characters 8-11: unexpected text after a list index');
  });

  it('never quotes the text of a malformed expression, which may hold a secret', () => {
    const secret = 'hunter2-secret';
    const attempts: Array<() => unknown> = [
      () => set(`password=ab,${secret}`),
      () => set(`password=ab,${secret},c=d`),
      () => set(`list[${secret}]=1`),
      () => set(`list[0]${secret}=1`),
      () => set(`list={a,${secret}`),
      () => parseValueFlags({ stringValues: [`token=x,${secret}`] }),
      () => parseValueFlags({ jsonValues: [`db={"password":"${secret}"`] }),
      () => parseValueFlags({ jsonValues: [`db=${secret}`] }),
      () => parseValueFlags({ jsonValues: [`db=[1,${secret}]`] }),
      () =>
        parseValueFlags({ valueFiles: ['v.yaml'] }, () => new TextEncoder().encode(`a: "${secret}\\q"\n`)),
      () => parseValueFlags({ valueFiles: ['v.yaml'] }, () => new TextEncoder().encode(`a: b: ${secret}\n`)),
      () => parseValueFlags({ valueFiles: ['v.yaml'] }, () => new TextEncoder().encode(`- ${secret}\n`)),
    ];
    for (const attempt of attempts) {
      const error = (() => {
        try {
          attempt();
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ValueFlagError);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('names the key and where in the value JSON broke for --set-json', () => {
    expect(() => parseValueFlags({ jsonValues: ['db={"password":"x"'] })).toThrow(
      'failed parsing --set-json data: key "db": the value is not valid JSON',
    );
    expect(() => parseValueFlags({ jsonValues: ['db={"a":1 "b":2}'] })).toThrow(
      '(at character 8 of the value)',
    );
  });

  it('names the file, line and column of a values file that is not YAML, without quoting it', () => {
    const read = () => new TextEncoder().encode('a: 1\nb: "x\\q"\n');
    expect(() => parseValueFlags({ valueFiles: ['prod.yaml'] }, read)).toThrow(
      'failed to parse prod.yaml: line 2, column 6: an invalid escape sequence in a double-quoted string',
    );
  });
});

describe('parseValueFlags with --set-string, --set-json and --set-file', () => {
  it('keeps --set-string values as text', () => {
    expect(parseValueFlags({ stringValues: ['a=true,b=10,c=null'] })).toEqual({
      a: 'true',
      b: '10',
      c: 'null',
    });
  });

  it('reads --set-json values as JSON, with empty meaning null', () => {
    expect(parseValueFlags({ jsonValues: ['a={"b":[1,2],"c":"x,y"},d=[true],e='] })).toEqual({
      a: { b: [1, 2], c: 'x,y' },
      d: [true],
      e: null,
    });
  });

  it('reads --set-file values from the named file', () => {
    const values = parseValueFlags({ fileValues: ['script=run.sh'] }, () =>
      new TextEncoder().encode('#!/bin/sh\n'),
    );
    expect(values).toEqual({ script: '#!/bin/sh\n' });
  });

  it('applies flags in Helm order: files, --set-json, --set, --set-string, --set-file', () => {
    const values = parseValueFlags(
      { fileValues: ['k=f'], stringValues: ['k=string'], values: ['k=set'], jsonValues: ['k="json"'] },
      () => new TextEncoder().encode('from-file'),
    );
    expect(values).toEqual({ k: 'from-file' });
  });

  it('reports a values file that is not YAML', () => {
    expect(() =>
      parseValueFlags({ valueFiles: ['bad.yaml'] }, () => new TextEncoder().encode('a: [1, 2\n')),
    ).toThrow(ValueFlagError);
  });
});
