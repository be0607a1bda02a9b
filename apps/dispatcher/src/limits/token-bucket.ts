// Meta's throughput and pair rules are token buckets; the shared one lives in @wabridge/time.
export { TokenBucket } from '@wabridge/time';
