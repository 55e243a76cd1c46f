/**
 * A local stand-in for the Slack Web API, reachable by the real `@slack/web-api` WebClient
 * through `slackApiUrl`, so tests and benchmarks exercise the same request encoding, bearer
 * auth, `ok: false` error mapping, 429 `Retry-After` handling and three-step `files.uploadV2`
 * flow that production uses. It also serves the upload URLs it hands out and Slack-style
 * `response_url`s, and keeps a per-channel message store so tests can assert what a user sees.
 *
 * Deliberate simplifications (Slack differs; tests must not rely on these):
 * - one workspace and one bot; any non-empty token is accepted unless `options.token` is set,
 *   and there are no scopes, so `missing_scope` never happens;
 * - every syntactically valid `C…`/`G…` channel id exists and has the bot as a member; a DM
 *   exists only for a user in the directory (`setUsers`), as Slack's `channel_not_found` for a
 *   mistyped user id is exactly what the app has to cope with;
 * - Block Kit is checked only for shape (an array of at most 50 objects with a `type`; a
 *   Home tab's at most 100, with unique block ids and Slack's text lengths) and, for a message,
 *   Slack's text lengths: a section's, its fields', and the cumulative 12,000;
 *   `thread_ts` is not checked against existing messages;
 * - message `ts` values come from a counter, not the wall clock, so they are deterministic;
 * - uploaded bytes are stored as received and not compared with the declared `length`;
 * - a `response_url` has no use limit or expiry (Slack: 5 uses within 30 minutes).
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly isAdmin?: boolean;
}

export interface SlackServerOptions {
  /** Added before every response, to make benchmarks count round trips honestly. */
  readonly latencyMs?: number;
  /**
   * Called for every Web API request before it is served; `n` is the 1-based count of calls to
   * `method` so far, this one included (retries count). A number answers HTTP 429 with that many
   * seconds in `Retry-After`; the attempt is counted in `stats` but not recorded in `calls`.
   */
  readonly rateLimit?: (method: string, n: number) => number | null;
  /**
   * Slack's per-channel limit on `chat.postMessage`, as a bucket of `burst` posts refilled one
   * every `intervalMs`; a post that finds its channel's bucket empty is answered HTTP 429 with
   * `Retry-After`. The burst is the room for jitter: a post the sender paced correctly but that
   * arrived late, followed by one on time, reaches the server closer than `intervalMs` apart.
   */
  readonly channelRate?: { readonly intervalMs: number; readonly burst: number };
  /**
   * Real posts arrive late and their answers come back late: each Web API request waits a random
   * 0..`jitterMs` before it counts as arrived (which is when `channelRate` judges it) and another
   * before its answer is sent. A sender that spaces posts by when it sent them, not by when the
   * previous one was answered, then meets 429s.
   */
  readonly jitterMs?: number;
  /**
   * Called for every Web API request after its arguments are read; true answers it HTTP 503
   * (`service_unavailable`), as Slack does in an outage. The call is recorded with that error.
   */
  readonly outage?: (method: string, args: Readonly<Record<string, unknown>>) => boolean;
  /** When set, only this token is accepted (`invalid_auth` otherwise). */
  readonly token?: string;
  /** How long a `triggerId()` stays exchangeable; Slack's is 3 seconds. */
  readonly triggerTtlMs?: number;
}

