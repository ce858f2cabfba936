import { describe, expect, it } from 'vitest';
import { parseValueFlags, ValueFlagError } from '../../lib/chart/index.ts';

const set = (...values: string[]) => parseValueFlags({ values });
const fails = (...values: string[]) => set(...values).then(() => undefined);

describe('parseValueFlags with --set', () => {
  it('types true, false, null and base-10 integers, and keeps everything else as text', async () => {
    expect(await set('a=true,b=FALSE,c=null,d=0,e=1234567890123,f=-7,g=0123,h=3.14,i=1e3,j=hello')).toEqual({
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

  it('builds nested maps from dotted names', async () => {
    expect(await set('outer.inner.leaf=x', 'outer.other=y')).toEqual({
      outer: { inner: { leaf: 'x' }, other: 'y' },
    });
  });

  it('builds lists from indexes, padding gaps with null', async () => {
    expect(await set('list[0]=a,list[2]=c')).toEqual({ list: ['a', null, 'c'] });
    expect(await set('people[0].name=ann,people[0].age=3')).toEqual({ people: [{ name: 'ann', age: 3n }] });
    expect(await set('grid[0][1]=x')).toEqual({ grid: [[null, 'x']] });
    expect(await set('empty[0]')).toEqual({ empty: [] });
  });

  it('reads {a,b} as a list and a backslash as an escape', async () => {
    expect(await set('names={a,b,7}')).toEqual({ names: ['a', 'b', 7n] });
    expect(await set('csv=one\\,two', 'dotted\\.key=v')).toEqual({ csv: 'one,two', 'dotted.key': 'v' });
  });

  it('lets a later --set override an earlier one and -f files', async () => {
    const values = await parseValueFlags(
      { valueFiles: ['base.yaml', 'prod.yaml'], values: ['image.tag=2.0'] },
      (path) =>
        new TextEncoder().encode(
          path === 'base.yaml' ? 'image:\n  repository: web\n  tag: "1.0"\nreplicas: 1\n' : 'replicas: 3\n',
        ),
    );
    expect(values).toEqual({ image: { repository: 'web', tag: '2.0' }, replicas: 3 });
  });

  it('rejects a key without a value, pointing at it by position', async () => {
    await expect(fails('name')).rejects.toThrow(ValueFlagError);
    await expect(fails('name')).rejects.toThrow(
      'failed parsing --set data: characters 1-4 are not followed by "=" and a value',
    );
    await expect(fails('a,b=1')).rejects.toThrow('characters 1-1 are not followed by "=" and a value');
    await expect(fails('x=1', 'y=2,z')).rejects.toThrow(
      'failed parsing --set data (expression 2 of 2): characters 5-5 are not followed by "="',
    );
  });

  it('rejects negative and malformed list indexes, naming the key', async () => {
    await expect(fails('list[-1]=a')).rejects.toThrow('key "list": negative index -1 not allowed');
    await expect(fails('list[x]=a')).rejects.toThrow('key "list": the list index is not a whole number');
    await expect(fails('list[0]junk=a')).rejects.toThrow(
      'characters 8-11: unexpected text after a list index',
    );
  });

  it('never quotes the text of a malformed expression, which may hold a secret', async () => {
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
      const error = await Promise.resolve()
        .then(attempt)
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(ValueFlagError);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('names the key and where in the value JSON broke for --set-json', async () => {
    await expect(parseValueFlags({ jsonValues: ['db={"password":"x"'] })).rejects.toThrow(
      'failed parsing --set-json data: key "db": the value is not valid JSON',
    );
    await expect(parseValueFlags({ jsonValues: ['db={"a":1 "b":2}'] })).rejects.toThrow(
      '(at character 8 of the value)',
    );
  });

  it("names the file and line of a values file that is not YAML, in Helm's reader's words, without quoting it", async () => {
    const read = () => new TextEncoder().encode('a: 1\nb: "x\\q"\n');
    await expect(parseValueFlags({ valueFiles: ['prod.yaml'] }, read)).rejects.toThrow(
      'failed to parse prod.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: found unknown escape character',
    );
  });
});

describe('parseValueFlags with --set-string, --set-json and --set-file', () => {
  it('keeps --set-string values as text', async () => {
    expect(await parseValueFlags({ stringValues: ['a=true,b=10,c=null'] })).toEqual({
      a: 'true',
      b: '10',
      c: 'null',
    });
  });

  it('reads --set-json values as JSON, with empty meaning null', async () => {
    expect(await parseValueFlags({ jsonValues: ['a={"b":[1,2],"c":"x,y"},d=[true],e='] })).toEqual({
      a: { b: [1, 2], c: 'x,y' },
      d: [true],
      e: null,
    });
  });

  it('reads --set-file values from the named file', async () => {
    const values = await parseValueFlags({ fileValues: ['script=run.sh'] }, () =>
      new TextEncoder().encode('#!/bin/sh\n'),
    );
    expect(values).toEqual({ script: '#!/bin/sh\n' });
  });

  it('applies flags in Helm order: files, --set-json, --set, --set-string, --set-file', async () => {
    const values = await parseValueFlags(
      { fileValues: ['k=f'], stringValues: ['k=string'], values: ['k=set'], jsonValues: ['k="json"'] },
      () => new TextEncoder().encode('from-file'),
    );
    expect(values).toEqual({ k: 'from-file' });
  });

  it('reports a values file that is not YAML', async () => {
    await expect(
      parseValueFlags({ valueFiles: ['bad.yaml'] }, () => new TextEncoder().encode('a: [1, 2\n')),
    ).rejects.toThrow(ValueFlagError);
  });

  it("reads a values file's documents in order, as Helm 4 does", async () => {
    const text = 'a: 1\nb: {x: 1}\n---\n# only a comment\n---\nb: {z: 2}\n';
    expect(await parseValueFlags({ valueFiles: ['v.yaml'] }, () => new TextEncoder().encode(text))).toEqual({
      a: 1,
      b: { x: 1, z: 2 },
    });
  });

  it('merges a whole JSON object given to --set-json, as Helm 4 does', async () => {
    expect(await parseValueFlags({ jsonValues: ['{"a":{"b":1}}', 'a.c=2'] })).toEqual({ a: { b: 1, c: 2 } });
    await expect(parseValueFlags({ jsonValues: ['{"a":'] })).rejects.toThrow(
      new ValueFlagError(
        'failed parsing --set-json data: not a JSON object (a line starting with { must be one, without Infinity or NaN)',
      ),
    );
  });

  it('names the flag and the key, never the line, where Helm would quote it (it holds values)', async () => {
    await expect(parseValueFlags({ jsonValues: ['a={"b":1'] })).rejects.toThrow(
      /^failed parsing --set-json data: key "a": the value is not valid JSON/,
    );
    await expect(parseValueFlags({ jsonValues: ['a=1e400'] })).rejects.toThrow(
      new ValueFlagError('failed parsing --set-json data: key "a": the value is not valid JSON'),
    );
  });

  it("reports an unreadable values file in Go's words, as helm prints them", async () => {
    await expect(parseValueFlags({ valueFiles: ['/nonexistent/missing.yaml'] })).rejects.toThrow(
      new ValueFlagError('open /nonexistent/missing.yaml: no such file or directory'),
    );
  });
});
