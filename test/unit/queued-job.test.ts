import { jobFromQueue } from '../../src/slack/jobs';

describe('jobFromQueue', () => {
  const report = {
    text: 'keys',
    user: 'U01ADMIN',
    channel: 'C0ADMIN',
    responseUrl: 'https://hooks.slack.com/x',
  };

  it("runs a hygiene report queued by the release that called it 'audit'", () => {
    expect(jobFromQueue({ ...report, kind: 'audit' })).toEqual({ ...report, kind: 'hygiene-report' });
  });

  it('passes every current job through unchanged', () => {
    const approve = { kind: 'approve', caseId: 'AKIA1', user: 'U01ADMIN' } as const;
    expect(jobFromQueue(approve)).toBe(approve);
    const current = { ...report, kind: 'hygiene-report' } as const;
    expect(jobFromQueue(current)).toBe(current);
  });
});