export interface SlackCall {
  readonly method: string;
  /** Form, JSON or multipart arguments; JSON-valued fields (`blocks`, `view`, …) are parsed. */
  readonly args: Record<string, unknown>;
  readonly token?: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface SlackStats {
  /** Every HTTP request: Web API calls (rate-limited ones too), uploads and response_url posts. */
  readonly requests: number;
  /** Attempts per Web API method, plus `upload`, `response_url` and `unknown` for other paths. */
  readonly byMethod: Readonly<Record<string, number>>;
  readonly rateLimited: number;
}

interface StoredMessage {
  ts: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  files?: { id: string; name: string; title: string }[];
  user: string;
  bot_id: string;
  edited?: { user: string; ts: string };
}

/** A message as Slack's history would show it, with Slack's field names. */
export type SlackMessage = Readonly<StoredMessage>;

interface StoredFile {
  id: string;
  filename: string;
  /** As declared to `files.getUploadURLExternal`. */
  length: number;
  /** Null until the bytes are POSTed to the upload URL. */
  bytes: Buffer | null;
  completed: boolean;
  title: string | null;
  /** Where `files.completeUploadExternal` shared it; null for a private file. */
  channel: string | null;
  threadTs: string | null;
  initialComment: string | null;
  /** The message the share created in `channel`. */
  messageTs: string | null;
}

export type SlackFile = Readonly<StoredFile>;

export interface SlackView {
  readonly id: string;
  readonly hash: string;
  readonly view: Record<string, unknown>;
  /** The user the exchanged trigger belonged to, when `triggerId(user)` named one. */
  readonly user: string | null;
}

export interface ResponseUrlPost {
  readonly url: string;
  readonly body: Record<string, unknown>;
}

/** Where a `response_url` came from: the channel of the command, and the message for actions. */
export interface ResponseOrigin {
  readonly channel: string;
  readonly ts?: string;
}

export interface FakeSlack {
  /** For `new WebClient(token, { slackApiUrl })`; ends with `/api/`. */
  readonly apiUrl: string;
  readonly identity: { readonly teamId: string; readonly botUserId: string; readonly botId: string };
  /** Every served Web API call in arrival order (rate-limited attempts are not served). */
  readonly calls: readonly SlackCall[];
  callsTo(method: string): SlackCall[];
  /** A snapshot: take one before and one after to measure a piece of work. */
  readonly stats: SlackStats;
  /** Clears `stats` (restarting the `n` that `rateLimit` sees), `calls` and `responses`; state stays. */
  resetStats(): void;
  /** Replaces the user directory behind `users.*`, `conversations.open` and DMs. */
  setUsers(users: readonly SlackUser[]): void;
  /** The bot's DM channel with a directory user, opening it if needed. */
  dmChannel(userId: string): string;
  /** Current messages of a channel (or of the DM with a user id), oldest first, as copies. */
  messages(channel: string): SlackMessage[];
  /** Every file upload started, in order, as copies. */
  readonly files: SlackFile[];
  /** Every view opened, in its current state, as copies. */
  readonly views: SlackView[];
  /** The Home tab last published for a user (`views.publish`), as a copy; undefined if none. */
  homeView(user: string): Record<string, unknown> | undefined;
  /** A fresh trigger id to put in a signed interaction payload; `views.open` exchanges it once. */
  triggerId(user?: string): string;
  /**
   * A fresh `response_url` on this server. With an origin, `replace_original`/`delete_original`
   * act on the origin message and `response_type: 'in_channel'` posts into its channel.
   */
  responseUrl(origin?: ResponseOrigin): string;
  readonly responses: readonly ResponseUrlPost[];
  close(): Promise<void>;
}

type Args = Record<string, unknown>;
type Result = Record<string, unknown>;

class SlackFailure extends Error {
  constructor(
    readonly error: string,
    readonly extra: Result = {},
  ) {
    super(error);
  }
}

const fail = (error: string, ...messages: string[]): SlackFailure =>
  new SlackFailure(error, messages.length > 0 ? { response_metadata: { messages } } : {});

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const DM_ID = /^D[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
/** Fields Slack decodes from JSON when they arrive as strings in a form or multipart body. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'files', 'metadata'];
const MAX_BLOCKS = 50;
const MAX_HOME_BLOCKS = 100;
const MAX_TEXT = 40_000;
/** 2024-11-24T00:00:00Z: a plausible epoch for `ts` values that tests can read at a glance. */
const FIRST_TS_MICROS = 1_732_406_400_000_000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(x: unknown): string | undefined {
  if (typeof x === 'string') return x === '' ? undefined : x;
  return typeof x === 'number' ? String(x) : undefined;
}

const isTrue = (x: unknown): boolean => x === true || x === 'true' || x === '1';

function decodeJsonFields(args: Args): void {
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Left as a string so the method answers with Slack's own "invalid format" error.
    }
  }
}

