export { signWebhookBody, verifyWebhookSignature } from './signature';
