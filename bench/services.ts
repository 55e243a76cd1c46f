/**
 * The single-account bench's world served from the parent process: the IAM simulator with the
 * generated account, the Sheets fake with the ledger and people table, the Slack fake with its
 * users and rate, and dynalite with the table made, each at its injected latency. Not imported
 * by the children, so their RSS stays their own.
 */
import { startIamServer } from '@keywarden/iam-simulator';
import { startEmbeddedDynamo } from '../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../src/adapters/store/ensure-table';
import { startSheetsServer } from '../test/fakes/sheets-server';
import { startSlackServer } from '../test/fakes/slack-server';
import type { Generated } from './generate';
import { BOT_TOKEN, LATENCY, SLACK_RATE, SPREADSHEET_ID } from './harness';

export async function startServices(generated: Generated, table: string) {
  const iamServer = await startIamServer(generated.account, { latencyMs: LATENCY.iam });
  const sheets = await startSheetsServer({ latencyMs: LATENCY.sheets, requireAuth: true });
  sheets.setSheet(SPREADSHEET_ID, '台帳', generated.ledger);
  sheets.setSheet(SPREADSHEET_ID, 'users', generated.people);
  const slack = await startSlackServer({ latencyMs: LATENCY.slack, token: BOT_TOKEN, ...SLACK_RATE });
  slack.setUsers(generated.slackUsers);
  const dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, table);
  return {
    iamServer,
    sheets,
    slack,
    dynamo,
    async close(): Promise<void> {
      await Promise.all([iamServer.close(), sheets.close(), slack.close()]);
      await dynamo.close();
    },
  };
}
