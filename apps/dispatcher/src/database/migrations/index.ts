import { CreateDispatcherSchema1764072000000 } from './1764072000000-CreateDispatcherSchema';
import { MessageTraceParent1764600000000 } from './1764600000000-MessageTraceParent';

export const DISPATCHER_MIGRATIONS = [CreateDispatcherSchema1764072000000, MessageTraceParent1764600000000];
