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

  it('rejects a key without a value', () => {
    expect(() => set('name')).toThrow(ValueFlagError);
    expect(() => set('name')).toThrow('failed parsing --set data: key "name" has no value');
    expect(() => set('a,b=1')).toThrow('key "a" has no value (cannot end with ,)');
  });

  it('rejects negative and malformed list indexes', () => {
    expect(() => set('list[-1]=a')).toThrow(ValueFlagError);
    expect(() => set('list[x]=a')).toThrow(ValueFlagError);
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
