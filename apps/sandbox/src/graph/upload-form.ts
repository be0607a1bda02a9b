import type { FastifyRequest } from 'fastify';
import '@fastify/multipart';
import { GraphError } from '../common/graph-error';
import { UploadForm } from './media.service';

/**
 * Reads Meta's multipart upload form (`file`, `messaging_product`, `type`). The multipart
 * plugin's limits (one file, a few fields, the body limit) bound what is read.
 */
export async function readUploadForm(req: FastifyRequest): Promise<UploadForm> {
  if (!req.isMultipart()) throw new GraphError(100, { details: 'Param file must be a file sent as multipart/form-data.' });
  const form: UploadForm = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      if (part.fieldname === 'file') form.file = { mimeType: part.mimetype, bytes };
    } else if (typeof part.value === 'string') {
      if (part.fieldname === 'messaging_product') form.messagingProduct = part.value;
      if (part.fieldname === 'type') form.type = part.value;
    }
  }
  return form;
}