function blocksArg(args: Args, max: number = MAX_BLOCKS): unknown[] | undefined {
  const blocks = args.blocks;
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || !blocks.every((b) => isRecord(b) && typeof b.type === 'string')) {
    throw fail('invalid_blocks_format');
  }
  if (blocks.length > max) throw fail('invalid_blocks', `[ERROR] must provide at most ${max} items`);
  return blocks;
}

/** Every text Slack counts towards a message's cumulative limit, however deep in the blocks. */
function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + textLength(item), 0);
  if (!isRecord(value)) return 0;
  return Object.entries(value).reduce(
    (n, [key, item]) => n + (key === 'text' && typeof item === 'string' ? item.length : textLength(item)),
    0,
  );
}

/**
 * A message's blocks under Slack's documented limits (Block Kit reference: a section's text at
 * most 3,000 characters, at most 10 fields of 2,000) and its cumulative one: maintainers put it
 * at 12,000 characters of text (slackapi/bolt-js#2509), counted here without Slack's container
 * overhead, so this fake is the more lenient of the two.
 */
function messageBlocksArg(args: Args): unknown[] | undefined {
  const blocks = blocksArg(args) as Result[] | undefined;
  for (const block of blocks ?? []) {
    const text = isRecord(block.text) ? str(block.text.text) : undefined;
    if (text !== undefined && text.length > 3000)
      throw fail('invalid_blocks', '[ERROR] must be less than 3001 characters [json-pointer:/text/text]');
    const fields = Array.isArray(block.fields) ? block.fields : [];
    if (fields.length > 10) throw fail('invalid_blocks', '[ERROR] must provide at most 10 items');
    for (const field of fields)
      if (isRecord(field) && typeof field.text === 'string' && field.text.length > 2000)
        throw fail('invalid_blocks', '[ERROR] must be less than 2001 characters');
  }
  if (blocks && textLength(blocks) > 12_000) throw fail('msg_blocks_too_long');
  return blocks;
}

/** Slack's Home tab limits: 100 blocks, 250 KB, unique block ids, section and header text lengths. */
function homeViewArg(args: Args): Result {
  const view = args.view;
  if (!isRecord(view)) throw fail('invalid_arguments', '[ERROR] missing required field: view');
  if (view.type !== 'home') throw fail('invalid_arguments', '[ERROR] view.type must be `home`');
  if (Buffer.byteLength(JSON.stringify(view)) > 250_000) throw fail('view_too_large');
  const blocks = (blocksArg({ blocks: view.blocks }, MAX_HOME_BLOCKS) ?? []) as Result[];
  const ids = blocks.flatMap((b) => (typeof b.block_id === 'string' ? [b.block_id] : []));
  if (new Set(ids).size !== ids.length) throw fail('invalid_blocks', '[ERROR] block_id must be unique');
  for (const block of blocks) {
    const text = isRecord(block.text) ? str(block.text.text) : undefined;
    const limit = block.type === 'header' ? 150 : 3000;
    if (text !== undefined && text.length > limit)
      throw fail('invalid_blocks', `[ERROR] text must be at most ${limit} characters`);
  }
  return view;
}

function attachmentsArg(args: Args): unknown[] | undefined {
  const attachments = args.attachments;
  if (attachments === undefined) return undefined;
  if (!Array.isArray(attachments) || !attachments.every(isRecord)) throw fail('invalid_attachments');
  return attachments;
}

function textArg(args: Args): string | undefined {
  const text = str(args.text);
  if (text !== undefined && text.length > MAX_TEXT) throw fail('msg_too_long');
  return text;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

async function multipart(req: IncomingMessage, raw: Buffer): Promise<FormData> {
  // undici's multipart parser, the one behind fetch, saves writing a fragile one here.
  return new Response(new Uint8Array(raw), {
    headers: { 'content-type': req.headers['content-type'] ?? '' },
  }).formData();
}

async function parseArgs(req: IncomingMessage, raw: Buffer, query: URLSearchParams): Promise<Args> {
  const args: Args = Object.fromEntries(query);
  if (raw.length === 0) return args;
  const type = mediaType(req);
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw fail('invalid_json');
    }
    if (!isRecord(parsed)) throw fail('invalid_json');
    return Object.assign(args, parsed);
  }
  if (type === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = value;
  } else if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await multipart(req, raw);
    } catch {
      throw fail('invalid_form_data');
    }
    for (const [key, value] of form) {
      args[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    }
  } else {
    throw fail(type === '' ? 'missing_post_type' : 'invalid_post_type');
  }
  decodeJsonFields(args);
  return args;
}

