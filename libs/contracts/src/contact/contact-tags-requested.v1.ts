import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { registerContract } from '../topic';

export const CONTACT_TAGS_REQUESTED_V1 = { topic: 'wa.contact.tags.requested.v1', version: 1, key: '<tenantId>:<phoneNumberId>:<waId ?? userId>' } as const;

/** A contact tag as the contacts service accepts it: 1-64 letters, digits, space or `. _ : / -`, starting with a letter or digit. */
export const CONTACT_TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,63}$/u;

/**
 * A command to the contacts service, the owner of tags: add `tags` to one contact of a number
 * (created if it is not known yet). Produced by the conversations service's automations
 * (ADR 0133). Idempotent (a tag set is a union). Key: `<tenantId>:<phoneNumberId>:<waId ?? userId>`.
 */
export class ContactTagsRequestedV1 {
  @IsString() @Length(1, 64) tenantId!: string;
  @IsString() @Matches(/^\d{1,32}$/) phoneNumberId!: string;
  @IsOptional() @IsString() @Length(1, 64) waId?: string;
  @IsOptional() @IsString() @Length(1, 128) userId?: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(CONTACT_TAG_PATTERN, { each: true }) tags!: string[];
  @IsIn(['automation']) source!: 'automation';
  /** The automation rule and the inbound message that asked for it. */
  @IsOptional() @IsString() @Length(1, 64) ruleId?: string;
  @IsOptional() @IsString() @Length(1, 512) wamid?: string;
  @IsISO8601() requestedAt!: string;
}
registerContract(CONTACT_TAGS_REQUESTED_V1, ContactTagsRequestedV1);
