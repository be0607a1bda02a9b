export { Clock, systemClock, ManualClock, Random, systemRandom } from './clock';
export { TokenBucket } from './token-bucket';
export { PeriodicJob } from './periodic-job';
export { ReadThroughCache, ReadThroughCacheOptions } from './read-through-cache';
