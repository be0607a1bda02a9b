// Waits until an S3 server answers a signed ListBuckets on 127.0.0.1:<port> with these
// credentials, then creates --bucket if it is missing. Exit 0 when both hold, 1 on timeout.
import { CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const timeoutMs = Number(arg('timeout', '60000'));
const bucket = arg('bucket');
const deadline = Date.now() + timeoutMs;

const s3 = new S3Client({
  endpoint: `http://127.0.0.1:${arg('port', '9311')}`,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: arg('access-key-id'), secretAccessKey: arg('secret-access-key') },
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
});

let lastError = 'no answer';
// at least one try (`--timeout 0`: is it up now?)
do {
  try {
    await s3.send(new ListBucketsCommand({}));
    if (bucket) {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (err) {
        if (err?.$metadata?.httpStatusCode !== 404) throw err;
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      }
    }
    process.exit(0);
  } catch (err) {
    lastError = err?.message || err?.name || String(err);
    if (Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  }
} while (Date.now() < deadline);
process.stderr.write(`s3: not ready: ${lastError}\n`);
process.exit(1);
