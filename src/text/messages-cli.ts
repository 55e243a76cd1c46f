import { type LockHolderView, sweepLockedEnglish } from '../domain/sweep-lock';

/**
 * What the CLI tells the person at the terminal besides its reports, once settings are read
 * (before that, `LANGUAGE` is not known and errors stay English). Part of the catalogue
 * (`Messages.cli`).
 */
/** What runs in-process instead of a real service (`npm start`), and where its data lives. */
export interface EmbeddedPart {
  readonly kind: 'ledger-csv' | 'iam-simulator' | 'dynalite';
  readonly path: string;
}

const EMBEDDED_JA: Readonly<Record<EmbeddedPart['kind'], string>> = {
  'ledger-csv': '台帳 CSV',
  'iam-simulator': 'IAM シミュレーター',
  dynalite: 'ローカルの DynamoDB',
};

const EMBEDDED_EN: Readonly<Record<EmbeddedPart['kind'], string>> = {
  'ledger-csv': 'ledger CSV',
  'iam-simulator': 'IAM simulator',
  dynalite: 'DynamoDB (dynalite)',
};

export interface CliTexts {
  /** `sweep --apply --date` of a day that has not come; dates as the ledger writes them. */
  readonly applyDateRefused: (requested: string, today: string) => string;
  readonly seededDemo: (path: string) => string;
  readonly embedded: (parts: readonly EmbeddedPart[]) => string;
  readonly signalBeforeSweep: (signal: string) => string;
  /** The reader of standard output went away (`| head -1`); `reason` is Node's code, EPIPE. */
  readonly stdoutClosed: (reason: string) => string;
  /** What an apply sweep tells the person who pressed Ctrl-C; `first` false for a later signal. */
  readonly signalStopping: (signal: string, first: boolean) => string;
  readonly stoppedEarly: (sweepId: string, reason: string) => string;
  readonly demoReseeded: (path: string) => string;
  /** `generatedAt` is the credential report's ISO time; `archivedAt` an s3:// URL, or null. */
  readonly digestSent: (total: number, generatedAt: string, archivedAt: string | null) => string;
  readonly lockFree: string;
  readonly lockHeld: (holder: LockHolderView) => string;
  /** An apply sweep found the lock held; null when its holder let go a moment ago. */
  readonly sweepLocked: (holder: LockHolderView | null) => string;
  readonly holderDead: (pid: string) => string;
  /** Without --force; `live`: the holder renewed its lease recently and may still run. */
  readonly nothingReleased: (live: boolean) => string;
  readonly lockChangedHands: string;
  readonly released: (sweepId: string, live: boolean) => string;
}

function lockHeldJa(h: LockHolderView): string {
  return (
    `スイープのロックは使用中です: スイープ ${h.owner}${h.process ? `（${h.process.host} のプロセス ${h.process.pid}）` : ''}、` +
    `開始 ${h.acquiredAt}（${h.startedSecondsAgo}秒前）、最終更新 ${h.renewedAt}（${h.renewedSecondsAgo}秒前）、` +
    (h.lease.expired
      ? `リースは${h.lease.secondsAgo}秒前に切れています。保持者はもういません`
      : `リースの残り${h.lease.secondsLeft}秒`)
  );
}

