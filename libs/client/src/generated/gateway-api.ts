// GENERATED FILE, DO NOT EDIT. Regenerate with `npm run generate -w @wabridge/client`.
// Source: apps/gateway/openapi.json (OpenAPI 3.0.0, API version 1)
export interface paths {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["OAuth_jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{phoneNumberId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["CloudApi_sendUnversioned"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{version}/{mediaId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The media's download URL, type, hash and size (Meta's shape) */
        get: operations["CloudMedia_retrieve"];
        put?: never;
        post?: never;
        /** Delete the media (its bytes and id) */
        delete: operations["CloudMedia_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{version}/{phoneNumberId}/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload media as with Meta's Cloud API (streamed to the media service); the id goes into `image.id` etc. of a send */
        post: operations["CloudMedia_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/{version}/{phoneNumberId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["CloudApi_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["Admin_revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Admin_listApps"];
        put?: never;
        post: operations["Admin_createApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/oauth/signing-keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["Admin_rotateSigningKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Admin_listTenants"];
        put?: never;
        post: operations["Admin_createTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/tenants/{tenantId}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Admin_listKeys"];
        put?: never;
        post: operations["Admin_createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/tenants/{tenantId}/phone-numbers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Admin_listNumbers"];
        put?: never;
        post: operations["Admin_createNumber"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/tenants/{tenantId}/phone-numbers/{phoneNumberId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["Admin_updateNumber"];
        trace?: never;
    };
    "/dashboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The analytics dashboard page (served by the analytics service)
         * @description Public: the page and its script/stylesheet (`/dashboard/dashboard.js`, `/dashboard/dashboard.css`) hold no data; it asks for an API key with `messages:read` and reads `/v1/analytics/*` with it. Query `from`, `to` (YYYY-MM-DD), `phoneNumberId` preselect the view.
         */
        get: operations["Analytics_dashboard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["OAuth_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/campaigns/cost": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Cost per campaign: each campaign's delivered messages priced with the current rate card (ADR 0155; no range: the whole campaign) */
        get: operations["Analytics_campaignCost"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/cost": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Cost by category, type, pricing model and market (computed from the current rate card) */
        get: operations["Analytics_cost"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Failed and rejected by class and code, most frequent first, with Meta's title and the platform's action */
        get: operations["Analytics_errors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/latency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latency percentiles per hour or UTC day */
        get: operations["Analytics_latency"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/numbers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's numbers: status, messaging tier, Meta's last quality event */
        get: operations["Analytics_numbers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/rate-card": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's rate card */
        get: operations["Analytics_getRateCard"];
        /** Set the rate card (replaces it; costs are computed at query time, so it reprices history) */
        put: operations["Analytics_putRateCard"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Funnel counts, cost and latency percentiles over a range */
        get: operations["Analytics_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Template sends per name and language, with the categories Meta charged */
        get: operations["Analytics_templates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/timeseries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One metric per hour or UTC day */
        get: operations["Analytics_timeseries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Credentials_listKeys"];
        put?: never;
        post: operations["Credentials_createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["Credentials_revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["Credentials_rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/automations/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Rules, by number and evaluation order */
        get: operations["Automations_listRules"];
        put?: never;
        /** Adds a rule to a number (applies within seconds) */
        post: operations["Automations_createRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/automations/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Automations_getRule"];
        put?: never;
        post?: never;
        delete: operations["Automations_deleteRule"];
        options?: never;
        head?: never;
        patch: operations["Automations_updateRule"];
        trace?: never;
    };
    "/v1/business-profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["BusinessProfile_get"];
        put: operations["BusinessProfile_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Campaigns, newest first */
        get: operations["Campaigns_list"];
        put?: never;
        /** Creates a campaign (status draft; `start` sends it) */
        post: operations["Campaigns_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign with its live counts (from the messages' events) and cost (from analytics) */
        get: operations["Campaigns_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ends the campaign; recipients not planned are never sent */
        post: operations["Campaigns_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/parameters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Per-recipient template parameters from a CSV (ADR 0156), while the campaign is a draft: header `waId,<name>,…`, one row per recipient; `{{csv.<name>}}` (or `{{csv.<name>|fallback}}`) in the template's parameters takes the value. Replaces an earlier upload. Streamed; a bad line is reported and skipped; a recipient without a row (and no fallback) is skipped with `missing-parameter:csv.<name>` */
        put: operations["Campaigns_putParameters"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stops planning sends within a tick; what the dispatcher already has still goes */
        post: operations["Campaigns_pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/recipients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The recipients, in expansion order */
        get: operations["Campaigns_recipients"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Continues a paused campaign where it stood (no recipient twice) */
        post: operations["Campaigns_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Starts a draft (scheduled while `startAt` is ahead) */
        post: operations["Campaigns_start"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Segments, newest first (up to 500) */
        get: operations["Segments_list"];
        put?: never;
        /** Saves a filter over a number's contacts (a campaign audience: `audience.segmentId`) */
        post: operations["Segments_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/segments/{segmentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A segment */
        get: operations["Segments_get"];
        put?: never;
        post?: never;
        /** Deletes a segment (campaigns made from it keep their copy) */
        delete: operations["Segments_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Forwarding_contacts_get"];
        put: operations["Forwarding_contacts_put"];
        post: operations["Forwarding_contacts_post"];
        delete: operations["Forwarding_contacts_delete"];
        options: operations["Forwarding_contacts_options"];
        head: operations["Forwarding_contacts_head"];
        patch: operations["Forwarding_contacts_patch"];
        trace?: never;
    };
    "/v1/contacts/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Forwarding_contacts_get_v1_contacts_path"];
        put: operations["Forwarding_contacts_put_v1_contacts_path"];
        post: operations["Forwarding_contacts_post_v1_contacts_path"];
        delete: operations["Forwarding_contacts_delete_v1_contacts_path"];
        options: operations["Forwarding_contacts_options_v1_contacts_path"];
        head: operations["Forwarding_contacts_head_v1_contacts_path"];
        patch: operations["Forwarding_contacts_patch_v1_contacts_path"];
        trace?: never;
    };
    "/v1/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Conversations, most recent first */
        get: operations["Conversations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Conversations_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}/assignee": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["Conversations_assign"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Both directions, oldest first (own time, ties by arrival) */
        get: operations["Conversations_messages"];
        put?: never;
        post: operations["ConversationMessages_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ConversationMessages_read"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Conversations_getSettings"];
        put: operations["Conversations_putSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Forwarding_media_get"];
        put: operations["Forwarding_media_put"];
        post: operations["Forwarding_media_post"];
        delete: operations["Forwarding_media_delete"];
        options: operations["Forwarding_media_options"];
        head: operations["Forwarding_media_head"];
        patch: operations["Forwarding_media_patch"];
        trace?: never;
    };
    "/v1/media/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Forwarding_media_get_v1_media_path"];
        put: operations["Forwarding_media_put_v1_media_path"];
        post: operations["Forwarding_media_post_v1_media_path"];
        delete: operations["Forwarding_media_delete_v1_media_path"];
        options: operations["Forwarding_media_options_v1_media_path"];
        head: operations["Forwarding_media_head_v1_media_path"];
        patch: operations["Forwarding_media_patch_v1_media_path"];
        trace?: never;
    };
    "/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Messages_list"];
        put?: never;
        post: operations["Messages_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Messages_get"];
        put?: never;
        post?: never;
        delete: operations["Messages_cancel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{wamid}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["Messages_markRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth-clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Credentials_listClients"];
        put?: never;
        post: operations["Credentials_createClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth-clients/{clientId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["Credentials_revokeClient"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth-clients/{clientId}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["Credentials_rotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/onboarding/embedded-signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange an embedded-signup code: discovers the shared WABAs and numbers, subscribes our app to their webhooks, adds the numbers (pending until registered). Retrying the same code answers the same; 409 if a WABA or number belongs to another tenant. */
        post: operations["Onboarding_embeddedSignup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/phone-numbers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Numbers_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/phone-numbers/{phoneNumberId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Numbers_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/phone-numbers/{phoneNumberId}/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a verified number for the Cloud API with its two-step PIN (sets it the first time); the number becomes active (409 verification_required, 400 two_step_pin_mismatch) */
        post: operations["Onboarding_register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/phone-numbers/{phoneNumberId}/request-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask Meta to send a verification code to the number (SMS or voice) */
        post: operations["Onboarding_requestCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/phone-numbers/{phoneNumberId}/two-step-verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set or change the two-step verification PIN (never stored here) */
        post: operations["Onboarding_twoStep"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/phone-numbers/{phoneNumberId}/verify-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify the number with the code Meta sent (400 verification_code_invalid / verification_code_expired) */
        post: operations["Onboarding_verifyCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/request-logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RequestLogs_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Templates_list"];
        put?: never;
        post: operations["Templates_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["Templates_get"];
        put?: never;
        post?: never;
        delete: operations["Templates_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's endpoints (no secrets) */
        get: operations["WebhookEndpoints_list"];
        put?: never;
        /** Register an endpoint; the answer shows its signing secret once */
        post: operations["WebhookEndpoints_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One endpoint (no secret) */
        get: operations["WebhookEndpoints_get"];
        put?: never;
        post?: never;
        /** Remove the endpoint; nothing more is delivered to it */
        delete: operations["WebhookEndpoints_delete"];
        options?: never;
        head?: never;
        /** Change URL, fallback, filters, description or enable/disable */
        patch: operations["WebhookEndpoints_update"];
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log: status code, latency, attempt, error */
        get: operations["WebhookEndpoints_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver again the events of a time range (optionally of some types) */
        post: operations["WebhookEndpoints_replay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new signing secret (shown once); the old one keeps signing too for an overlap period */
        post: operations["WebhookEndpoints_rotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a signed test event (`account.alert`, kind `webhook-test`) to the primary URL now */
        post: operations["WebhookEndpoints_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CreateTenantDto: {
            name: string;
        };
        CreateApiKeyDto: {
            scopes?: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
        };
        CreateAppDto: {
            appId: string;
            appSecret: string;
            verifyToken: string;
        };
        CreateNumberDto: {
            phoneNumberId: string;
            displayPhoneNumber: string;
            wabaId: string;
            appId: string;
            accessToken: string;
            businessId?: string;
            graphBaseUrl?: string;
            graphApiVersion?: string;
            mps?: number;
            /** @enum {string} */
            tier?: "50" | "250" | "1000" | "2000" | "10000" | "100000" | "unlimited";
        };
        UpdateNumberDto: {
            displayPhoneNumber?: string;
            accessToken?: string;
            graphBaseUrl?: string;
            graphApiVersion?: string;
            mps?: number;
            /** @enum {string} */
            tier?: "50" | "250" | "1000" | "2000" | "10000" | "100000" | "unlimited";
            /** @enum {string} */
            status?: "active" | "paused";
            pausedReason?: string;
            coexistence?: boolean;
        };
        CreateOwnApiKeyDto: {
            /** @description A label shown in lists */
            name?: string;
            /** @description At most the calling credential's scopes; default messages:send + messages:read */
            scopes?: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
            /**
             * Format: date-time
             * @description The key answers 401 credential_expired from then on
             */
            expiresAt?: string;
        };
        RotateDto: {
            /** @description Seconds the old secret keeps working (0-604800, default 3600) */
            overlapSeconds?: number;
        };
        CreateOAuthClientDto: {
            name: string;
            /** @description At most the calling credential's scopes; default messages:send + messages:read */
            scopes?: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
        };
        MarkReadBody: {
            phoneNumberId: string;
        };
        CreateTemplateDto: {
            wabaId: string;
            name: string;
            language: string;
            category: string;
            components: Record<string, unknown>[];
        };
        EmbeddedSignupDto: {
            /** @description The code Meta's embedded-signup dialog returned to your page (single use, valid minutes) */
            code: string;
            /** @description The Meta app of the dialog; may be left out when the platform has exactly one */
            appId?: string;
        };
        SignupNumberDto: {
            phoneNumberId: string;
            displayPhoneNumber: string;
            verifiedName?: string;
            /** @enum {string} */
            registrationStatus: "pending" | "code_requested" | "code_verified" | "registered";
            /** @enum {string} */
            status: "active" | "paused";
        };
        SignupWabaDto: {
            wabaId: string;
            /** @description Our app receives the WABA's webhooks (subscribed_apps) */
            subscribed: boolean;
            phoneNumbers: components["schemas"]["SignupNumberDto"][];
        };
        SignupResultDto: {
            appId: string;
            wabas: components["schemas"]["SignupWabaDto"][];
        };
        RequestCodeDto: {
            /** @enum {string} */
            codeMethod: "SMS" | "VOICE";
            /** @example en_US */
            language: string;
        };
        RegistrationViewDto: {
            phoneNumberId: string;
            /** @enum {string} */
            registrationStatus: "pending" | "code_requested" | "code_verified" | "registered";
            /** @description Whether a two-step verification PIN is set */
            twoStepVerification: boolean;
            /**
             * @description paused until registered
             * @enum {string}
             */
            status: "active" | "paused";
        };
        VerifyCodeDto: {
            /**
             * @description The 6-digit code Meta sent by SMS or voice
             * @example 123456
             */
            code: string;
        };
        PinDto: {
            /**
             * @description Two-step verification PIN (6 digits); passed to Meta, never stored
             * @example 482913
             */
            pin: string;
        };
        BusinessAddressDto: {
            street?: string;
            city?: string;
            state?: string;
            postalCode?: string;
            /** @description ISO 3166-1 alpha-2 */
            country: string;
        };
        PutBusinessProfileDto: {
            legalName: string;
            /** @description How the business is shown (Meta reviews the display name per number) */
            displayName: string;
            /** @description Free-text category, e.g. "Online shop" */
            category: string;
            /**
             * @description Meta's vertical
             * @enum {string}
             */
            vertical?: "OTHER" | "AUTO" | "BEAUTY" | "APPAREL" | "EDU" | "ENTERTAIN" | "EVENT_PLAN" | "FINANCE" | "GROCERY" | "GOVT" | "HOTEL" | "HEALTH" | "NONPROFIT" | "PROF_SERVICES" | "RETAIL" | "TRAVEL" | "RESTAURANT" | "ALCOHOL" | "ONLINE_GAMBLING" | "PHYSICAL_GAMBLING" | "OTC_DRUGS";
            website?: string;
            email?: string;
            /** @description E.164 */
            phone?: string;
            address?: components["schemas"]["BusinessAddressDto"];
        };
        /** @enum {string} */
        WebhookEventType: "message.received" | "message.status" | "message.accepted" | "message.rejected" | "message.failed" | "message.retry_scheduled" | "message.dead_lettered" | "template.status" | "number.changed" | "contact.changed" | "account.alert";
        /**
         * @example {
         *       "url": "https://crm.example.com/hooks/whatsapp",
         *       "events": [
         *         "message.received",
         *         "message.status"
         *       ]
         *     }
         */
        CreateWebhookEndpoint: {
            /**
             * Format: uri
             * @description HTTPS outside development; private, loopback and metadata targets are refused unless the operator allows them
             */
            url: string;
            /**
             * Format: uri
             * @description Receives an event once the primary URL has exhausted its retries
             */
            fallbackUrl?: string;
            /** @description Event types to deliver; all when absent */
            events?: components["schemas"]["WebhookEventType"][];
            /** @description Only events of these numbers; all when absent */
            phoneNumberIds?: string[];
            description?: string;
        };
        /** @description Only the fields given change; null clears fallbackUrl, events, phoneNumberIds or description */
        UpdateWebhookEndpoint: {
            /** Format: uri */
            url?: string;
            /** Format: uri */
            fallbackUrl?: string | null;
            events?: components["schemas"]["WebhookEventType"][] | null;
            phoneNumberIds?: string[] | null;
            description?: string | null;
            /** @description false pauses deliveries; true re-enables an endpoint the notifier disabled */
            enabled?: boolean;
        };
        WebhookEndpoint: {
            /** @example we_01JEXAMPLE0000000000000000 */
            id: string;
            url: string;
            fallbackUrl?: string | null;
            /** @description null: every type */
            events: components["schemas"]["WebhookEventType"][] | null;
            /** @description null: every number of the tenant */
            phoneNumberIds?: string[] | null;
            description?: string | null;
            enabled: boolean;
            /** @description Why the notifier disabled it (e.g. failing for days) */
            disabledReason?: string | null;
            /** Format: date-time */
            failingSince?: string | null;
            /** Format: date-time */
            createdAt?: string;
            /** Format: date-time */
            updatedAt?: string;
        };
        /**
         * @example {
         *       "id": "we_01JEXAMPLE0000000000000000",
         *       "url": "https://crm.example.com/hooks/whatsapp",
         *       "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
         *       "events": [
         *         "message.received",
         *         "message.status"
         *       ],
         *       "enabled": true
         *     }
         */
        CreatedWebhookEndpoint: components["schemas"]["WebhookEndpoint"] & {
            /** @description Signing secret, `whsec_<base64>`; shown only here (and on rotation) */
            secret: string;
        };
        WebhookDelivery: {
            /** @description Cursor of the delivery log */
            id?: string;
            /** @description The `webhook-id` header (receivers dedupe by it) */
            eventId?: string;
            type?: components["schemas"]["WebhookEventType"];
            /** @description What queued it (the event, a replay, a test) */
            origin?: string;
            /** @enum {string} */
            status?: "pending" | "delivered" | "dead";
            /** @enum {string} */
            target?: "primary" | "fallback";
            /** @description Attempts so far */
            attempt?: number;
            /** @description HTTP status of the last attempt */
            statusCode?: number | null;
            latencyMs?: number | null;
            error?: string | null;
            /** Format: date-time */
            nextAttemptAt?: string | null;
            /** Format: date-time */
            lastAttemptAt?: string | null;
            /** Format: date-time */
            createdAt?: string;
            /** Format: date-time */
            finishedAt?: string | null;
        };
        WebhookEndpointError: {
            error?: {
                code: string;
                message: string;
                details?: unknown;
            };
        };
        CloudMediaUpload: {
            /** @enum {string} */
            messaging_product: "whatsapp";
            /**
             * @description The file's MIME type (informative: the type is read from the bytes)
             * @example image/jpeg
             */
            type?: string;
            /**
             * Format: binary
             * @description Image (JPEG/PNG ≤ 5 MB), sticker (WebP), audio/video (≤ 16 MB) or document (≤ 100 MB), as Meta's list
             */
            file: string;
        };
        /**
         * @example {
         *       "messaging_product": "whatsapp",
         *       "url": "https://api.example.com/v1/media/01JF3Q8ZK4M6V9T2B7N5C1X0YR/content",
         *       "mime_type": "image/jpeg",
         *       "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         *       "file_size": "303833",
         *       "id": "01JF3Q8ZK4M6V9T2B7N5C1X0YR"
         *     }
         */
        CloudMedia: {
            /** @enum {string} */
            messaging_product: "whatsapp";
            /**
             * Format: uri
             * @description Download URL on this gateway (`/v1/media/{id}/content`); send the same Bearer API key, Range supported (ADR 0106)
             */
            url: string;
            mime_type: string;
            /** @description Hex SHA-256 of the bytes */
            sha256: string;
            /** @description Bytes, as a string (as Meta) */
            file_size: string;
            id: string;
        };
        /** @description Meta's Graph error envelope */
        CloudApiError: {
            error?: {
                message: string;
                type: string;
                code: number;
                error_subcode?: number;
                error_data?: {
                    messaging_product?: string;
                    details?: string;
                };
                fbtrace_id: string;
            };
        };
        Conversation: {
            id: string;
            phoneNumberId: string;
            waId?: string;
            /** @description Business-scoped user id (BSUID) */
            userId?: string;
            profileName?: string;
            /** Format: date-time */
            lastMessageAt: string;
            /** @description Inbound messages since the last mark-as-read */
            unread: number;
            assignee?: string;
            /** Format: date-time */
            lastInboundAt?: string;
            /**
             * Format: date-time
             * @description Last inbound + 24 h (the customer-service window)
             */
            serviceWindowOpenUntil?: string;
            /** @description Single-conversation answers only: the last inbound message received */
            lastInboundWamid?: string;
        };
        ConversationMessage: {
            /** @description Our message id (outbound, as GET /v1/messages/:id), the wamid (inbound) */
            id: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            type: string;
            /** @description Meta's object under its type (`{text: {body}}`, `{image: {…, mediaId}}`), with `context`/`referral`; null once revoked */
            content: Record<string, unknown> | null;
            /** @enum {string} */
            status?: "accepted" | "sent" | "delivered" | "read" | "played" | "failed" | "rejected" | "dead-lettered";
            wamid?: string;
            /** Format: date-time */
            at: string;
            error?: Record<string, unknown>;
            /** Format: date-time */
            editedAt?: string;
            /** Format: date-time */
            revokedAt?: string;
        };
        ConversationSettings: {
            retentionDays?: number | null;
            readonly defaultRetentionDays?: number;
        };
        ConversationError: {
            error?: {
                code: string;
                message: string;
                details?: unknown;
            };
        };
        /** @description What fires the rule. keyword: the whole message (exact) or a word or phrase of it (contains), case, accents and punctuation ignored. regex: a linear-time pattern (no backreferences or lookaheads; at most 200 characters; lower case when caseInsensitive). interactive: a reply button, list row or template quick-reply button by id. welcome: the first message ever from the contact, or request_welcome. away: a message outside the opening hours. opt_out: the whole message is one of the keywords (the contacts service records the opt-out; no reply action). any: every message. */
        AutomationTrigger: {
            /** @enum {unknown} */
            type: "keyword";
            keywords: string[];
            /**
             * @default exact
             * @enum {string}
             */
            match: "exact" | "contains";
        } | {
            /** @enum {unknown} */
            type: "regex";
            pattern: string;
            /** @default false */
            caseInsensitive: boolean;
        } | {
            /** @enum {unknown} */
            type: "interactive";
            ids: string[];
        } | {
            /** @enum {unknown} */
            type: "welcome" | "any";
        } | {
            /** @enum {unknown} */
            type: "away";
            /**
             * @description IANA timezone
             * @example Europe/Berlin
             */
            timezone: string;
            /** @description Opening hours; empty = always closed */
            schedule: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                /** @description Exclusive; before `from` = over midnight; 24:00 = end of day */
                to: string;
            }[];
        } | {
            /** @enum {unknown} */
            type: "opt_out";
            keywords: string[];
        };
        /** @description reply: a text, template or interactive message (as POST /v1/messages takes it, without number and recipient) sent through the dispatcher; free-form only within the 24 h window the message opened; at most one reply per inbound message, subject to the rule's cooldown and the contact's reply budget. tag: tags added to the contact (contacts service). forward: the message POSTed as JSON to an http(s) URL (SSRF-guarded, one attempt). assign: the conversation handed to an agent or queue (automations stay quiet while assigned). */
        AutomationAction: {
            /** @enum {unknown} */
            type: "reply";
            message: {
                /** @enum {string} */
                type: "text" | "template" | "interactive";
                text?: Record<string, unknown>;
                template?: Record<string, unknown>;
                interactive?: Record<string, unknown>;
            };
        } | {
            /** @enum {unknown} */
            type: "tag";
            tags: string[];
        } | {
            /** @enum {unknown} */
            type: "forward";
            /** Format: uri */
            url: string;
        } | {
            /** @enum {unknown} */
            type: "assign";
            assignee: string;
        };
        AutomationRule: {
            id: string;
            phoneNumberId: string;
            name: string;
            /** @description Evaluation order within the number, lowest first (default: after the last rule) */
            position: number;
            /** @default true */
            enabled: boolean;
            /**
             * @description Evaluate later rules too when this one fires (default: the first rule that fires ends the evaluation)
             * @default false
             */
            continueAfter: boolean;
            /**
             * @description This rule replies to one contact at most once per this many seconds
             * @default 300
             */
            cooldownSeconds: number;
            trigger: components["schemas"]["AutomationTrigger"];
            actions: components["schemas"]["AutomationAction"][];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @example {
         *       "phoneNumberId": "106540352242922",
         *       "name": "prices",
         *       "trigger": {
         *         "type": "keyword",
         *         "keywords": [
         *           "price",
         *           "prices"
         *         ],
         *         "match": "contains"
         *       },
         *       "actions": [
         *         {
         *           "type": "reply",
         *           "message": {
         *             "type": "text",
         *             "text": {
         *               "body": "Our prices: https://example.com/prices"
         *             }
         *           }
         *         }
         *       ]
         *     }
         */
        AutomationRuleCreate: {
            phoneNumberId: string;
            name: string;
            /** @description Evaluation order within the number, lowest first (default: after the last rule) */
            position?: number;
            /** @default true */
            enabled: boolean;
            /**
             * @description Evaluate later rules too when this one fires (default: the first rule that fires ends the evaluation)
             * @default false
             */
            continueAfter: boolean;
            /**
             * @description This rule replies to one contact at most once per this many seconds
             * @default 300
             */
            cooldownSeconds: number;
            trigger: components["schemas"]["AutomationTrigger"];
            actions: components["schemas"]["AutomationAction"][];
        };
        AutomationRulePatch: {
            name?: string;
            /** @description Evaluation order within the number, lowest first (default: after the last rule) */
            position?: number;
            /** @default true */
            enabled: boolean;
            /**
             * @description Evaluate later rules too when this one fires (default: the first rule that fires ends the evaluation)
             * @default false
             */
            continueAfter: boolean;
            /**
             * @description This rule replies to one contact at most once per this many seconds
             * @default 300
             */
            cooldownSeconds: number;
            trigger?: components["schemas"]["AutomationTrigger"];
            actions?: components["schemas"]["AutomationAction"][];
        };
        CampaignCreate: {
            name: string;
            phoneNumberId: string;
            /** @description Meta's template object. Strings in `components` may name contact fields per recipient: `{{attributes.<key>}}`, `{{profileName}}`, `{{waId}}`, with a fallback after `|` (`{{attributes.firstName|there}}`); a recipient missing one without a fallback is skipped. */
            template: {
                name: string;
                language: {
                    code: string;
                };
                components?: Record<string, unknown>[];
            };
            /** @description At least one; together, each recipient once (by wa_id). Tags: contacts of the number with every tag. */
            audience: {
                tags?: string[];
                contactIds?: string[];
                /** @description Phone numbers in digits with their country code; one that is not a possible number (as `to` of POST /v1/messages) answers 400 naming `audience.waIds[i]` */
                waIds?: string[];
                /** @description A saved segment of the same number: its filter is copied into the campaign (tags given here narrow it) */
                segmentId?: string;
            };
            /**
             * Format: date-time
             * @description Sending starts then (after `start`); absent: at `start`
             */
            startAt?: string;
            /**
             * Format: date-time
             * @description End of the sending window: recipients not planned by then are skipped
             */
            endAt?: string;
        };
        CampaignCounts: {
            total: number;
            /** @description Not planned yet (its turn, the tier budget or the start) */
            pending?: number;
            /** @description Given to the dispatcher, not sent yet */
            queued: number;
            sent: number;
            delivered: number;
            read: number;
            failed: number;
            /** @description Opted out (at expansion or at send time), a missing parameter, the window ended */
            skipped: number;
            /** @description Of failed: Meta's per-user marketing limit (131049), counted, not resent */
            failedMarketingLimit?: number;
        };
        /** @description What the campaign's delivered messages cost (ADR 0155): priced by the analytics service with the tenant's rate card (GET/PUT /v1/analytics/rate-card), charged on delivery; live as Meta's statuses arrive. Null when analytics could not be asked */
        CampaignCost: {
            /** @description The rate card's currency; null without a card (amounts 0) */
            currency: string | null;
            total: number;
            byCategory: {
                [key: string]: number;
            };
            /** @description Charged categories without a price on the card (counted as 0) */
            unpriced: string[];
            /** @description Messages Meta charged (delivered, billable) */
            billable: number;
            /** @description Delivered free of charge */
            free: number;
        } | null;
        Campaign: {
            id: string;
            name?: string;
            /** @enum {string} */
            status: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
            phoneNumberId?: string;
            template?: Record<string, unknown>;
            audience?: Record<string, unknown>;
            /** Format: date-time */
            startAt?: string | null;
            /** Format: date-time */
            endAt?: string | null;
            /** @description Every recipient of the audience is known */
            expanded?: boolean;
            /** Format: date-time */
            createdAt?: string;
            /** Format: date-time */
            startedAt?: string | null;
            /** Format: date-time */
            finishedAt?: string | null;
            counts?: components["schemas"]["CampaignCounts"];
            /** @description The uploaded parameters CSV (PUT /v1/campaigns/{id}/parameters) */
            parameters?: {
                columns?: string[];
                rows?: number;
                /** Format: date-time */
                uploadedAt?: string;
            } | null;
            /** @description GET /v1/campaigns/{id} only */
            cost?: components["schemas"]["CampaignCost"] | null;
        };
        CampaignRecipient: {
            /** @description wa_id (or BSUID) */
            recipient?: string;
            contactId?: string | null;
            /** @description As GET /v1/messages/:id */
            messageId?: string;
            /** @enum {string} */
            status?: "pending" | "queued" | "sent" | "delivered" | "read" | "failed" | "skipped";
            reason?: string | null;
            errorCode?: number | null;
            /** Format: date-time */
            queuedAt?: string | null;
        };
        /** @description Every condition given must hold */
        SegmentFilter: {
            /** @description Contacts with every tag */
            tags?: string[];
            /** @description Contacts whose attribute `key` equals `value` */
            attribute?: {
                key: string;
                value: string;
            };
            /** @description true: explicit opt-in only; false: the others (opted-out contacts are never sent to) */
            optedIn?: boolean;
            /** @description The 24 h customer-service window is open (true) or closed (false) when the audience is read */
            windowOpen?: boolean;
            /**
             * Format: date-time
             * @description Wrote to the number at or after this time
             */
            lastInboundSince?: string;
        };
        SegmentCreate: {
            name: string;
            phoneNumberId: string;
            filter: components["schemas"]["SegmentFilter"];
        };
        Segment: {
            id: string;
            name: string;
            phoneNumberId: string;
            filter: components["schemas"]["SegmentFilter"];
            /** Format: date-time */
            createdAt?: string;
        };
        CampaignError: {
            error?: {
                code: string;
                message: string;
                details?: unknown;
            };
        };
        /** @description Milliseconds, from HDR histograms merged over the range (within 1 % of the true value); null without samples */
        AnalyticsPercentiles: {
            p50: number | null;
            p95: number | null;
            p99: number | null;
            /** @description Messages measured */
            samples: number;
        };
        AnalyticsCostSummary: {
            /** @description The rate card's currency; null without a rate card */
            currency: string | null;
            /** @description Billable units × the rate card's price (the market's, else the default), summed in millionths */
            total: number;
            byCategory: {
                [key: string]: number;
            };
            /** @description Categories with billable units but no price on the card (counted as 0) */
            unpriced: string[];
        };
        /**
         * @example {
         *       "accepted": 100,
         *       "sent": 95,
         *       "delivered": 90,
         *       "read": 60,
         *       "failed": 5,
         *       "rejected": 3,
         *       "inbound": 12,
         *       "cost": {
         *         "currency": "EUR",
         *         "total": 6.55,
         *         "byCategory": {
         *           "authentication_international": 3,
         *           "marketing": 3.55
         *         },
         *         "unpriced": []
         *       },
         *       "latencyMs": {
         *         "acceptedToSent": {
         *           "p50": 120,
         *           "p95": 410,
         *           "p99": 800,
         *           "samples": 95
         *         },
         *         "sentToDelivered": {
         *           "p50": 1500,
         *           "p95": 3100,
         *           "p99": 4000,
         *           "samples": 90
         *         },
         *         "deliveredToRead": {
         *           "p50": 60000,
         *           "p95": 300000,
         *           "p99": 600000,
         *           "samples": 60
         *         }
         *       },
         *       "range": {
         *         "from": "2026-03-10T00:00:00.000Z",
         *         "to": "2026-03-11T00:00:00.000Z",
         *         "phoneNumberId": null
         *       }
         *     }
         */
        AnalyticsSummary: {
            accepted: number;
            sent: number;
            delivered: number;
            read: number;
            /** @description Failed after acceptance (also dead-lettered), Meta's failed statuses included */
            failed: number;
            /** @description Refused before sending (compliance) */
            rejected: number;
            inbound: number;
            cost: components["schemas"]["AnalyticsCostSummary"];
            latencyMs: {
                /** @description Our acceptance → Meta accepted the send (the dispatcher) */
                acceptedToSent: components["schemas"]["AnalyticsPercentiles"];
                /** @description Sent → Meta's delivered status (Meta's timestamp, whole seconds) */
                sentToDelivered: components["schemas"]["AnalyticsPercentiles"];
                /** @description Meta's delivered → read status (played counts as read) */
                deliveredToRead: components["schemas"]["AnalyticsPercentiles"];
            };
            range: {
                /** Format: date-time */
                from: string;
                /** Format: date-time */
                to: string;
                phoneNumberId: string | null;
            };
        };
        AnalyticsTimeseries: {
            /** @enum {string} */
            metric: "accepted" | "sent" | "delivered" | "read" | "failed" | "rejected" | "inbound" | "cost";
            /** @enum {string} */
            interval: "hour" | "day";
            /** @description metric=cost only: the rate card's currency (null without a card) */
            currency?: string | null;
            /** @description Every bucket of the range, oldest first, zeros included */
            data: {
                /** Format: date-time */
                at: string;
                value: number;
            }[];
        };
        AnalyticsLatencySeries: {
            /** @enum {string} */
            interval: "hour" | "day";
            /** @description Every bucket of the range, oldest first (nulls without samples) */
            data: {
                /** Format: date-time */
                at: string;
                /** @description Our acceptance → Meta accepted the send (the dispatcher) */
                acceptedToSent: components["schemas"]["AnalyticsPercentiles"];
                /** @description Sent → Meta's delivered status (Meta's timestamp, whole seconds) */
                sentToDelivered: components["schemas"]["AnalyticsPercentiles"];
                /** @description Meta's delivered → read status (played counts as read) */
                deliveredToRead: components["schemas"]["AnalyticsPercentiles"];
            }[];
        };
        /**
         * @example {
         *       "code": 131026,
         *       "class": "permanent",
         *       "count": 5,
         *       "failed": 5,
         *       "rejected": 0,
         *       "title": "Message undeliverable",
         *       "action": "fail fast, tell the customer"
         *     }
         */
        AnalyticsErrorLine: {
            /** @description Meta's error code; null for the platform's own refusals */
            code: number | null;
            /** @description throttled, transient, auth, permanent, template, quality, compliance, unknown */
            class: string;
            count: number;
            failed: number;
            rejected: number;
            /** @description Meta's title as last reported for the code */
            title: string | null;
            /** @description What the platform does about errors of this code */
            action: string;
        };
        AnalyticsTemplateLine: {
            name: string;
            language: string;
            sent: number;
            delivered: number;
            read: number;
            failed: number;
            /** @description Priced messages by the category Meta charged */
            byCategory: {
                [key: string]: number;
            };
        };
        AnalyticsCostLine: {
            /** @example marketing */
            category: string;
            /** @description regular, free_customer_service, free_entry_point (PMP); conversation (CBP) */
            type: string;
            /**
             * @description Per-message or conversation-based (a CBP conversation is charged once)
             * @enum {string}
             */
            pricingModel: "PMP" | "CBP";
            /** @description The recipient's country calling code; empty when unknown (a BSUID) */
            market: string;
            billable: number;
            free: number;
            /** @description From the rate card (the market's price first); null when it has none */
            unitPrice: number | null;
            amount: number;
        };
        AnalyticsCost: components["schemas"]["AnalyticsCostSummary"] & {
            lines: components["schemas"]["AnalyticsCostLine"][];
        };
        AnalyticsNumber: {
            phoneNumberId: string;
            /** @description Digits */
            displayPhoneNumber: string | null;
            status: string | null;
            pausedReason: string | null;
            /** @description Messaging tier as the platform holds it */
            tier: string | null;
            /** @description Meta's last phone_number_quality_update for the number */
            quality: {
                event: string | null;
                currentLimit: string | null;
                /** Format: date-time */
                at: string;
            } | null;
        };
        /**
         * @example {
         *       "currency": "EUR",
         *       "prices": {
         *         "marketing": 0.05,
         *         "utility": 0.02,
         *         "authentication": 0.03
         *       },
         *       "markets": {
         *         "49": {
         *           "marketing": 0.1
         *         }
         *       }
         *     }
         */
        AnalyticsRateCardBody: {
            /** @description ISO 4217 */
            currency: string;
            /** @description Pricing category (lower case, `_`) → price per billable unit, at most 6 decimals; at most 50 categories (marketing, utility, authentication, authentication_international, service, marketing_lite, referral_conversion, or legacy CBP ones) */
            prices: {
                [key: string]: number;
            };
            /** @description Country calling code (`^[1-9]\d{0,3}$`, e.g. 49) → prices that override the defaults for recipients there; at most 300 */
            markets?: {
                [key: string]: {
                    [key: string]: number;
                };
            };
        };
        AnalyticsRateCard: {
            currency: string;
            /** @description Pricing category (lower case, `_`) → price per billable unit, at most 6 decimals */
            prices: {
                [key: string]: number;
            };
            markets: {
                [key: string]: {
                    [key: string]: number;
                };
            };
            /** Format: date-time */
            updatedAt: string;
        };
        AnalyticsError: {
            error?: {
                /** @example invalid_request */
                code: string;
                /** @example from must be before to */
                message: string;
                details?: {
                    field?: string;
                    problems?: string[];
                }[];
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
export interface operations {
    OAuth_jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The public keys (Ed25519, OKP) that verify live access tokens, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys?: Record<string, unknown>[];
                    };
                };
            };
        };
    };
    CloudApi_sendUnversioned: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CloudMedia_retrieve: {
        parameters: {
            query?: {
                /** @description Only if the media belongs to this number (else the unknown-object error) */
                phone_number_id?: string;
            };
            header?: never;
            path: {
                version: string;
                /** @description Our media id (as returned by the upload or `POST /v1/media`) */
                mediaId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the media */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudMedia"];
                };
            };
            /** @description Meta's error: code 100 subcode 33 for an unknown media id or number (also another tenant's, or not the `phone_number_id` given), 131053 "Media upload error" for a file WhatsApp does not accept (type read from the bytes, or over the type's size limit), 100 for other bad input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 190: missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 10: the key lacks the `media` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 4: rate limit of the key */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 2: the media service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 2: the media service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
        };
    };
    CloudMedia_delete: {
        parameters: {
            query?: {
                /** @description Only if the media belongs to this number (else the unknown-object error) */
                phone_number_id?: string;
            };
            header?: never;
            path: {
                version: string;
                /** @description Our media id (as returned by the upload or `POST /v1/media`) */
                mediaId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        success?: boolean;
                    };
                };
            };
            /** @description Meta's error: code 100 subcode 33 for an unknown media id or number (also another tenant's, or not the `phone_number_id` given), 131053 "Media upload error" for a file WhatsApp does not accept (type read from the bytes, or over the type's size limit), 100 for other bad input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 190: missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 10: the key lacks the `media` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 4: rate limit of the key */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 2: the media service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 2: the media service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
        };
    };
    CloudMedia_upload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version: string;
                /** @description One of your registered numbers */
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["CloudMediaUpload"];
            };
        };
        responses: {
            /** @description the media id */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                    };
                };
            };
            /** @description Meta's error: code 100 subcode 33 for an unknown media id or number (also another tenant's, or not the `phone_number_id` given), 131053 "Media upload error" for a file WhatsApp does not accept (type read from the bytes, or over the type's size limit), 100 for other bad input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 190: missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 10: the key lacks the `media` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description the upload did not arrive within FORWARD_IMPORT_TIMEOUT_MS (our error shape; the connection is closed) */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 4: rate limit of the key */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 2: the media service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
            /** @description code 2: the media service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CloudApiError"];
                };
            };
        };
    };
    CloudApi_send: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version: string;
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, unknown>;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_listApps: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_createApp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAppDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_rotateSigningKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_listTenants: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_createTenant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTenantDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_createKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_listNumbers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_createNumber: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateNumberDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Admin_updateNumber: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateNumberDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Analytics_dashboard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    OAuth_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    /** @enum {string} */
                    grant_type: "client_credentials";
                    /** @description Space-separated; a subset of the client's scopes (default: all of them) */
                    scope?: string;
                    /** @description Unless sent with HTTP Basic */
                    client_id?: string;
                    /** @description Unless sent with HTTP Basic */
                    client_secret?: string;
                };
                "application/json": {
                    /** @enum {string} */
                    grant_type: "client_credentials";
                    /** @description Space-separated; a subset of the client's scopes (default: all of them) */
                    scope?: string;
                    /** @description Unless sent with HTTP Basic */
                    client_id?: string;
                    /** @description Unless sent with HTTP Basic */
                    client_secret?: string;
                };
            };
        };
        responses: {
            /** @description An access token (a JWT signed with EdDSA; verify with /.well-known/jwks.json) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_token: string;
                        /** @enum {string} */
                        token_type: "Bearer";
                        expires_in: number;
                        scope: string;
                    };
                };
            };
            /** @description invalid_request, unsupported_grant_type, invalid_scope */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error: "invalid_request" | "invalid_client" | "invalid_grant" | "unsupported_grant_type" | "invalid_scope";
                        error_description?: string;
                    };
                };
            };
            /** @description invalid_client */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error: "invalid_request" | "invalid_client" | "invalid_grant" | "unsupported_grant_type" | "invalid_scope";
                        error_description?: string;
                    };
                };
            };
        };
    };
    Analytics_campaignCost: {
        parameters: {
            query: {
                /** @description Up to 100 campaign ids, comma-separated */
                ids: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One entry per asked id, in order (zeros for a campaign with no charged message) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: (components["schemas"]["AnalyticsCostSummary"] & {
                            campaignId: string;
                            billable: number;
                            free: number;
                        })[];
                    };
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_cost: {
        parameters: {
            query?: {
                /** @description Only this number; all of the tenant's when absent */
                phoneNumberId?: string;
                /** @description ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days */
                from?: string;
                /** @description ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from` */
                to?: string;
                /** @description csv: the same rows as CSV (else `Accept: text/csv` decides) */
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cost and its lines; as CSV (`category,type,pricingModel,market,billable,free,unitPrice,amount,currency`) with `format=csv` or `Accept: text/csv`, sent as an attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsCost"];
                    /**
                     * @example category,type,pricingModel,market,billable,free,unitPrice,amount,currency
                     *     utility,regular,PMP,49,10,0,0.0456,0.456,EUR
                     */
                    "text/csv": string;
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_errors: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Only this number; all of the tenant's when absent */
                phoneNumberId?: string;
                /** @description ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days */
                from?: string;
                /** @description ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from` */
                to?: string;
                /** @description csv: the same rows as CSV (else `Accept: text/csv` decides) */
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The top error codes; as CSV (`code,class,count,failed,rejected,title,action`) with `format=csv` or `Accept: text/csv`, sent as an attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AnalyticsErrorLine"][];
                    };
                    /**
                     * @example code,class,count,failed,rejected,title,action
                     *     131026,permanent,5,5,0,Message undeliverable,"fail fast, tell the customer"
                     */
                    "text/csv": string;
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_latency: {
        parameters: {
            query?: {
                /** @description Bucket size (UTC hours or days); every bucket of the range is listed */
                interval?: "hour" | "day";
                /** @description Only this number; all of the tenant's when absent */
                phoneNumberId?: string;
                /** @description ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days */
                from?: string;
                /** @description ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from` */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The series */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsLatencySeries"];
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_numbers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The numbers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AnalyticsNumber"][];
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_getRateCard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The card */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsRateCard"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description no rate card set for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_putRateCard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnalyticsRateCardBody"];
            };
        };
        responses: {
            /** @description The card as stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsRateCard"];
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_summary: {
        parameters: {
            query?: {
                /** @description Only this number; all of the tenant's when absent */
                phoneNumberId?: string;
                /** @description ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days */
                from?: string;
                /** @description ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from` */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The summary (DESIGN §12, plus cost.unpriced, samples and range) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsSummary"];
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_templates: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Only this number; all of the tenant's when absent */
                phoneNumberId?: string;
                /** @description ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days */
                from?: string;
                /** @description ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from` */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Most sent first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AnalyticsTemplateLine"][];
                    };
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Analytics_timeseries: {
        parameters: {
            query: {
                metric: "accepted" | "sent" | "delivered" | "read" | "failed" | "rejected" | "inbound" | "cost";
                /** @description Bucket size (UTC hours or days); every bucket of the range is listed */
                interval?: "hour" | "day";
                /** @description Only this number; all of the tenant's when absent */
                phoneNumberId?: string;
                /** @description ISO 8601 date or date-time, rounded down to its UTC hour; default `to` − 7 days */
                from?: string;
                /** @description ISO 8601 date or date-time, exclusive (hour buckets starting before it); default the end of the current UTC hour. At most ANALYTICS_MAX_RANGE_DAYS (400) after `from` */
                to?: string;
                /** @description csv: the same rows as CSV (else `Accept: text/csv` decides) */
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The series; as CSV (`at,value`) with `format=csv` or `Accept: text/csv`, sent as an attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsTimeseries"];
                    /**
                     * @example at,value
                     *     2026-03-10T00:00:00.000Z,12
                     */
                    "text/csv": string;
                };
            };
            /** @description invalid query or body: an unparsable date, `from` not before `to`, a range wider than ANALYTICS_MAX_RANGE_DAYS (400), a value outside its enum, an unknown query parameter; `code` invalid_request, `details` names the fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the key lacks the `messages:read` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description rate limit of the key (`retry-after` header) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
            /** @description the analytics service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsError"];
                };
            };
        };
    };
    Credentials_listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's keys (never the key itself) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: {
                            id?: string;
                            prefix?: string;
                            name?: string | null;
                            scopes?: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
                            /** Format: date-time */
                            createdAt?: string;
                            /** Format: date-time */
                            expiresAt?: string | null;
                            /** Format: date-time */
                            revokedAt?: string | null;
                        }[];
                    };
                };
            };
        };
    };
    Credentials_createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOwnApiKeyDto"];
            };
        };
        responses: {
            /** @description The key, shown once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description Shown once */
                        key: string;
                        prefix: string;
                        name?: string | null;
                        scopes: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
                        /** Format: date-time */
                        expiresAt?: string | null;
                        /**
                         * Format: date-time
                         * @description rotation only: when the old key stops working
                         */
                        previousKeyExpiresAt?: string;
                    };
                };
            };
            /** @description scopes beyond the caller's */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Credentials_revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (refused from now on) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Credentials_rotateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateDto"];
            };
        };
        responses: {
            /** @description A new key with the same name and scopes; the old one works until previousKeyExpiresAt */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description Shown once */
                        key: string;
                        prefix: string;
                        name?: string | null;
                        scopes: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
                        /** Format: date-time */
                        expiresAt?: string | null;
                        /**
                         * Format: date-time
                         * @description rotation only: when the old key stops working
                         */
                        previousKeyExpiresAt?: string;
                    };
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Automations_listRules: {
        parameters: {
            query?: {
                phoneNumberId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's rules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["AutomationRule"][];
                    };
                };
            };
            /** @description invalid body or query: every problem listed in details ({field, problems}) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the conversations service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the conversations service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Automations_createRule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AutomationRuleCreate"];
            };
        };
        responses: {
            /** @description The rule */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutomationRule"];
                };
            };
            /** @description invalid body or query: every problem listed in details ({field, problems}) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the tenant holds the most rules allowed (limit_reached) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the conversations service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the conversations service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Automations_getRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rule id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutomationRule"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description no such rule for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Automations_deleteRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rule id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description no such rule for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Automations_updateRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The rule id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AutomationRulePatch"];
            };
        };
        responses: {
            /** @description The rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutomationRule"];
                };
            };
            /** @description invalid body or query: every problem listed in details ({field, problems}) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description no such rule for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    BusinessProfile_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Profile fields are null until the first PUT */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        legalName?: string | null;
                        displayName?: string | null;
                        category?: string | null;
                        /** @enum {string|null} */
                        vertical?: "OTHER" | "AUTO" | "BEAUTY" | "APPAREL" | "EDU" | "ENTERTAIN" | "EVENT_PLAN" | "FINANCE" | "GROCERY" | "GOVT" | "HOTEL" | "HEALTH" | "NONPROFIT" | "PROF_SERVICES" | "RETAIL" | "TRAVEL" | "RESTAURANT" | "ALCOHOL" | "ONLINE_GAMBLING" | "PHYSICAL_GAMBLING" | "OTC_DRUGS" | null;
                        website?: string | null;
                        email?: string | null;
                        phone?: string | null;
                        address?: {
                            street?: string;
                            city?: string;
                            state?: string;
                            postalCode?: string;
                            country?: string;
                        } | null;
                        /**
                         * @description Meta's business verification, kept current from webhooks and Graph reads
                         * @enum {string}
                         */
                        businessVerificationStatus?: "pending" | "verified" | "rejected" | "not_verified";
                        wabas?: {
                            wabaId?: string;
                            /** @enum {string|null} */
                            reviewStatus?: "APPROVED" | "PENDING" | "REJECTED" | "DEFERRED" | null;
                            /** @enum {string} */
                            businessVerificationStatus?: "pending" | "verified" | "rejected" | "not_verified";
                            maySend?: boolean;
                            blocked?: {
                                reason?: string;
                                /** Format: date-time */
                                until?: string;
                            };
                        }[];
                        /** Format: date-time */
                        updatedAt?: string | null;
                    };
                };
            };
        };
    };
    BusinessProfile_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutBusinessProfileDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        legalName?: string | null;
                        displayName?: string | null;
                        category?: string | null;
                        /** @enum {string|null} */
                        vertical?: "OTHER" | "AUTO" | "BEAUTY" | "APPAREL" | "EDU" | "ENTERTAIN" | "EVENT_PLAN" | "FINANCE" | "GROCERY" | "GOVT" | "HOTEL" | "HEALTH" | "NONPROFIT" | "PROF_SERVICES" | "RETAIL" | "TRAVEL" | "RESTAURANT" | "ALCOHOL" | "ONLINE_GAMBLING" | "PHYSICAL_GAMBLING" | "OTC_DRUGS" | null;
                        website?: string | null;
                        email?: string | null;
                        phone?: string | null;
                        address?: {
                            street?: string;
                            city?: string;
                            state?: string;
                            postalCode?: string;
                            country?: string;
                        } | null;
                        /**
                         * @description Meta's business verification, kept current from webhooks and Graph reads
                         * @enum {string}
                         */
                        businessVerificationStatus?: "pending" | "verified" | "rejected" | "not_verified";
                        wabas?: {
                            wabaId?: string;
                            /** @enum {string|null} */
                            reviewStatus?: "APPROVED" | "PENDING" | "REJECTED" | "DEFERRED" | null;
                            /** @enum {string} */
                            businessVerificationStatus?: "pending" | "verified" | "rejected" | "not_verified";
                            maySend?: boolean;
                            blocked?: {
                                reason?: string;
                                /** Format: date-time */
                                until?: string;
                            };
                        }[];
                        /** Format: date-time */
                        updatedAt?: string | null;
                    };
                };
            };
            /** @description a field is missing or invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Campaigns_list: {
        parameters: {
            query?: {
                status?: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of campaigns */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Campaign"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid query or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CampaignCreate"];
            };
        };
        responses: {
            /** @description The campaign */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description invalid query or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign and its counts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign's status after the action */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the campaign's status does not allow this action */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_putParameters: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example waId,code,city
                 *     4915112345678,A-17,"Berlin, Mitte"
                 */
                "text/csv": string;
            };
        };
        responses: {
            /** @description What was stored and the refused lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Data rows read */
                        rows: number;
                        /** @description Distinct recipients stored (a later row of the same waId wins) */
                        stored: number;
                        columns: string[];
                        errorCount: number;
                        /** @description The first 100 refused lines */
                        errors: {
                            line: number;
                            error: string;
                        }[];
                    };
                };
            };
            /** @description invalid query or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the campaign's status does not allow this action */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the upload is larger than allowed */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the upload is not text/csv */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_pause: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign's status after the action */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the campaign's status does not allow this action */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_recipients: {
        parameters: {
            query?: {
                status?: "pending" | "queued" | "sent" | "delivered" | "read" | "failed" | "skipped";
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of recipients */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CampaignRecipient"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid query or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_resume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign's status after the action */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the campaign's status does not allow this action */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Campaigns_start: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign's status after the action */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the campaign's status does not allow this action */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Segments_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segments */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Segment"][];
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Segments_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SegmentCreate"];
            };
        };
        responses: {
            /** @description The segment */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Segment"];
                };
            };
            /** @description invalid query or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Segments_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The segment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Segment"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Segments_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description the key lacks the `campaigns` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
            /** @description no such campaign (or phone number) for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignError"];
                };
            };
        };
    };
    Forwarding_contacts_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_delete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_options: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_head: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_patch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_get_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_put_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_post_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_delete_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_options_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_head_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_contacts_patch_v1_contacts_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Conversations_list: {
        parameters: {
            query?: {
                phoneNumberId?: string;
                /** @description open: the contact wrote within 24 h (the service window) */
                status?: "open" | "unread" | "assigned";
                waId?: string;
                userId?: string;
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of conversations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Conversation"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid query, cursor or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the conversations service is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the conversations service did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Conversations_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation id, as listed */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description no such conversation for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Conversations_assign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation id, as listed */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    assignee: string | null;
                };
            };
        };
        responses: {
            /** @description The conversation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            /** @description invalid query, cursor or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description no such conversation for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Conversations_messages: {
        parameters: {
            query?: {
                /** @description The `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The conversation id, as listed */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ConversationMessage"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid query, cursor or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description no such conversation for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    ConversationMessages_send: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key + same body → same answer; other body → 409 */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The conversation id, as `GET /v1/conversations` lists it */
                id: string;
            };
            cookie?: never;
        };
        /** @description The body of `POST /v1/messages` without `phoneNumberId` and `to`/`recipient` (the conversation's) */
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    type: "text" | "image" | "audio" | "video" | "document" | "sticker" | "template" | "interactive" | "location" | "contacts" | "reaction";
                    text?: Record<string, unknown>;
                    image?: Record<string, unknown>;
                    audio?: Record<string, unknown>;
                    video?: Record<string, unknown>;
                    document?: Record<string, unknown>;
                    sticker?: Record<string, unknown>;
                    template?: Record<string, unknown>;
                    interactive?: Record<string, unknown>;
                    location?: Record<string, unknown>;
                    contacts?: Record<string, unknown>[];
                    reaction?: Record<string, unknown>;
                    context?: {
                        message_id?: string;
                    };
                    metadata?: {
                        [key: string]: string;
                    };
                    /**
                     * Format: date-time
                     * @description Send then (at most 30 days ahead, not in the past): the message is `scheduled`, listable with `status=scheduled` and cancellable with DELETE /v1/messages/{id} until it is released shortly before its time. A message other than a template scheduled for after the contact's 24 h window closes is refused (400 `outside_window_at_send_time`)
                     */
                    sendAt?: string;
                    campaignId?: string;
                };
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id?: string;
                        /** @enum {string} */
                        status?: "accepted";
                    };
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
            /** @description no such conversation for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    ConversationMessages_read: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation id, as `GET /v1/conversations` lists it */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation, `unread` 0; Meta was sent a read receipt for `lastInboundWamid` (if the contact ever wrote) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description no such conversation for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Conversations_getSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's history retention */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationSettings"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Conversations_putSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConversationSettings"];
            };
        };
        responses: {
            /** @description Applies from the next prune */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationSettings"];
                };
            };
            /** @description invalid query, cursor or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
            /** @description the key lacks the `conversations` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationError"];
                };
            };
        };
    };
    Forwarding_media_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_delete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_options: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_head: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_patch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_get_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_put_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_post_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_delete_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_options_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_head_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Forwarding_media_patch_v1_media_path: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Messages_list: {
        parameters: {
            query?: {
                status?: "scheduled" | "cancelled" | "accepted" | "rejected" | "retry-scheduled" | "sent" | "delivered" | "read" | "played" | "failed" | "dead-lettered";
                to?: string;
                since?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of messages, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Newest first */
                        data: {
                            /** @description Our message id (ULID); `messageId` in webhooks */
                            id: string;
                            phoneNumberId: string;
                            /** @description E.164 digits, when sent to a phone number */
                            to?: string;
                            /** @description Business-scoped user id, when sent to one */
                            recipient?: string;
                            type: string;
                            /** @enum {string} */
                            status: "scheduled" | "cancelled" | "accepted" | "rejected" | "retry-scheduled" | "sent" | "delivered" | "read" | "played" | "failed" | "dead-lettered";
                            /** @description Meta's message id, once sent */
                            wamid?: string;
                            error?: {
                                /** @description Error class (throttled, transient, auth, permanent, template, quality, compliance, unknown) */
                                class: string;
                                /** @description Meta's error code */
                                code?: number;
                                message: string;
                            };
                            metadata?: {
                                [key: string]: string;
                            };
                            /**
                             * Format: date-time
                             * @description Scheduled sends: when it goes out
                             */
                            sendAt?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            history: {
                                /** @enum {string} */
                                status: "scheduled" | "cancelled" | "accepted" | "rejected" | "retry-scheduled" | "sent" | "delivered" | "read" | "played" | "failed" | "dead-lettered";
                                /** Format: date-time */
                                at: string;
                                error?: {
                                    /** @description Error class (throttled, transient, auth, permanent, template, quality, compliance, unknown) */
                                    class: string;
                                    /** @description Meta's error code */
                                    code?: number;
                                    message: string;
                                };
                            }[];
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last */
                        nextCursor: string | null;
                    };
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Messages_send: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key + same body → same answer; other body → 409 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description One of your registered numbers */
                    phoneNumberId: string;
                    /** @description E.164 phone number (with or without +); `to` or `recipient` is required */
                    to?: string;
                    /** @description Business-scoped user id (BSUID, `CC.<alnum>`), Meta 2026 */
                    recipient?: string;
                    /** @enum {string} */
                    type: "text" | "image" | "audio" | "video" | "document" | "sticker" | "template" | "interactive" | "location" | "contacts" | "reaction";
                    text?: Record<string, unknown>;
                    image?: Record<string, unknown>;
                    audio?: Record<string, unknown>;
                    video?: Record<string, unknown>;
                    document?: Record<string, unknown>;
                    sticker?: Record<string, unknown>;
                    template?: Record<string, unknown>;
                    interactive?: Record<string, unknown>;
                    location?: Record<string, unknown>;
                    contacts?: Record<string, unknown>[];
                    reaction?: Record<string, unknown>;
                    context?: {
                        message_id?: string;
                    };
                    metadata?: {
                        [key: string]: string;
                    };
                    /**
                     * Format: date-time
                     * @description Send then (at most 30 days ahead, not in the past): the message is `scheduled`, listable with `status=scheduled` and cancellable with DELETE /v1/messages/{id} until it is released shortly before its time. A message other than a template scheduled for after the contact's 24 h window closes is refused (400 `outside_window_at_send_time`)
                     */
                    sendAt?: string;
                    campaignId?: string;
                };
            };
        };
        responses: {
            /** @description `scheduled` when `sendAt` is ahead (held until then, cancellable with DELETE), else `accepted` */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "accepted" | "scheduled";
                    };
                };
            };
            /** @description invalid body; `sendAt` in the past or more than 30 days ahead */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Messages_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message with its history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Our message id (ULID); `messageId` in webhooks */
                        id: string;
                        phoneNumberId: string;
                        /** @description E.164 digits, when sent to a phone number */
                        to?: string;
                        /** @description Business-scoped user id, when sent to one */
                        recipient?: string;
                        type: string;
                        /** @enum {string} */
                        status: "scheduled" | "cancelled" | "accepted" | "rejected" | "retry-scheduled" | "sent" | "delivered" | "read" | "played" | "failed" | "dead-lettered";
                        /** @description Meta's message id, once sent */
                        wamid?: string;
                        error?: {
                            /** @description Error class (throttled, transient, auth, permanent, template, quality, compliance, unknown) */
                            class: string;
                            /** @description Meta's error code */
                            code?: number;
                            message: string;
                        };
                        metadata?: {
                            [key: string]: string;
                        };
                        /**
                         * Format: date-time
                         * @description Scheduled sends: when it goes out
                         */
                        sendAt?: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        history: {
                            /** @enum {string} */
                            status: "scheduled" | "cancelled" | "accepted" | "rejected" | "retry-scheduled" | "sent" | "delivered" | "read" | "played" | "failed" | "dead-lettered";
                            /** Format: date-time */
                            at: string;
                            error?: {
                                /** @description Error class (throttled, transient, auth, permanent, template, quality, compliance, unknown) */
                                class: string;
                                /** @description Meta's error code */
                                code?: number;
                                message: string;
                            };
                        }[];
                    };
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Messages_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message, status `cancelled` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
            /** @description not scheduled (any more): already released to be sent, or never scheduled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Messages_markRead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                wamid: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MarkReadBody"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Credentials_listClients: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: {
                            clientId?: string;
                            name?: string;
                            scopes?: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
                            /** Format: date-time */
                            createdAt?: string;
                            /** Format: date-time */
                            revokedAt?: string | null;
                            /**
                             * Format: date-time
                             * @description while a rotated-out secret still works
                             */
                            previousSecretExpiresAt?: string | null;
                        }[];
                    };
                };
            };
        };
    };
    Credentials_createClient: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOAuthClientDto"];
            };
        };
        responses: {
            /** @description The client; its secret is shown once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clientId: string;
                        clientSecret: string;
                        name?: string;
                        scopes: ("messages:send" | "messages:read" | "contacts" | "media" | "webhooks" | "conversations" | "campaigns" | "admin")[];
                    };
                };
            };
            /** @description scopes beyond the caller's */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Credentials_revokeClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                clientId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked: no new tokens, and its live tokens are refused (within 5 s on other gateway instances) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Credentials_rotateSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                clientId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateDto"];
            };
        };
        responses: {
            /** @description A new secret, shown once; the old one works until previousSecretExpiresAt */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clientId?: string;
                        clientSecret?: string;
                        /** Format: date-time */
                        previousSecretExpiresAt?: string;
                    };
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Onboarding_embeddedSignup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmbeddedSignupDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignupResultDto"];
                };
            };
        };
    };
    Numbers_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: {
                            phoneNumberId: string;
                            displayPhoneNumber: string;
                            wabaId: string;
                            /**
                             * @description `paused` by an operator, or while Meta does not let the WABA send (see `blocked`)
                             * @enum {string}
                             */
                            status: "active" | "paused";
                            /**
                             * @description Meta's quality rating; null until Meta reported one
                             * @enum {string|null}
                             */
                            qualityRating?: "GREEN" | "YELLOW" | "RED" | "UNKNOWN" | "NA" | null;
                            /**
                             * @description Unique business-initiated users per 24 h (per business portfolio), from Meta
                             * @enum {string}
                             */
                            messagingTier: "50" | "250" | "1000" | "2000" | "10000" | "100000" | "unlimited";
                            /** @description Messages per second the number may send (80 standard, 1000 upgraded, at most 20 for coexistence) */
                            throughputMps: number;
                            /**
                             * @description Display-name review status
                             * @enum {string|null}
                             */
                            nameStatus?: "APPROVED" | "AVAILABLE_WITHOUT_REVIEW" | "DECLINED" | "EXPIRED" | "PENDING_REVIEW" | "NONE" | null;
                            /** @description WhatsApp Business app and Cloud API on one number */
                            coexistence: boolean;
                            /** @description False while Meta does not let the WABA send; sends answer 422 number_not_allowed */
                            maySend: boolean;
                            blocked?: {
                                /** @enum {string} */
                                reason?: "account_review_rejected" | "account_disabled" | "account_restricted";
                                /**
                                 * Format: date-time
                                 * @description when a restriction expires
                                 */
                                until?: string;
                            };
                            /** Format: date-time */
                            updatedAt?: string;
                        }[];
                    };
                };
            };
        };
    };
    Numbers_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        phoneNumberId: string;
                        displayPhoneNumber: string;
                        wabaId: string;
                        /**
                         * @description `paused` by an operator, or while Meta does not let the WABA send (see `blocked`)
                         * @enum {string}
                         */
                        status: "active" | "paused";
                        /**
                         * @description Meta's quality rating; null until Meta reported one
                         * @enum {string|null}
                         */
                        qualityRating?: "GREEN" | "YELLOW" | "RED" | "UNKNOWN" | "NA" | null;
                        /**
                         * @description Unique business-initiated users per 24 h (per business portfolio), from Meta
                         * @enum {string}
                         */
                        messagingTier: "50" | "250" | "1000" | "2000" | "10000" | "100000" | "unlimited";
                        /** @description Messages per second the number may send (80 standard, 1000 upgraded, at most 20 for coexistence) */
                        throughputMps: number;
                        /**
                         * @description Display-name review status
                         * @enum {string|null}
                         */
                        nameStatus?: "APPROVED" | "AVAILABLE_WITHOUT_REVIEW" | "DECLINED" | "EXPIRED" | "PENDING_REVIEW" | "NONE" | null;
                        /** @description WhatsApp Business app and Cloud API on one number */
                        coexistence: boolean;
                        /** @description False while Meta does not let the WABA send; sends answer 422 number_not_allowed */
                        maySend: boolean;
                        blocked?: {
                            /** @enum {string} */
                            reason?: "account_review_rejected" | "account_disabled" | "account_restricted";
                            /**
                             * Format: date-time
                             * @description when a restriction expires
                             */
                            until?: string;
                        };
                        /** Format: date-time */
                        updatedAt?: string;
                    };
                };
            };
            /** @description not a number of this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Onboarding_register: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PinDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationViewDto"];
                };
            };
        };
    };
    Onboarding_requestCode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RequestCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationViewDto"];
                };
            };
        };
    };
    Onboarding_twoStep: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PinDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationViewDto"];
                };
            };
        };
    };
    Onboarding_verifyCode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationViewDto"];
                };
            };
        };
    };
    RequestLogs_list: {
        parameters: {
            query?: {
                /** @description an exact status (404) or a class (4xx) */
                status?: string;
                /** @description a path prefix, e.g. /v1/messages */
                path?: string;
                since?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The calls, newest first; `nextCursor` pages on (null at the end). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            id: string;
                            /** Format: date-time */
                            at: string;
                            method: string;
                            /** @description The path with its query string (secrets in it redacted) */
                            path: string;
                            status: number;
                            latencyMs: number;
                            idempotencyKey?: string;
                            /** @description error.code of the answer (ours, or the Cloud API's number as text) */
                            errorCode?: string;
                            /** @description The JSON body with tokens and secrets replaced by "[redacted]"; above REQUEST_LOG_BODY_MAX_BYTES `{truncated: true, bytes, head}`. */
                            requestBody?: unknown;
                            /** @description The JSON body with tokens and secrets replaced by "[redacted]"; above REQUEST_LOG_BODY_MAX_BYTES `{truncated: true, bytes, head}`. */
                            responseBody?: unknown;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description A bad filter */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
            /** @description The credential lacks the admin scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error?: {
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
    };
    Templates_list: {
        parameters: {
            query?: {
                wabaId?: string;
                refresh?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Templates_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTemplateDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Templates_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    Templates_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookEndpoints_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the endpoints */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: components["schemas"]["WebhookEndpoint"][];
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookEndpoint"];
            };
        };
        responses: {
            /** @description the endpoint, with its secret */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhookEndpoint"];
                };
            };
            /** @description invalid body, query or path */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the tenant has the most endpoints allowed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the endpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookEndpoint"];
            };
        };
        responses: {
            /** @description the endpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description invalid body, query or path */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_deliveries: {
        parameters: {
            query?: {
                status?: "pending" | "delivered" | "dead";
                /** @description `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deliveries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data?: components["schemas"]["WebhookDelivery"][];
                        nextCursor?: string | null;
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_replay: {
        parameters: {
            query: {
                since: string;
                /** @description Now when absent */
                until?: string;
                /** @description Comma-separated event types; all when absent */
                types?: string;
            };
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description replay queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        endpointId?: string;
                        /** @description Deliveries queued */
                        queued?: number;
                        /** Format: date-time */
                        since?: string;
                        /** Format: date-time */
                        until?: string;
                    };
                };
            };
            /** @description invalid body, query or path */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_rotateSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the new secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id?: string;
                        /** @description Shown only here */
                        secret?: string;
                        /**
                         * Format: date-time
                         * @description Until then deliveries carry a signature by each secret
                         */
                        previousSecretValidUntil?: string | null;
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
    WebhookEndpoints_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The endpoint id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the attempt's outcome */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveryId?: string;
                        eventId?: string;
                        delivered?: boolean;
                        statusCode?: number | null;
                        latencyMs?: number;
                        error?: string | null;
                    };
                };
            };
            /** @description missing or invalid API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the key lacks the `webhooks` scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description no such endpoint for this tenant */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier is unavailable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
            /** @description the notifier did not answer in time */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointError"];
                };
            };
        };
    };
}

/** The gateway API version (info.version of the document); the package's major version. */
export const API_VERSION = "1";

/** Operations that take an Idempotency-Key header: the client sets one when the caller does not. */
export const IDEMPOTENCY_KEY_OPERATIONS: readonly string[] = ["POST /v1/conversations/{id}/messages","POST /v1/messages"];
