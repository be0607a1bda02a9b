import { GraphError } from './graph-error';

/** Graph path that is not a Graph object of this kind, as Meta answers it (code 100, subcode 33). */
export function unknownObject(id: string, method: 'get' | 'post' | 'delete'): GraphError {
  return new GraphError(100, {
    subcode: 33,
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    details: `Object with ID '${id}' does not exist.`,
  });
}

export function invalidToken(): GraphError {
  return new GraphError(190, { details: 'The access token is missing, malformed or not valid for this object.' });
}

const VERSION = /^v\d+\.\d+$/;

export function checkVersion(version: string): void {
  if (!VERSION.test(version)) {
    throw new GraphError(2500, { message: `Unknown path components: /${version.slice(0, 40)}`, details: 'The version segment must look like v23.0.' });
  }
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
