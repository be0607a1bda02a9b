import { CreateDispatcherSchema1764072000000 } from './1764072000000-CreateDispatcherSchema';

export const DISPATCHER_MIGRATIONS = [CreateDispatcherSchema1764072000000];
