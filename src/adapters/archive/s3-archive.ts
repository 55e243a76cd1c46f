import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportArchive } from '../../ports/archive';

export class S3ReportArchive implements ReportArchive {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string, contentType: string): Promise<string> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          // Credential reports list every user's credentials: encrypted at rest whatever the bucket default.
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      const e = error as { name?: string; message?: string };
      throw new Error(
        `S3 PutObject to s3://${this.bucket}/${key} failed: ${e.name ?? 'Error'} ${e.message ?? ''}`.trim(),
        {
          cause: error,
        },
      );
    }
    return `s3://${this.bucket}/${key}`;
  }
}
