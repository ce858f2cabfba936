import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../domain/index.ts';
import type { ScheduleFiring } from './firing.ts';
import type { SchedulesFile, StoredSchedule } from './schedules-file.ts';
import { invalid, SchedulerFault, validateCreate } from './validate.ts';

/** The groups every account has, and the stack's. */
export const LOCAL_SCHEDULE_GROUPS = ['default', 'quayside'] as const;
const PAGE = 100;

export interface SchedulerServerOptions {
  readonly file: SchedulesFile;
  readonly firing: ScheduleFiring;
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
}

/**
 * EventBridge Scheduler's REST-JSON API, as the SDK speaks it, for the calls quayside makes:
 * CreateSchedule (POST /schedules/NAME), GetSchedule and DeleteSchedule (GET, DELETE
 * /schedules/NAME?groupName=G), ListSchedules (GET /schedules?ScheduleGroup=G). Errors carry
 * `x-amzn-errortype` and `{"Message": …}` with Scheduler's codes and statuses.
 */
export async function startSchedulerServer(options: SchedulerServerOptions): Promise<{
  endpoint: string;
  close(): Promise<void>;
}> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void answer(options, request, Buffer.concat(chunks).toString('utf8'))
        .then((body) => reply(response, 200, body))
        .catch((error) => {
          const fault =
            error instanceof SchedulerFault
              ? error
              : new SchedulerFault('InternalServerException', (error as Error).message, 500);
          reply(response, fault.status, { Message: fault.message }, fault.code);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

function reply(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  response.end(JSON.stringify(body));
}

async function answer(
  options: SchedulerServerOptions,
  request: IncomingMessage,
  text: string,
): Promise<unknown> {
  if (!String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential=')) {
    throw invalid('the request is not signed with SigV4');
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = /^\/schedules(?:\/([^/]+))?$/.exec(url.pathname);
  if (!match)
    throw new SchedulerFault(
      'ResourceNotFoundException',
      `no such operation: ${request.method} ${url.pathname}`,
      404,
    );
  const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
  const group = (field: string) => {
    const value = url.searchParams.get(field) ?? 'default';
    if (!(LOCAL_SCHEDULE_GROUPS as readonly string[]).includes(value)) {
      throw new SchedulerFault('ResourceNotFoundException', `Schedule group ${value} does not exist.`, 404);
    }
    return value;
  };
  if (name === undefined && request.method === 'GET') return list(options, group('ScheduleGroup'), url);
  if (name === undefined) throw invalid(`unexpected ${request.method} /schedules`);
  switch (request.method) {
    case 'POST':
      return create(options, name, parseBody(text));
    case 'GET':
      return describe(found(options, group('groupName'), name));
    case 'DELETE': {
      const schedule = found(options, group('groupName'), name);
      options.firing.disarm(schedule.GroupName, schedule.Name);
      await options.file.delete(schedule.GroupName, schedule.Name);
      return {};
    }
    default:
      throw invalid(`unexpected ${request.method} /schedules/${name}`);
  }
}

async function create(options: SchedulerServerOptions, name: string, body: Record<string, unknown>) {
  const groupName = typeof body.GroupName === 'string' ? body.GroupName : 'default';
  if (!(LOCAL_SCHEDULE_GROUPS as readonly string[]).includes(groupName)) {
    throw new SchedulerFault('ResourceNotFoundException', `Schedule group ${groupName} does not exist.`, 404);
  }
  if (options.file.get(groupName, name) !== undefined) {
    throw new SchedulerFault('ConflictException', `Schedule ${name} already exists.`, 409);
  }
  const schedule = validateCreate({
    name,
    body,
    groupName,
    arn: `arn:aws:scheduler:${options.region}:${options.account}:schedule/${groupName}/${name}`,
    nowSeconds: Math.floor(options.clock.now() / 1000),
  });
  await options.file.put(schedule);
  options.firing.arm(schedule);
  return { ScheduleArn: schedule.Arn };
}

function list(options: SchedulerServerOptions, groupName: string, url: URL) {
  const prefix = url.searchParams.get('NamePrefix') ?? '';
  const state = url.searchParams.get('State');
  const start = Number(url.searchParams.get('NextToken') ?? 0);
  const max = Math.min(PAGE, Number(url.searchParams.get('MaxResults') ?? PAGE));
  const all = options.file
    .all()
    .filter(
      (s) => s.GroupName === groupName && s.Name.startsWith(prefix) && (state === null || s.State === state),
    );
  const page = all.slice(start, start + max);
  return {
    Schedules: page.map((s) => ({
      Arn: s.Arn,
      Name: s.Name,
      GroupName: s.GroupName,
      State: s.State,
      CreationDate: s.CreationDate,
      LastModificationDate: s.LastModificationDate,
      Target: { Arn: s.Target.Arn },
    })),
    ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
  };
}

function found(options: SchedulerServerOptions, group: string, name: string): StoredSchedule {
  const schedule = options.file.get(group, name);
  if (schedule === undefined)
    throw new SchedulerFault('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
  return schedule;
}

function describe(s: StoredSchedule) {
  const { dueAt: _due, completedAt: _completed, ...shown } = s;
  return shown;
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const body = JSON.parse(text || '{}');
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // Said below.
  }
  throw invalid('the body is not a JSON object');
}
