import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface FakeS3 {
  readonly url: string;
  readonly objects: StoredObject[];
  /** Every GetObject's `<bucket>/<key>`, in the order asked. */
  readonly reads: string[];
  close(): Promise<void>;
}

/**
 * Just enough of S3 for PutObject and GetObject with path-style addressing (`PUT|GET
 * /<bucket>/<key>`): the archive only writes; the sweep's run store reads back the latest write.
 */
export async function startS3Server(buckets: readonly string[]): Promise<FakeS3> {
  const objects: StoredObject[] = [];
  const reads: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [, bucket = '', ...rest] = decodeURIComponent((req.url ?? '').split('?')[0] ?? '').split('/');
      if ((req.method !== 'PUT' && req.method !== 'GET') || rest.length === 0) {
        res.writeHead(405).end();
        return;
      }
      if (!buckets.includes(bucket)) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end(
          `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`,
        );
        return;
      }
      if (req.method === 'GET') {
        const key = rest.join('/');
        reads.push(`${bucket}/${key}`);
        const stored = objects.findLast((object) => object.bucket === bucket && object.key === key);
        if (stored) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(stored.body);
        else
          res
            .writeHead(404, { 'content-type': 'application/xml' })
            .end(`<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`);
        return;
      }
      objects.push({
        bucket,
        key: rest.join('/'),
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
      });
      res.writeHead(200, { etag: '"fake"' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    reads,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
