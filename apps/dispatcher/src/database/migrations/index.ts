import { CreateDispatcherSchema1764072000000 } from './1764072000000-CreateDispatcherSchema';
import { MessageTraceParent1764600000000 } from './1764600000000-MessageTraceParent';
import { ErasureSuppressions1765075000000 } from './1765075000000-ErasureSuppressions';
import { LiveMessagesIndex1765000000000 } from './1765000000000-LiveMessagesIndex';
import { MarketingHolds1765400000164 } from './1765400000164-MarketingHolds';
import { TemplateCategories1765400000166 } from './1765400000166-TemplateCategories';

export const DISPATCHER_MIGRATIONS = [CreateDispatcherSchema1764072000000, MessageTraceParent1764600000000, LiveMessagesIndex1765000000000, ErasureSuppressions1765075000000, MarketingHolds1765400000164, TemplateCategories1765400000166];
