import { BadRequestException } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString } from 'class-validator';
import { delimiterNamed, ENCODINGS, FORMATS, MATCH_KEYS, type ImportOptions, type MatchBy } from '@dirsync/domain';

/** Multipart fields arrive as strings: "true"/"false" become booleans, anything else is refused. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** The mapping field is a JSON object of "header in the file": "field" pairs. */
const toMapping = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new BadRequestException('mapping must be a JSON object of "header": "field" pairs');
  }
};

/** Import options sent as fields beside the uploaded file; the same choices as the CLI's flags. */
export class UploadOptionsDto {
  @IsOptional()
  @IsIn(MATCH_KEYS)
  matchBy?: MatchBy;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  updateExisting?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  activateDeleted?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  disableMissing?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  createDraft?: boolean;

  @IsOptional()
  @IsString()
  domain?: string;

  @IsOptional()
  @IsString()
  defaultLanguage?: string;

  @IsOptional()
  @IsIn(FORMATS)
  format?: ImportOptions['format'];

  @IsOptional()
  @IsIn(ENCODINGS)
  encoding?: ImportOptions['encoding'];

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? (delimiterNamed(value) ?? value) : value))
  @IsIn([',', ';', '\t'])
  delimiter?: ImportOptions['delimiter'];

  @IsOptional()
  @Transform(toMapping)
  @IsObject()
  mapping?: Record<string, string>;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  dryRun?: boolean;

  toImportOptions(): Partial<ImportOptions> {
    const { matchBy, updateExisting, activateDeleted, disableMissing, createDraft, domain, defaultLanguage, format, encoding, delimiter, mapping, dryRun } = this;
    return { matchBy, updateExisting, activateDeleted, disableMissing, createDraft, domain, defaultLanguage, format, encoding, delimiter, mapping, dryRun };
  }
}

/** Body of POST /api/imports/:id/reject. */
export class RejectImportDto {
  @IsOptional()
  @IsString()
  reason?: string;
}
