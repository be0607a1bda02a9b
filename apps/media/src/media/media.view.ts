import { MediaRow } from './media.repository';

export function mediaView(m: MediaRow) {
  return {
    id: m.id,
    phoneNumberId: m.phoneNumberId,
    direction: m.direction,
    mimeType: m.mimeType,
    size: m.size,
    sha256: m.sha256,
    ...(m.filename ? { filename: m.filename } : {}),
    ...(m.metaMediaId ? { metaMediaId: m.metaMediaId } : {}),
    ...(m.wamid ? { wamid: m.wamid } : {}),
    createdAt: new Date(m.createdAt).toISOString(),
  };
}
