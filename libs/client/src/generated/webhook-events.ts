// GENERATED FILE, DO NOT EDIT. Regenerate with `npm run generate -w @wabridge/client`.
// Source: docs/events/*.schema.json (the notifier's public events: 11 types)
export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * account.alert (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        AccountAlertEvent: {
            /** @constant */
            type: "account.alert";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId?: string;
                wabaId?: string;
                kind: string;
                event?: string;
                message?: string;
                endpointId?: string;
                value?: Record<string, unknown>;
            };
        };
        /**
         * contact.changed (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        ContactChangedEvent: {
            /** @constant */
            type: "contact.changed";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                waId?: string;
                userId?: string;
                optedOut: boolean;
                /** @enum {unknown} */
                optInState?: "unknown" | "opted_in" | "opted_out";
                reachable: boolean;
                /** Format: date-time */
                windowOpenUntil?: string;
                erased?: boolean;
            };
        };
        /**
         * message.accepted (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageAcceptedEvent: {
            /** @constant */
            type: "message.accepted";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                /** @description Our message id (POST /v1/messages → id) */
                messageId: string;
                recipient: string;
                wamid?: string;
                error?: {
                    /** @enum {unknown} */
                    class: "throttled" | "transient" | "auth" | "permanent" | "template" | "quality" | "compliance" | "unknown";
                    code?: number;
                    message: string;
                };
                attempt?: number;
                /** Format: date-time */
                notBefore?: string;
            };
        };
        /**
         * message.dead_lettered (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageDeadLetteredEvent: {
            /** @constant */
            type: "message.dead_lettered";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                /** @description Our message id (POST /v1/messages → id) */
                messageId: string;
                recipient: string;
                wamid?: string;
                error?: {
                    /** @enum {unknown} */
                    class: "throttled" | "transient" | "auth" | "permanent" | "template" | "quality" | "compliance" | "unknown";
                    code?: number;
                    message: string;
                };
                attempt?: number;
                /** Format: date-time */
                notBefore?: string;
            };
        };
        /**
         * message.failed (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageFailedEvent: {
            /** @constant */
            type: "message.failed";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                /** @description Our message id (POST /v1/messages → id) */
                messageId: string;
                recipient: string;
                wamid?: string;
                error?: {
                    /** @enum {unknown} */
                    class: "throttled" | "transient" | "auth" | "permanent" | "template" | "quality" | "compliance" | "unknown";
                    code?: number;
                    message: string;
                };
                attempt?: number;
                /** Format: date-time */
                notBefore?: string;
            };
        };
        /**
         * message.received (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageReceivedEvent: {
            /** @constant */
            type: "message.received";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                displayPhoneNumber?: string;
                wabaId: string;
                wamid: string;
                /** @description The sender: wa_id (phone) and/or business-scoped user id */
                from: {
                    waId?: string;
                    userId?: string;
                    parentUserId?: string;
                    username?: string;
                    profileName?: string;
                };
                /** @description Meta's message content: {type, <type>: {…Meta's object…}, context?, referral?, errors?}. A media object (image, audio, video, document, sticker) also carries mediaId: our id of the copy the media service stores (GET /v1/media/:id; 404 media_pending until stored, 410 media_failed if Meta's media could not be fetched). */
                message: {
                    type: string;
                    context?: Record<string, unknown>;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        /**
         * message.rejected (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageRejectedEvent: {
            /** @constant */
            type: "message.rejected";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                /** @description Our message id (POST /v1/messages → id) */
                messageId: string;
                recipient: string;
                wamid?: string;
                error?: {
                    /** @enum {unknown} */
                    class: "throttled" | "transient" | "auth" | "permanent" | "template" | "quality" | "compliance" | "unknown";
                    code?: number;
                    message: string;
                };
                attempt?: number;
                /** Format: date-time */
                notBefore?: string;
            };
        };
        /**
         * message.retry_scheduled (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageRetryScheduledEvent: {
            /** @constant */
            type: "message.retry_scheduled";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                /** @description Our message id (POST /v1/messages → id) */
                messageId: string;
                recipient: string;
                wamid?: string;
                error?: {
                    /** @enum {unknown} */
                    class: "throttled" | "transient" | "auth" | "permanent" | "template" | "quality" | "compliance" | "unknown";
                    code?: number;
                    message: string;
                };
                attempt?: number;
                /** Format: date-time */
                notBefore?: string;
            };
        };
        /**
         * message.status (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        MessageStatusEvent: {
            /** @constant */
            type: "message.status";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId: string;
                wamid: string;
                messageId?: string;
                /** @enum {unknown} */
                status: "sent" | "delivered" | "read" | "played" | "failed" | "deleted" | "warning";
                recipient: {
                    waId?: string;
                    userId?: string;
                };
                errors?: {
                    code: number;
                    title?: string;
                    message?: string;
                    error_data?: Record<string, unknown>;
                    href?: string;
                }[];
                pricing?: Record<string, unknown>;
                conversation?: Record<string, unknown>;
            };
        };
        /**
         * number.changed (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        NumberChangedEvent: {
            /** @constant */
            type: "number.changed";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId?: string;
                wabaId: string;
                displayPhoneNumber?: string;
                /** @enum {unknown} */
                kind: "phone-quality" | "phone-name";
                event?: string;
                messagingLimit?: string;
                requestedName?: string;
                value: Record<string, unknown>;
            };
        };
        /**
         * template.status (version 1)
         * @description Body of a webhook delivery (headers webhook-id, webhook-timestamp, webhook-signature); see docs/notifier.md. Mirrors the class in libs/contracts/src/public/public-events.v1.ts; public-events.spec.ts checks that both accept and refuse the same samples.
         */
        TemplateStatusEvent: {
            /** @constant */
            type: "template.status";
            /** Format: date-time */
            timestamp: string;
            data: {
                tenantId: string;
                phoneNumberId?: string;
                wabaId: string;
                /** @enum {unknown} */
                kind: "template-status" | "template-quality" | "template-category";
                event?: string;
                templateId?: string;
                templateName?: string;
                templateLanguage?: string;
                reason?: string;
                value: Record<string, unknown>;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;

/** Every webhook event type and the body its deliveries carry. */
export interface WebhookEventMap {
    "account.alert": components["schemas"]["AccountAlertEvent"];
    "contact.changed": components["schemas"]["ContactChangedEvent"];
    "message.accepted": components["schemas"]["MessageAcceptedEvent"];
    "message.dead_lettered": components["schemas"]["MessageDeadLetteredEvent"];
    "message.failed": components["schemas"]["MessageFailedEvent"];
    "message.received": components["schemas"]["MessageReceivedEvent"];
    "message.rejected": components["schemas"]["MessageRejectedEvent"];
    "message.retry_scheduled": components["schemas"]["MessageRetryScheduledEvent"];
    "message.status": components["schemas"]["MessageStatusEvent"];
    "number.changed": components["schemas"]["NumberChangedEvent"];
    "template.status": components["schemas"]["TemplateStatusEvent"];
}

export const WEBHOOK_EVENT_TYPES = ["account.alert","contact.changed","message.accepted","message.dead_lettered","message.failed","message.received","message.rejected","message.retry_scheduled","message.status","number.changed","template.status"] as const;
