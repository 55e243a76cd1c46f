import { sweepHeartbeat } from '../../src/adapters/metrics/sweep-heartbeat';

describe('the sweep heartbeat', () => {
  it('is one Embedded Metric Format line CloudWatch turns into Keywarden/SweepSucceeded', () => {
    const line = sweepHeartbeat('keywarden-prod-sweep', new Date('2026-11-24T06:00:00Z'));
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-11-24T06:00:00Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'Keywarden',
            Dimensions: [['FunctionName']],
            Metrics: [{ Name: 'SweepSucceeded', Unit: 'Count' }],
          },
        ],
      },
      FunctionName: 'keywarden-prod-sweep',
      SweepSucceeded: 1,
    });
  });
});
