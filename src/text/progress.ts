import type { Language } from '../domain/status';

/** What a long-running command is doing, for the progress line a terminal shows (`src/cli/progress.ts`). */
export type Work = 'sweep' | 'credential-report' | 'digest';

const WORK: Readonly<Record<Language, Readonly<Record<Work, string>>>> = {
  ja: {
    sweep: '台帳と IAM を読み、計画・実行しています',
    'credential-report': '認証情報レポートを取得しています',
    digest: 'ダイジェストを作成・送信しています',
  },
  en: {
    sweep: 'reading the ledger and IAM, planning and acting',
    'credential-report': 'fetching the credential report',
    digest: 'building and sending the digest',
  },
};

/** `reading the ledger and IAM, planning and acting (account 3/12: 111122223333)… 12 s` */
export function progressLine(work: Work, seconds: number, language: Language, step?: string): string {
  return `${WORK[language][work]}${step ? ` (${step})` : ''}… ${seconds} s`;
}

/** Which of several accounts a sweep is at. */
export function accountStep(account: string, n: number, of: number, language: Language): string {
  return language === 'ja' ? `アカウント ${n}/${of}: ${account}` : `account ${n}/${of}: ${account}`;
}
