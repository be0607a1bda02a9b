// Time and randomness come from the shared @wabridge/time lib (one Clock for all services).
export { Clock, systemClock, ManualClock, Random, systemRandom } from '@wabridge/time';
