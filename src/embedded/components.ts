import { readFile, rename, writeFile } from 'node:fs/promises';
import { IAMClient } from '@aws-sdk/client-iam';
import { AwsIamGateway } from '../adapters/iam/aws-iam';
import { dynamoState } from '../adapters/store/dynamo-state';
import { startEmbeddedDynamo } from '../adapters/store/embedded-dynamo';
import { ensureTable } from '../adapters/store/ensure-table';
import type { EmbeddedComponents } from '../container';
import { IamAccount } from './iam/account';
import { startIamServer } from './iam/server';

/** The local stand-ins `npm start` runs on: the IAM simulator and dynalite, both in-process. */
export const embeddedComponents: EmbeddedComponents = {
  async iam(file, closers, notes) {
    const account = IamAccount.fromJSON(JSON.parse(await readFile(file, 'utf8')));
    const server = await startIamServer(account);
    const client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    });
    notes.push(`IAM simulator (${file})`);
    closers.push(async () => {
      client.destroy();
      await server.close();
      // Persist what an apply run deleted, so the next run sees the same account.
      const temp = `${file}.tmp`;
      await writeFile(temp, `${JSON.stringify(account.toJSON(), null, 2)}\n`, 'utf8');
      await rename(temp, file);
    });
    return { gateway: new AwsIamGateway(client), client };
  },

  async state(dataDir, table, closers, notes) {
    const dynamo = await startEmbeddedDynamo({ dataDir });
    closers.push(() => dynamo.close());
    await ensureTable(dynamo.client, table);
    notes.push(`DynamoDB (dynalite, ${dataDir})`);
    return dynamoState(dynamo.client, table);
  },
};