function send(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(status, {
    'Content-Type':
      typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export async function startSlackServer(options: SlackServerOptions = {}): Promise<FakeSlack> {
  const teamId = 'T0KWTEST01';
  const botUserId = 'U0KWBOT001';
  const botId = 'B0KWBOT001';
  const appId = 'A0KWAPP001';
  const triggerTtlMs = options.triggerTtlMs ?? 3000;

  let requests = 0;
  let rateLimited = 0;
  let byMethod: Record<string, number> = {};
  const calls: SlackCall[] = [];
  const responses: ResponseUrlPost[] = [];

  const users = new Map<string, SlackUser>();
  const dmByUser = new Map<string, string>();
  const dmOwner = new Map<string, string>();
  const mpimByMembers = new Map<string, string>();
  const store = new Map<string, StoredMessage[]>();
  const files: StoredFile[] = [];
  const filesById = new Map<string, StoredFile>();
  const uploadKeys = new Map<string, StoredFile>();
  const triggers = new Map<string, { issuedAt: number; user: string | null; exchanged: boolean }>();
  const views = new Map<string, { id: string; hash: string; view: Result; user: string | null }>();
  const responseUrls = new Map<string, ResponseOrigin | null>();
  const homeViews = new Map<string, Result>();

  /** Per channel: posts the bucket holds and when it last refilled. */
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Milliseconds until `channel` may take another post, 0 if now; takes the post's token when 0. */
  const channelWait = (channel: string): number => {
    const rate = options.channelRate;
    if (!rate) return 0;
    const now = performance.now();
    const bucket = buckets.get(channel) ?? { tokens: rate.burst, at: now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + (now - bucket.at) / rate.intervalMs);
    bucket.at = now;
    buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) * rate.intervalMs;
  };

  const jitter = async (): Promise<void> => {
    const most = options.jitterMs ?? 0;
    if (most > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * most));
  };

  let clock = FIRST_TS_MICROS;
  const nextTs = (): string => {
    clock += 100;
    return `${Math.floor(clock / 1e6)}.${String(clock % 1e6).padStart(6, '0')}`;
  };
  const counters = new Map<string, number>();
  const nextId = (prefix: string): string => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    // Sequential rather than derived from a user id, so code cannot get away with guessing ids.
    return `${prefix}0KW${n.toString(36).toUpperCase().padStart(6, '0')}`;
  };

  let baseUrl = '';

  const dmFor = (userId: string): string => {
    let dm = dmByUser.get(userId);
    if (dm === undefined) {
      dm = nextId('D');
      dmByUser.set(userId, dm);
      dmOwner.set(dm, userId);
    }
    return dm;
  };

  /** Where a message posted to `raw` lands; a user id means the bot's DM with that user. */
  const postChannel = (raw: unknown): string => {
    const channel = str(raw)?.trim() ?? '';
    if (USER_ID.test(channel)) {
      if (!users.has(channel)) throw fail('channel_not_found');
      return dmFor(channel);
    }
    if (DM_ID.test(channel) ? dmOwner.has(channel) : CHANNEL_ID.test(channel)) return channel;
    throw fail('channel_not_found');
  };

  const messagesOf = (channel: string): StoredMessage[] => {
    let list = store.get(channel);
    if (list === undefined) {
      list = [];
      store.set(channel, list);
    }
    return list;
  };

  const wire = (m: StoredMessage): Result => ({
    type: 'message',
    ...structuredClone(m),
    app_id: appId,
    team: teamId,
    bot_profile: { id: botId, app_id: appId, name: 'Keywarden', team_id: teamId },
  });

  const userJson = (u: SlackUser): Result => ({
    id: u.id,
    team_id: teamId,
    name: u.name,
    deleted: false,
    real_name: u.name,
    tz: 'Asia/Tokyo',
    is_admin: u.isAdmin === true,
    is_owner: false,
    is_bot: false,
    is_app_user: false,
    profile: { email: u.email, real_name: u.name, display_name: u.name, team: teamId },
  });

  const newHash = (): string => `${Math.floor(clock / 1e6)}.${hex(4)}`;

  const fullView = (id: string, hash: string, given: Result, rootId: string): Result => ({
    type: 'modal',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    external_id: '',
    state: { values: {} },
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    previous_view_id: null,
    ...structuredClone(given),
    id,
    team_id: teamId,
    hash,
    root_view_id: rootId,
    app_id: appId,
    bot_id: botId,
  });

  const viewArg = (args: Args): Result => {
    const view = args.view;
    if (!isRecord(view)) throw fail('invalid_arguments', '[ERROR] missing required field: view');
    if (view.type !== 'modal') throw fail('invalid_arguments', '[ERROR] view.type must be `modal`');
    if (view.blocks !== undefined) blocksArg({ blocks: view.blocks });
    return view;
  };

  const methods: Record<string, (args: Args) => Result> = {
    'auth.test': () => ({
      url: 'https://keywarden-test.slack.com/',
      team: 'Keywarden Test',
      user: 'keywarden',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (args) => {
      const channel = postChannel(args.channel);
      const text = textArg(args);
      const blocks = messageBlocksArg(args);
      const attachments = attachmentsArg(args);
      if (text === undefined && blocks === undefined && attachments === undefined) throw fail('no_text');
      const threadTs = str(args.thread_ts);
      const message: StoredMessage = {
        ts: nextTs(),
        text: text ?? '',
        ...(blocks === undefined ? {} : { blocks: structuredClone(blocks) }),
        ...(attachments === undefined ? {} : { attachments: structuredClone(attachments) }),
        ...(args.metadata === undefined ? {} : { metadata: structuredClone(args.metadata) }),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        user: botUserId,
        bot_id: botId,
      };
      messagesOf(channel).push(message);
      return { channel, ts: message.ts, message: wire(message) };
    },

    'chat.update': (args) => {
      const channel = str(args.channel);
      if (channel === undefined) throw fail('channel_not_found');
      const ts = str(args.ts);
      const message = ts === undefined ? undefined : store.get(channel)?.find((m) => m.ts === ts);
      if (message === undefined) throw fail('message_not_found');
      const text = textArg(args);
      const blocks = messageBlocksArg(args);
      const attachments = attachmentsArg(args);
      if (text === undefined && blocks === undefined && attachments === undefined) throw fail('no_text');
      // Slack keeps whatever the update leaves out; an empty array is how blocks are removed.
      if (text !== undefined) message.text = text;
      if (blocks !== undefined) message.blocks = structuredClone(blocks);
      if (attachments !== undefined) message.attachments = structuredClone(attachments);
      if (args.metadata !== undefined) message.metadata = structuredClone(args.metadata);
      message.edited = { user: botUserId, ts: nextTs() };
      return { channel, ts: message.ts, text: message.text, message: wire(message) };
    },

    'chat.postEphemeral': (args) => {
      const channel = postChannel(args.channel);
      const user = str(args.user);
      if (user === undefined || !users.has(user)) throw fail('user_not_in_channel');
      const owner = dmOwner.get(channel);
      if (owner !== undefined && owner !== user) throw fail('user_not_in_channel');
      const text = textArg(args);
      if (text === undefined && blocksArg(args) === undefined && attachmentsArg(args) === undefined) {
        throw fail('no_text');
      }
      return { message_ts: nextTs() };
    },

    'conversations.open': (args) => {
      const reopen = str(args.channel);
      if (reopen !== undefined) {
        if (!dmOwner.has(reopen) && ![...mpimByMembers.values()].includes(reopen))
          throw fail('channel_not_found');
        return { no_op: true, already_open: true, channel: { id: reopen } };
      }
      const ids = (str(args.users) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (ids.length === 0) throw fail('users_list_not_supplied');
      if (ids.length > 8) throw fail('too_many_users');
      if (ids.some((id) => !users.has(id))) throw fail('user_not_found');
      const members = [...new Set(ids)].sort();
      const [only] = members;
      if (members.length === 1 && only !== undefined) {
        const existed = dmByUser.has(only);
        const id = dmFor(only);
        return { ...(existed ? { no_op: true, already_open: true } : {}), channel: { id } };
      }
      const key = members.join(',');
      const existing = mpimByMembers.get(key);
      const id = existing ?? nextId('G');
      mpimByMembers.set(key, id);
      return { ...(existing === undefined ? {} : { no_op: true, already_open: true }), channel: { id } };
    },

    'users.lookupByEmail': (args) => {
      const email = str(args.email)?.trim().toLowerCase();
      if (email === undefined) throw fail('invalid_arguments', '[ERROR] missing required field: email');
      const user = [...users.values()].find((u) => u.email.toLowerCase() === email);
      if (user === undefined) throw fail('users_not_found');
      return { user: userJson(user) };
    },

    'users.info': (args) => {
      const user = users.get(str(args.user) ?? '');
      if (user === undefined) throw fail('user_not_found');
      return { user: userJson(user) };
    },

    'views.open': (args) => {
      const triggerId = str(args.trigger_id);
      const trigger = triggerId === undefined ? undefined : triggers.get(triggerId);
      if (trigger === undefined) throw fail('invalid_arguments', '[ERROR] invalid `trigger_id`');
      if (trigger.exchanged) throw fail('invalid_arguments', '[ERROR] `trigger_id` was already exchanged');
      if (Date.now() - trigger.issuedAt > triggerTtlMs) {
        throw fail('invalid_arguments', '[ERROR] `trigger_id` has expired');
      }
      const given = viewArg(args);
      trigger.exchanged = true;
      const id = nextId('V');
      const hash = newHash();
      const view = fullView(id, hash, given, id);
      views.set(id, { id, hash, view, user: trigger.user });
      return { view };
    },

    'views.publish': (args) => {
      const user = str(args.user_id);
      if (user === undefined || !users.has(user)) throw fail('user_not_found');
      const view = {
        ...structuredClone(homeViewArg(args)),
        id: nextId('V'),
        team_id: teamId,
        hash: newHash(),
      };
      homeViews.set(user, view);
      return { view };
    },

    'views.update': (args) => {
      const viewId = str(args.view_id);
      const externalId = str(args.external_id);
      if (viewId === undefined && externalId === undefined) {
        throw fail('invalid_arguments', '[ERROR] either view_id or external_id is required');
      }
      const current =
        viewId !== undefined
          ? views.get(viewId)
          : [...views.values()].find((v) => v.view.external_id === externalId);
      if (current === undefined) throw fail('not_found');
      const hash = str(args.hash);
      if (hash !== undefined && hash !== current.hash) throw fail('hash_conflict');
      const given = viewArg(args);
      current.hash = newHash();
      current.view = fullView(current.id, current.hash, given, String(current.view.root_view_id));
      return { view: current.view };
    },

    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      if (filename === undefined) throw fail('invalid_arguments', '[ERROR] missing required field: filename');
      const length = Number(str(args.length) ?? 0);
      if (!Number.isInteger(length) || length <= 0) throw fail('missing_argument');
      const file: StoredFile = {
        id: nextId('F'),
        filename,
        length,
        bytes: null,
        completed: false,
        title: null,
        channel: null,
        threadTs: null,
        initialComment: null,
        messageTs: null,
      };
      const key = hex(12);
      files.push(file);
      filesById.set(file.id, file);
      uploadKeys.set(key, file);
      return { upload_url: `${baseUrl}/upload/v1/${key}`, file_id: file.id };
    },

    'files.completeUploadExternal': (args) => {
      const given = args.files;
      if (!Array.isArray(given) || given.length === 0) {
        throw fail('invalid_arguments', '[ERROR] missing required field: files');
      }
      // Check everything before changing anything, so a rejected call leaves no half-shared files.
      const picked = given.map((entry) => {
        const file = isRecord(entry) ? filesById.get(str(entry.id) ?? '') : undefined;
        if (file === undefined || file.bytes === null) throw fail('file_not_found');
        const title = isRecord(entry) ? str(entry.title) : undefined;
        return { file, title: title ?? file.filename };
      });
      const rawChannel = str(args.channel_id);
      let channel: string | null = null;
      if (rawChannel !== undefined) {
        const known = DM_ID.test(rawChannel) ? dmOwner.has(rawChannel) : CHANNEL_ID.test(rawChannel);
        if (!known) throw fail('invalid_channel');
        channel = rawChannel;
      }
      const blocks = blocksArg(args);
      const threadTs = channel === null ? undefined : str(args.thread_ts);
      const comment = str(args.initial_comment);
      let messageTs: string | null = null;
      if (channel !== null) {
        const message: StoredMessage = {
          ts: nextTs(),
          text: comment ?? '',
          ...(blocks === undefined ? {} : { blocks: structuredClone(blocks) }),
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          files: picked.map(({ file, title }) => ({ id: file.id, name: file.filename, title })),
          user: botUserId,
          bot_id: botId,
        };
        messagesOf(channel).push(message);
        messageTs = message.ts;
      }
      for (const { file, title } of picked) {
        Object.assign(file, {
          completed: true,
          title,
          channel,
          threadTs: threadTs ?? null,
          initialComment: comment ?? null,
          messageTs,
        });
      }
      return { files: picked.map(({ file, title }) => ({ id: file.id, title })) };
    },
  };

  const serveApi = async (
    method: string,
    n: number,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    raw: Buffer,
  ): Promise<void> => {
    await jitter();
    const retryAfter = options.rateLimit?.(method, n) ?? null;
    if (retryAfter !== null) {
      await jitter();
      rateLimited += 1;
      // WebClient reads Retry-After with parseInt, so it must be whole seconds.
      send(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(Math.ceil(retryAfter)) });
      return;
    }
    let args: Args = Object.fromEntries(url.searchParams);
    let token: string | undefined;
    let payload: Result;
    try {
      const parsed = await parseArgs(req, raw, url.searchParams);
      const { token: bodyToken, ...rest } = parsed;
      args = rest;
      token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? str(bodyToken);
      if (token === undefined) throw fail('not_authed');
      if (options.token !== undefined && token !== options.token) throw fail('invalid_auth');
      const wait = method === 'chat.postMessage' ? channelWait(String(rest.channel ?? '')) : 0;
      if (wait > 0) {
        await jitter();
        rateLimited += 1;
        send(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'Retry-After': String(Math.ceil(wait / 1000)) },
        );
        return;
      }
      if (options.outage?.(method, rest)) {
        calls.push({ method, args, token, ok: false, error: 'service_unavailable' });
        send(res, 503, { ok: false, error: 'service_unavailable' });
        return;
      }
      const handler = methods[method];
      if (handler === undefined) throw fail('unknown_method');
      payload = { ok: true, ...handler(args) };
    } catch (e) {
      if (!(e instanceof SlackFailure)) throw e;
      payload = { ok: false, error: e.error, ...e.extra };
    }
    const error = typeof payload.error === 'string' ? payload.error : undefined;
    calls.push({
      method,
      args,
      ...(token === undefined ? {} : { token }),
      ok: payload.ok === true,
      ...(error === undefined ? {} : { error }),
    });
    await jitter();
    send(res, 200, payload);
  };

  const serveUpload = async (key: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const file = uploadKeys.get(key);
    if (req.method !== 'POST' || file === undefined) {
      send(res, 404, 'Not Found');
      return;
    }
    let bytes = raw;
    // Slack takes the bytes either raw or as the one file part of a multipart form.
    if (mediaType(req) === 'multipart/form-data') {
      const form = await multipart(req, raw);
      const part = [...form.values()].find((v) => typeof v !== 'string');
      if (part === undefined || typeof part === 'string') {
        send(res, 400, 'no file part in multipart upload');
        return;
      }
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.bytes = bytes;
    send(res, 200, `OK - ${bytes.length}`);
  };

  const serveResponseUrl = (key: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const origin = responseUrls.get(key);
    if (req.method !== 'POST' || origin === undefined) {
      send(res, 404, 'Not Found');
      return;
    }
    let body: unknown;
    try {
      const text = raw.toString('utf8');
      body =
        mediaType(req) === 'application/x-www-form-urlencoded'
          ? JSON.parse(new URLSearchParams(text).get('payload') ?? '')
          : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!isRecord(body)) {
      send(res, 400, { ok: false, error: 'invalid_payload' });
      return;
    }
    responses.push({ url: `${baseUrl}${req.url ?? ''}`, body: structuredClone(body) });
    const list = origin === null ? undefined : store.get(origin.channel);
    const index =
      origin?.ts === undefined || list === undefined ? -1 : list.findIndex((m) => m.ts === origin.ts);
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const attachments = Array.isArray(body.attachments) ? body.attachments : undefined;
    const text = typeof body.text === 'string' ? body.text : '';
    if (isTrue(body.delete_original)) {
      if (list !== undefined && index >= 0) list.splice(index, 1);
    } else if (isTrue(body.replace_original)) {
      const old = list?.[index];
      if (list !== undefined && old !== undefined) {
        // A replacement is a whole new message body in place of the old one, not a merge.
        list[index] = {
          ts: old.ts,
          text,
          ...(blocks === undefined ? {} : { blocks: structuredClone(blocks) }),
          ...(attachments === undefined ? {} : { attachments: structuredClone(attachments) }),
          ...(old.thread_ts === undefined ? {} : { thread_ts: old.thread_ts }),
          user: botUserId,
          bot_id: botId,
          edited: { user: botUserId, ts: nextTs() },
        };
      }
    } else if (body.response_type === 'in_channel' && origin !== null) {
      const threadTs = str(body.thread_ts);
      messagesOf(origin.channel).push({
        ts: nextTs(),
        text,
        ...(blocks === undefined ? {} : { blocks: structuredClone(blocks) }),
        ...(attachments === undefined ? {} : { attachments: structuredClone(attachments) }),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        user: botUserId,
        bot_id: botId,
      });
    }
    send(res, 200, { ok: true });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    requests += 1;
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const upload = /^\/upload\/v1\/([0-9a-f]+)$/.exec(url.pathname);
    const response = /^\/response\/([0-9a-f]+)$/.exec(url.pathname);
    const name = api?.[1] ?? (upload !== null ? 'upload' : response !== null ? 'response_url' : 'unknown');
    const n = (byMethod[name] ?? 0) + 1;
    byMethod[name] = n;
    if (options.latencyMs !== undefined && options.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    }
    if (api?.[1] !== undefined) await serveApi(api[1], n, req, res, url, raw);
    else if (upload?.[1] !== undefined) await serveUpload(upload[1], req, res, raw);
    else if (response?.[1] !== undefined) serveResponseUrl(response[1], req, res, raw);
    else send(res, 404, 'Not Found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      send(res, 500, { ok: false, error: 'fatal_error', detail: String(e) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    identity: { teamId, botUserId, botId },
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    get stats(): SlackStats {
      return { requests, rateLimited, byMethod: { ...byMethod } };
    },
    resetStats() {
      requests = 0;
      rateLimited = 0;
      byMethod = {};
      calls.length = 0;
      responses.length = 0;
    },
    setUsers(list) {
      users.clear();
      for (const u of list) users.set(u.id, { ...u });
    },
    dmChannel(userId) {
      if (!users.has(userId)) throw new Error(`dmChannel: ${userId} is not in the directory (setUsers)`);
      return dmFor(userId);
    },
    messages(channel) {
      const id = USER_ID.test(channel) ? dmByUser.get(channel) : channel;
      return structuredClone(id === undefined ? [] : (store.get(id) ?? []));
    },
    get files(): SlackFile[] {
      return files.map((f) => ({ ...f, bytes: f.bytes === null ? null : Buffer.from(f.bytes) }));
    },
    get views(): SlackView[] {
      return [...views.values()].map((v) => structuredClone(v));
    },
    homeView(user) {
      const view = homeViews.get(user);
      return view === undefined ? undefined : structuredClone(view);
    },
    triggerId(user) {
      const id = `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${hex(16)}`;
      triggers.set(id, { issuedAt: Date.now(), user: user ?? null, exchanged: false });
      return id;
    },
    responseUrl(origin) {
      const key = hex(12);
      responseUrls.set(key, origin === undefined ? null : { ...origin });
      return `${baseUrl}/response/${key}`;
    },
    responses,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps sockets alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}
