import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { delimiterNamed, ENCODINGS, FORMATS, MATCH_KEYS, type ImportOptions, type MatchBy } from '@dirsync/domain';
import { IsHeaderMapping } from '@dirsync/transformation';
import { toBoolean } from '@dirsync/api-common';

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
  @ApiPropertyOptional({ enum: MATCH_KEYS, description: 'how rows find existing users (default: identifier when the file has one, else email)' })
  @IsIn(MATCH_KEYS)
  matchBy?: MatchBy;

  @IsOptional()
  @ApiPropertyOptional({ type: Boolean, description: 'update users that exist (default true)' })
  @Transform(toBoolean)
  @IsBoolean()
  updateExisting?: boolean;

  @IsOptional()
  @ApiPropertyOptional({ type: Boolean, description: 'restore deleted users the file names (default false)' })
  @Transform(toBoolean)
  @IsBoolean()
  activateDeleted?: boolean;

  @IsOptional()
  @ApiPropertyOptional({ type: Boolean, description: 'disable users the file does not name (default false)' })
  @Transform(toBoolean)
  @IsBoolean()
  disableMissing?: boolean;

  @IsOptional()
  @ApiPropertyOptional({ type: Boolean, description: 'create new users with status Draft (default false)' })
  @Transform(toBoolean)
  @IsBoolean()
  createDraft?: boolean;

  @IsOptional()
  @ApiPropertyOptional({ type: String, description: 'domain appended to identifiers without one, e.g. corp.example' })
  @IsString()
  domain?: string;

  @IsOptional()
  @ApiPropertyOptional({ type: String, description: 'language of users without one (default ETL_DEFAULT_LANGUAGE)' })
  @IsString()
  defaultLanguage?: string;

  @IsOptional()
  @ApiPropertyOptional({ enum: FORMATS, description: 'file format (default: from the file name, .xml is XML, else CSV)' })
  @IsIn(FORMATS)
  format?: ImportOptions['format'];

  @IsOptional()
  @ApiPropertyOptional({ enum: ENCODINGS, description: 'text encoding (default: detected)' })
  @IsIn(ENCODINGS)
  encoding?: ImportOptions['encoding'];

  @IsOptional()
  @ApiPropertyOptional({ type: String, description: 'CSV delimiter: comma, semicolon, tab (or the character); default detected' })
  @Transform(({ value }) => (typeof value === 'string' ? (delimiterNamed(value) ?? value) : value))
  @IsIn([',', ';', '\t'])
  delimiter?: ImportOptions['delimiter'];

  @IsOptional()
  @ApiPropertyOptional({ type: String, description: 'JSON object of "header in the file": "field" pairs', example: '{"Mail":"email"}' })
  @Transform(toMapping)
  @IsHeaderMapping()
  mapping?: Record<string, string>;

  @IsOptional()
  @ApiPropertyOptional({ type: Boolean, description: 'plan only, change nothing (default false)' })
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
  @ApiPropertyOptional({ type: String, description: 'why the import is rejected' })
  @IsString()
  reason?: string;
}
