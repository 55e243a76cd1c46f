/** Lifecycle of one ledger row. */
export type RowStatus = 'active' | 'extension-requested' | 'extended' | 'deleted' | 'error';

export type Language = 'ja' | 'en';

/**
 * What people type in the status column, normalised (NFKC, lower case, no spaces).
 * A blank cell is an active grant: most ledgers only fill the column once something happens.
 */
const ALIASES: Readonly<Record<string, RowStatus>> = {
  '': 'active',
  active: 'active',
  inuse: 'active',
  利用中: 'active',
  有効: 'active',
  extensionrequested: 'extension-requested',
  延長申請中: 'extension-requested',
  延長申請済み: 'extension-requested',
  延長申請済: 'extension-requested',
  extended: 'extended',
  延長済み: 'extended',
  延長済: 'extended',
  deleted: 'deleted',
  削除済み: 'deleted',
  削除済: 'deleted',
  error: 'error',
  エラー: 'error',
};

export function normaliseLabel(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

export function parseStatus(cell: string): RowStatus | null {
  return ALIASES[normaliseLabel(cell)] ?? null;
}

const LABELS: Readonly<Record<Language, Readonly<Record<RowStatus, string>>>> = {
  ja: {
    active: '利用中',
    'extension-requested': '延長申請中',
    extended: '延長済み',
    deleted: '削除済み',
    error: 'エラー',
  },
  en: {
    active: 'active',
    'extension-requested': 'extension requested',
    extended: 'extended',
    deleted: 'deleted',
    error: 'error',
  },
};

/** The word written back to the ledger, in the ledger's language. */
export function statusLabel(status: RowStatus, language: Language): string {
  return LABELS[language][status];
}
