import { WebClient } from '@slack/web-api';
import type { LedgerRow } from '../../src/domain/ledger';
import type { CaseStore } from '../../src/ports/cases';
import { SlackNotifier } from '../../src/slack/notifier';
import { type Messages, messages } from '../../src/text/messages';
import { ADMIN_CHANNEL, BOT_TOKEN, type SlackWorld } from './slack-world';

/** A posted message as the Slack fake keeps it. */
export type Message = { ts: string; text: string; blocks?: unknown[] };

/** The parts of a block the grouped-message tests read: a section's text, a context's or actions' elements. */
export type Block = {
  type: string;
  text?: { text: string };
  elements?: { text?: string | { text: string }; action_id?: string; value?: string }[];
};

/** A grouped message's lines: each starts at a section after the heading and runs to the next. */
export function linesOf(message: Message | undefined): Block[][] {
  const lines: Block[][] = [];
  for (const block of ((message?.blocks ?? []) as Block[]).slice(1)) {
    if (block.type === 'section') lines.push([block]);
    else lines.at(-1)?.push(block);
  }
  return lines;
}

/** A line's state: the text of its context block, if it has one. */
export function stateOf(line: readonly Block[] | undefined): string | undefined {
  const text = line?.[1]?.elements?.[0]?.text;
  return typeof text === 'string' ? text : undefined;
}

/**
 * Row `n` of a ledger with every free-text cell at its worst: long, and full of Slack control
 * sequences. `tag` (three letters) keeps one test's key ids apart from another's.
 */
export const hostileRow = (n: number, tag: string): LedgerRow =>
  ({
    rowNumber: n + 2,
    id: `AKIAEXAMPLE${tag}${String(n).padStart(6, '0')}`,
    accessKeyId: `AKIAEXAMPLE${tag}${String(n).padStart(6, '0')}`,
    iamUser: `svc-${n}`,
    name: `<!channel> 名前${n}`,
    purpose: `${'<@U0HACKER> & '.repeat(40)}目的`,
    resource: 'r'.repeat(1_000),
    startDate: '2026-01-01',
    endDate: '2026-11-28',
  }) as unknown as LedgerRow;

/**
 * A Slack notifier of the test's own on the world's Slack fake, unpaced and without retries so
 * a refused post shows at once; `cases` the world's store unless a test wraps it.
 */
export function bareNotifier(
  sw: SlackWorld,
  m: Messages = messages('ja'),
  cases: CaseStore = sw.world.state.cases,
): SlackNotifier {
  const web = new WebClient(BOT_TOKEN, { slackApiUrl: sw.slack.apiUrl, retryConfig: { retries: 0 } });
  return new SlackNotifier({ web, cases, adminChannel: ADMIN_CHANNEL, messages: m });
}
