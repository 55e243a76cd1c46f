import type { MuteTagProblem, Silence } from '../domain/mutes';

/**
 * What people read about muted hygiene findings, in Japanese and English. Reasons and user
 * names are data: callers escape them for mrkdwn before they arrive here.
 */
export interface MuteMessages {
  /** Heading of the list of findings kept out of DMs and pings. */
  readonly mutedHeading: (count: number) => string;
  /** Why one finding is quiet: `until` is YYYY-MM-DD; `reason` arrives escaped where needed. */
  readonly silence: (silence: SilenceText) => string;
  readonly expiredHeading: (count: number) => string;
  readonly expiredOn: (until: string, reason: string) => string;
  readonly unreadTag: (user: string, key: string, problem: MuteTagProblem) => string;
  /** `keywarden audit --date` with a value that is not a date. */
  readonly badDate: (text: string) => string;
  /** `keywarden audit --date`: the header line. */
  readonly asOf: (date: string) => string;
}

/** A silence with its reason already escaped (or not) for where it is shown. */
export type SilenceText =
  | { readonly kind: 'protected' }
  | {
      readonly kind: 'muted';
      readonly until: string;
      readonly reason: string;
      readonly source: 'settings' | 'tag';
    };

export function silenceText(silence: Silence, shown: (text: string) => string = (t) => t): SilenceText {
  return silence.kind === 'protected'
    ? silence
    : {
        kind: 'muted',
        until: silence.mute.until,
        reason: shown(silence.mute.reason),
        source: silence.mute.source,
      };
}

// No angle brackets: Slack reads `<kind>` as a link, and this hint goes into the digest as it is.
const FORMAT = 'KIND[/KIND…] until=YYYY-MM-DD reason=TEXT';

export const jaMutes: MuteMessages = {
  mutedHeading: (count) => `ミュート中の指摘（${count}件、DM・通知なし）`,
  silence: (s) =>
    s.kind === 'protected'
      ? '保護対象ユーザー'
      : `${s.until} までミュート（${s.source === 'tag' ? 'IAMタグ' : '設定'}）: ${s.reason}`,
  expiredHeading: (count) => `期限切れのミュート（${count}件、再び通知します）`,
  expiredOn: (until, reason) => `ミュートは ${until} で終了しました: ${reason}`,
  unreadTag: (user, key, problem) => {
    const why =
      problem.kind === 'format'
        ? `形式は「${FORMAT}」です（すべての種類は all）`
        : problem.kind === 'date'
          ? `until=${problem.text} は YYYY-MM-DD 形式の日付ではありません`
          : problem.kind === 'reason'
            ? 'reason= が空です（例外とする理由を書いてください）'
            : `不明な指摘の種類: ${problem.unknown.join(', ')}`;
    return `IAMユーザー ${user} のタグ ${key} を読めないため無視しました: ${why}`;
  },
  badDate: (text) => `--date ${text}: YYYY-MM-DD 形式の日付を指定してください`,
  asOf: (date) => `${date} 時点の監査`,
};

export const enMutes: MuteMessages = {
  mutedHeading: (count) => `Muted (${count}; no DM, no ping)`,
  silence: (s) =>
    s.kind === 'protected'
      ? 'protected user'
      : `muted until ${s.until} (${s.source === 'tag' ? 'IAM tag' : 'settings'}): ${s.reason}`,
  expiredHeading: (count) => `Mutes that expired (${count}; these ping again)`,
  expiredOn: (until, reason) => `mute ended ${until}: ${reason}`,
  unreadTag: (user, key, problem) => {
    const why =
      problem.kind === 'format'
        ? `expected "${FORMAT}" (all for every kind)`
        : problem.kind === 'date'
          ? `until=${problem.text} is not a date as YYYY-MM-DD`
          : problem.kind === 'reason'
            ? 'reason= is empty: say why the finding is accepted'
            : `unknown finding kind(s) ${problem.unknown.join(', ')}`;
    return `IAM user ${user}, tag ${key} ignored: ${why}`;
  },
  badDate: (text) => `--date ${text}: expected a date as YYYY-MM-DD`,
  asOf: (date) => `Audited as of ${date}`,
};
