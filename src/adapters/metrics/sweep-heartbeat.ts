/**
 * The sweep's heartbeat as a CloudWatch metric, written as one Embedded Metric Format line
 * to the function's log: CloudWatch Logs turns it into a metric, so the function needs no
 * cloudwatch:PutMetricData and no extra call. The "no successful sweep in 26 hours" alarm in
 * serverless.yml watches this metric (test/unit/cloudformation-template.test.ts ties the two).
 */
export const HEARTBEAT = {
  namespace: 'Keywarden',
  metric: 'SweepSucceeded',
  dimension: 'FunctionName',
} as const;

export function sweepHeartbeat(functionName: string, at: Date): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: HEARTBEAT.namespace,
          Dimensions: [[HEARTBEAT.dimension]],
          Metrics: [{ Name: HEARTBEAT.metric, Unit: 'Count' }],
        },
      ],
    },
    [HEARTBEAT.dimension]: functionName,
    [HEARTBEAT.metric]: 1,
  });
}
