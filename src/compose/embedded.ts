import { IAMClient } from '@aws-sdk/client-iam';
import { startIamServer } from '@keywarden/iam-simulator';
import { AwsIamGateway } from '../adapters/iam/aws-iam';
import { dynamoState } from '../adapters/store/dynamo-state';
import { startEmbeddedDynamo } from '../adapters/store/embedded-dynamo';
import { ensureTable } from '../adapters/store/ensure-table';
import type { EmbeddedComponents } from '../container';
import { openAccountFile } from '../embedded/account-file';

/** The local stand-ins `npm start` runs on: the IAM simulator and dynalite, both in-process. */
export const embeddedComponents: EmbeddedComponents = {
  async iam(file, closers, notes) {
    // Held until the closer below: see account-file.ts for the lost deletions this prevents.
    const opened = await openAccountFile(file, { onWait: (message) => process.stderr.write(`${message}\n`) });
    closers.push(() => opened.close());
    const server = await startIamServer(opened.account);
    const client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    });
    notes.push({ kind: 'iam-simulator', path: file });
    closers.push(async () => {
      client.destroy();
      await server.close();
    });
    return { gateway: new AwsIamGateway(client), client };
  },

  async state(dataDir, table, closers, notes) {
    const dynamo = await startEmbeddedDynamo({ dataDir });
    closers.push(() => dynamo.close());
    await ensureTable(dynamo.client, table);
    notes.push({ kind: 'dynalite', path: dataDir });
    return dynamoState(dynamo.client, table);
  },
};
