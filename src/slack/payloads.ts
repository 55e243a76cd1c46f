import { z } from 'zod';
import { type LocalDate, parseIsoDate } from '../domain/dates';
import { SLACK_USER_ID } from '../domain/people';
import { INPUT } from './blocks';

/**
 * Every value Keywarden takes from a Slack payload, checked in one place before it reaches
 * the workflow, the case store or the ledger. The signature proves the request came from
 * Slack, not that its values are the ones our own buttons and modals carry.
 */

/** Slack user ids: `U…` or, on Enterprise Grid, `W…`. */
export const userId = z.string().regex(SLACK_USER_ID, 'not a Slack user id');
const channelId = z.string().regex(/^[CDG][A-Z0-9]{2,20}$/, 'not a Slack channel id');
/** `<access key id>#<end date>`, what our buttons and modals carry (see `caseId`). */
const caseId = z
  .string()
  .max(150)
  .regex(/^[A-Z0-9]{16,128}#\d{4}-\d{2}-\d{2}$/, 'not a case id');
const triggerId = z
  .string()
  .max(100)
  .regex(/^\d+\.\d+\.[0-9a-f]+$/, 'not a trigger id');
/** Its form only: whether we may post there is response-url.ts's rule, which knows whether Slack is a stand-in. */
const responseUrl = z.url({ protocol: /^https?$/ }).max(500);
/** Our modals cap reasons at 500 characters; a longer one did not come from them. */
const reason = z.string().max(500);
const isoDate = z
  .string()
  .max(10)
  .transform((text, ctx): LocalDate => {
    const date = parseIsoDate(text);
    if (date === null || text !== date) {
      ctx.addIssue({ code: 'custom', message: 'not a YYYY-MM-DD date' });
      return z.NEVER;
    }
    return date;
  });

const user = z.object({ id: userId });

export const buttonClick = z.object({
  user,
  trigger_id: triggerId,
  response_url: responseUrl.optional(),
  actions: z.tuple([z.object({ value: caseId })], z.unknown()),
});

function viewOf<T extends z.ZodType>(values: T) {
  return z.object({
    user,
    view: z.object({ private_metadata: caseId, state: z.object({ values }) }),
  });
}

const reasonBlock = z.object({
  [INPUT.reason.block]: z.object({ [INPUT.reason.action]: z.object({ value: reason.nullish() }) }),
});

export const extendSubmission = viewOf(
  reasonBlock.extend({
    [INPUT.date.block]: z.object({ [INPUT.date.action]: z.object({ selected_date: isoDate }) }),
  }),
);

export const denySubmission = viewOf(reasonBlock);

/** `app_home_opened`: whose tab, and which tab (`home` or `messages`). */
export const homeOpened = z.object({
  user: userId,
  tab: z.string().max(20).optional(),
});

export const auditCommand = z.object({
  user_id: userId,
  channel_id: channelId,
  text: z.string().max(200),
  response_url: responseUrl,
});

/** Why a payload was refused, in words safe to log and audit: paths and rules, never the values. */
export function refusalReason(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`)
    .join('; ')
    .slice(0, 300);
}

/** The bits of a refused payload that say who sent it and how to answer, kept only when they look right. */
export interface PayloadSender {
  readonly user?: string;
  readonly responseUrl?: string;
}

const loose = z.object({
  user: z.object({ id: z.unknown() }).optional(),
  user_id: z.unknown().optional(),
  response_url: z.unknown().optional(),
});

export function senderOf(body: unknown): PayloadSender {
  const parsed = loose.safeParse(body);
  if (!parsed.success) return {};
  const id = userId.safeParse(parsed.data.user?.id ?? parsed.data.user_id);
  const url = responseUrl.safeParse(parsed.data.response_url);
  return { ...(id.success ? { user: id.data } : {}), ...(url.success ? { responseUrl: url.data } : {}) };
}
