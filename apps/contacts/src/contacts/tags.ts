export const MAX_TAGS = 50;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,63}$/u;

/** A reason the tag is refused, or undefined when it is fine. */
export function validateTag(tag: string): string | undefined {
  return TAG.test(tag) ? undefined : `"${tag.slice(0, 70)}" must be 1-64 letters, digits, space or . _ : / -, starting with a letter or digit`;
}