export const cliJa: CliTexts = {
  applyDateRefused: (requested, today) =>
    `${requested} の時点では実行できません: このタイムゾーンでは今日は ${today} です。` +
    '--apply は実行し損ねた日を取り戻すことはできても、まだ来ていない日には実行しません（試行ならどの日でも計画できます）。',
  seededDemo: (path) => `デモのアカウントと台帳を examples/ から ${path} に用意しました。`,
  embedded: (parts) =>
    `組み込み: ${parts.map((part) => `${EMBEDDED_JA[part.kind]}（${part.path}）`).join('、')}`,
  signalBeforeSweep: (signal) => `keywarden: スイープ開始前に ${signal} を受け取りました。何もしていません。`,
  stdoutClosed: (reason) =>
    `keywarden: 標準出力が閉じられました（${reason}）。以降は表示せずに続けます。すべての操作は監査ログに記録されます。`,
  signalStopping: (signal, first) =>
    first
      ? `keywarden: ${signal} を受け取りました。次の安全な区切りで停止します（実行中の操作は最後まで行い、削除を途中で止めることはありません）。` +
        'その後、実行した分を台帳に書き戻し、ロックを解放します。'
      : `keywarden: ${signal} を受け取りました。停止処理中です。SIGKILL でスイープを放棄できます。その場合ロックはリースが切れると` +
        '（SWEEP_LOCK_LEASE_SECONDS）解放され、次回のスイープが残りを実行します。',
  stoppedEarly: (sweepId, reason) =>
    `keywarden: スイープ ${sweepId} は途中で停止しました（${reason}）。ロックは解放済みです。続きはスイープをもう一度実行してください。`,
  demoReseeded: (path) => `デモのデータを ${path} に用意し直しました。`,
  digestSent: (total, generatedAt, archivedAt) =>
    `まとめを送りました: 指摘事項${total}件（認証情報レポート ${generatedAt}）${archivedAt ? `、${archivedAt} に保管しました` : ''}`,
  lockFree: 'スイープのロックは空いています。実行中のスイープはありません。',
  lockHeld: lockHeldJa,
  sweepLocked: (h) =>
    h
      ? `別のスイープが実行中のため、実行しませんでした。${lockHeldJa(h)}。keywarden unlock で確認、keywarden unlock --force で解除できます`
      : '別のスイープがさっきまでロックを保持していました。もう一度実行してください',
  holderDead: (pid) => `そのプロセス（${pid}）はこのホストで動いていません。そのスイープは停止しています。`,
  nothingReleased: (live) =>
    live
      ? '解放していません。そのスイープは最近リースを更新しており、まだ実行中かもしれません。実行中でないと確実な場合は `keywarden unlock --force` で解放できます。'
      : '解放していません。保持者はリースを更新していないため、リースが切れると次回のスイープが引き継ぎます。すぐに解放するには `keywarden unlock --force`。',
  lockChangedHands:
    '解放していません。その間にロックの保持者が変わりました。`keywarden unlock` をもう一度実行してください。',
  released: (sweepId, live) =>
    `スイープ ${sweepId} のロックを解放しました。${live ? 'そのスイープがまだ実行中なら、次のリース更新で気づき、安全な地点で停止します。' : ''}`,
};

export const cliEn: CliTexts = {
  applyDateRefused: (requested, today) =>
    `refusing to apply as of ${requested}: today is ${today} in this time zone. ` +
    'An apply run may catch up a missed day, never act on one that has not come; a dry run may plan any day.',
  seededDemo: (path) => `Seeded the demo account and ledger under ${path} from examples/.`,
  embedded: (parts) =>
    `Embedded: ${parts.map((part) => `${EMBEDDED_EN[part.kind]} (${part.path})`).join(', ')}`,
  signalBeforeSweep: (signal) => `keywarden: ${signal} before the sweep began: nothing was done.`,
  stdoutClosed: (reason) =>
    `keywarden: standard output was closed (${reason}); carrying on without printing ` +
    'the rest. Every action still goes to the audit log.',
  signalStopping: (signal, first) =>
    first
      ? `keywarden: ${signal}: stopping at the next safe point (the action under way finishes, a teardown is ` +
        'never cut short), then writing back what was done and releasing the lock.'
      : `keywarden: ${signal}: still stopping. SIGKILL abandons the sweep; its lock then expires when its ` +
        'lease runs out (SWEEP_LOCK_LEASE_SECONDS) and the next sweep finishes the work.',
  stoppedEarly: (sweepId, reason) =>
    `keywarden: sweep ${sweepId} stopped early (${reason}); its lock is released. Run the sweep again to finish.`,
  demoReseeded: (path) => `Demo data re-seeded under ${path}.`,
  digestSent: (total, generatedAt, archivedAt) =>
    `Digest sent: ${total} findings from the report of ${generatedAt}${archivedAt ? `, archived to ${archivedAt}` : ''}`,
  lockFree: 'The sweep lock is free: no sweep is running.',
  lockHeld: (h) =>
    `The sweep lock is held: sweep ${h.owner}${h.process ? ` on ${h.process.host} (pid ${h.process.pid})` : ''}, ` +
    `started ${h.acquiredAt} (${h.startedSecondsAgo} s ago), last renewed ${h.renewedAt} (${h.renewedSecondsAgo} s ago), ` +
    (h.lease.expired
      ? `lease expired ${h.lease.secondsAgo} s ago: its holder is gone.`
      : `lease ends in ${h.lease.secondsLeft} s.`),
  // As the logs word it: a person reading English sees the log's line.
  sweepLocked: sweepLockedEnglish,
  holderDead: (pid) => `Its process (pid ${pid}) is not running on this host: that sweep died.`,
  nothingReleased: (live) =>
    live
      ? 'Nothing released. That sweep renewed its lease recently and may still be running; if you are sure ' +
        'it is not, `keywarden unlock --force` releases the lock.'
      : 'Nothing released. Its holder no longer renews it, so the next sweep takes it over once the lease ' +
        'has run out; `keywarden unlock --force` releases it now.',
  lockChangedHands: 'Nothing released: the lock changed hands meanwhile. Run `keywarden unlock` again.',
  released: (sweepId, live) =>
    `Released the lock of sweep ${sweepId}.` +
    `${live ? ' If that sweep is still running, it notices at its next renewal and stops at a safe point.' : ''}`,
};
