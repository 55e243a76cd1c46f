import type { KnownBlock } from '@slack/types';
import type { Finding } from '../../src/domain/hygiene';
import { MAX_BLOCKS, MAX_SECTION_TEXT, ownerFindings } from '../../src/slack/blocks';
import { messages } from '../../src/text/messages';

const noMfa = (user: string, detail = 'console password enabled without MFA'): Finding => ({
  key: `finding#no-mfa#${user}#password#2026-W48`,
  user,
  detail,
  kind: 'no-mfa',
});

/** What a person reads: every text of every block, in order. */
function texts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section') return block.text ? [block.text.text] : [];
    if (block.type === 'context') return block.elements.map((e) => ('text' in e ? e.text : ''));
    return [];
  });
}

describe("an owner's hygiene DM", () => {
  const rootNoMfa: Finding = {
    key: 'finding#root-no-mfa#<root_account>#mfa#2026-W48',
    user: '<root_account>',
    detail: 'root user has no MFA device',
    kind: 'root-no-mfa',
  };
  const two = [noMfa('ci-deploy'), rootNoMfa];

  it('has a header and one line per finding, in Japanese', () => {
    expect(texts(ownerFindings(two, messages('ja')))).toEqual([
      '*IAMユーザーの点検結果: 対応が必要な項目が2件あります*',
      '• IAMユーザー `ci-deploy`: コンソールのパスワードが MFA なしで有効です\n' +
        '• IAMユーザー `&lt;root_account&gt;`: ルートユーザーに MFA デバイスがありません',
    ]);
  });

  it('and in English', () => {
    expect(texts(ownerFindings(two.slice(0, 1), messages('en')))).toEqual([
      '*IAM hygiene check: 1 finding needs your attention*',
      '• IAM user `ci-deploy`: console password enabled without MFA',
    ]);
  });

  it('names the AWS account under the header when the sweep covers several', () => {
    expect(texts(ownerFindings(two.slice(0, 1), messages('ja'), '111122223333')).slice(1, 2)).toEqual([
      'AWS アカウント 111122223333 の IAM ユーザーです',
    ]);
    expect(texts(ownerFindings(two.slice(0, 1), messages('en'), '111122223333')).slice(1, 2)).toEqual([
      'IAM users in AWS account 111122223333',
    ]);
    const many = Array.from({ length: 2000 }, (_, i) => noMfa(`user-${i}`, 'x'.repeat(200)));
    expect(ownerFindings(many, messages('en'), '111122223333').length).toBeLessThanOrEqual(MAX_BLOCKS);
  });

  it('stays within Block Kit limits for very many findings and says how many it left out', () => {
    const many = Array.from({ length: 2000 }, (_, i) => noMfa(`user-${i}`, 'x'.repeat(200)));
    const blocks = ownerFindings(many, messages('en'));
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    const body = texts(blocks);
    for (const text of body) expect(text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    const listed = body
      .join('\n')
      .split('\n')
      .filter((line) => line.startsWith('• ')).length;
    expect(body.at(-1)).toBe(`…and ${2000 - listed} more`);
    expect(body[0]).toBe('*IAM hygiene check: 2000 findings need your attention*');
    // The sections are full: truncation only where the limits leave no room.
    expect(listed).toBeGreaterThan(600);
  });

  it('clips a single line longer than a section may be', () => {
    const blocks = ownerFindings([noMfa('ci-deploy', 'y'.repeat(5000))], messages('en'));
    const line = texts(blocks)[1] ?? '';
    expect(line).toHaveLength(MAX_SECTION_TEXT);
    expect(line.endsWith('…')).toBe(true);
  });
});
