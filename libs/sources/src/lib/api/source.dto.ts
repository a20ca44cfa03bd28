import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { ENCODINGS, FORMATS, MATCH_KEYS, type ImportOptions, type MatchBy } from '@dirsync/domain';
import { IsHeaderMapping } from '@dirsync/transformation';
import { TLS_MODES, type TlsMode } from '../model/source';
import { cronVerdict } from '../runs/cron-schedule';

// FTP is a line protocol: a CR or LF in a user, password or path would smuggle in another command.
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const noControlCharacters = (field: string) => Matches(NO_CONTROL_CHARACTERS, { message: `${field} must not contain control characters (line breaks, tabs)` });

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A decorator for one rule with a fixed message. */
const rule =
  (name: string, validate: (value: unknown) => boolean, message: string) =>
  (options?: ValidationOptions): PropertyDecorator =>
    ValidateBy({ name, validator: { validate, defaultMessage: () => message } }, options);

/** A host name or an IP address: no scheme, no port, no path. */
const IsHost = rule(
  'isHost',
  (value) => typeof value === 'string' && (isIP(value) !== 0 || HOST_NAME.test(value)),
  'host must be a host name or an IP address, without scheme or port (e.g. ftp.example.com)',
);

/** An absolute path as the FTP server shows it: `/dir/file.csv`. */
const IsRemoteFilePath = rule(
  'isRemoteFilePath',
  (value) => typeof value === 'string' && value.startsWith('/') && !value.endsWith('/') && value.length > 1,
  'remotePath must be the absolute path of a file as the FTP server shows it, e.g. /imports/users.csv (FTP paths start with /, also on Windows servers)',
);

/** PEM text of one or more certificates that Node can parse. */
export function pemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

const IsPemCertificate = rule(
  'isPemCertificate',
  (value) => {
    if (typeof value !== 'string') return false;
    try {
      return pemCertificates(value).length > 0;
    } catch {
      return false;
    }
  },
  'caCertificate must be PEM certificate text (-----BEGIN CERTIFICATE----- …), the CA or the server certificate to trust',
);

const CRON_FORMAT = '"minute hour day month weekday", optionally seconds first, e.g. "0 6 * * *"';

const neverFires = (value: unknown): boolean => {
  if (typeof value !== 'string' || value.length > 120) return false;
  const verdict = cronVerdict(value);
  return !verdict.ok && verdict.problem === 'never-fires';
};

/** A cron expression that parses and fires at some date: a schedule that never fires would stop the scheduler. */
const IsCron = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCron',
      validator: {
        validate: (value) => typeof value === 'string' && value.length <= 120 && cronVerdict(value).ok,
        defaultMessage: (args?: ValidationArguments) =>
          neverFires(args?.value)
            ? `schedule "${args?.value}" never fires (a date that does not exist, e.g. 31 February): give one that does, or null`
            : `schedule must be a cron expression (${CRON_FORMAT}) or null`,
      },
    },
    options,
  );

/** Validates only when the field is present; null is refused (for fields that cannot be cleared). */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

/** The import options a source's runs use; unset fields take the defaults. */
export class SourceImportOptionsDto {
  @ApiPropertyOptional({ enum: MATCH_KEYS, description: 'how rows find existing users' })
  @IfPresent() @IsIn(MATCH_KEYS) matchBy?: MatchBy;
  @ApiPropertyOptional({ type: Boolean, description: 'update users that exist (default true)' })
  @IfPresent() @IsBoolean() updateExisting?: boolean;
  @ApiPropertyOptional({ type: Boolean, description: 'restore deleted users the file names' })
  @IfPresent() @IsBoolean() activateDeleted?: boolean;
  @ApiPropertyOptional({ type: Boolean, description: 'disable users the file does not name' })
  @IfPresent() @IsBoolean() disableMissing?: boolean;
  @ApiPropertyOptional({ type: Boolean, description: 'create new users as Draft' })
  @IfPresent() @IsBoolean() createDraft?: boolean;
  @ApiPropertyOptional({ type: String, maxLength: 253, description: 'domain appended to identifiers without one' })
  @IfPresent() @IsString() @MaxLength(253) domain?: string;
  @ApiPropertyOptional({ type: String, maxLength: 35, description: 'language of users without one' })
  @IfPresent() @IsString() @MaxLength(35) defaultLanguage?: string;
  @ApiPropertyOptional({ enum: FORMATS, description: 'file format (default: from the file name, .xml is XML, else CSV)' })
  @IfPresent() @IsIn(FORMATS) format?: ImportOptions['format'];
  @ApiPropertyOptional({ enum: ENCODINGS, description: 'text encoding (default: detected)' })
  @IfPresent() @IsIn(ENCODINGS) encoding?: ImportOptions['encoding'];
  @ApiPropertyOptional({ enum: [',', ';', '\t'], description: 'CSV delimiter (default: detected)' })
  @IfPresent() @IsIn([',', ';', '\t']) delimiter?: ImportOptions['delimiter'];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: '"header in the file": "field" pairs' })
  @IfPresent() @IsHeaderMapping() mapping?: Record<string, string>;
  @ApiPropertyOptional({ type: Boolean, description: 'runs only plan, change nothing' })
  @IfPresent() @IsBoolean() dryRun?: boolean;
}

/** What reaches the file: the fields a check needs (an unsaved check sends just these). */
export class FtpEndpointDto {
  @ApiProperty({ type: String, description: 'host name or IP address, without scheme or port', example: 'ftp.example.com' })
  @IsHost() host!: string;

  /** Default: 990 for implicit TLS, else 21. */
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 65535, description: 'default: 990 for implicit TLS, else 21' })
  @IfPresent() @IsInt() @Min(1) @Max(65535) port?: number;

  @IsIn(TLS_MODES, { message: `tls must be one of ${TLS_MODES.join(', ')} ("explicit" is FTPS with AUTH TLS, usually on port 21)` })
  @ApiProperty({ enum: TLS_MODES, description: 'explicit (FTPS with AUTH TLS), implicit (FTPS on 990) or none' })
  tls!: TlsMode;

  @ApiProperty({ type: String, minLength: 1, maxLength: 255 })
  @IsString() @MinLength(1) @MaxLength(255) @noControlCharacters('user') user!: string;

  /** Write-only: stored sealed, never returned. */
  @ApiPropertyOptional({ type: String, maxLength: 1024, writeOnly: true, description: 'write-only: stored encrypted, never returned' })
  @IfPresent() @IsString() @MaxLength(1024) @noControlCharacters('password') password?: string;

  @ApiProperty({ type: String, maxLength: 1024, description: 'absolute path of the file on the server', example: '/imports/users.csv' })
  @IsString() @MaxLength(1024) @IsRemoteFilePath() @noControlCharacters('remotePath') remotePath!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'PEM of the CA or server certificate to trust (null clears)' })
  @IsOptional() @IsString() @MaxLength(65536) @IsPemCertificate() caCertificate?: string | null;
}

export class CreateSourceDto extends FtpEndpointDto {
  @ApiProperty({ type: String, minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200) @noControlCharacters('name') name!: string;

  @ApiPropertyOptional({ type: () => SourceImportOptionsDto })
  @IfPresent() @IsObject() @ValidateNested() @Type(() => SourceImportOptionsDto) importOptions?: SourceImportOptionsDto;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'cron expression, e.g. "0 6 * * *" (null: no schedule)' })
  @IsOptional() @IsCron() schedule?: string | null;

  /** Whether the schedule fires (default true). Manual runs work either way. */
  @ApiPropertyOptional({ type: Boolean, description: 'whether the schedule fires (default true)' })
  @IfPresent() @IsBoolean() enabled?: boolean;
}

/** Every field optional: what is absent is kept (the password too). null clears caCertificate or schedule. */
export class UpdateSourceDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 200 })
  @IfPresent() @IsString() @MinLength(1) @MaxLength(200) @noControlCharacters('name') name?: string;
  @ApiPropertyOptional({ type: String, description: 'host name or IP address, without scheme or port', example: 'ftp.example.com' })
  @IfPresent() @IsHost() host?: string;
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 65535, description: 'default: 990 for implicit TLS, else 21' })
  @IfPresent() @IsInt() @Min(1) @Max(65535) port?: number;
  @ApiPropertyOptional({ enum: TLS_MODES, description: 'explicit (FTPS with AUTH TLS), implicit (FTPS on 990) or none' })
  @IfPresent() @IsIn(TLS_MODES, { message: `tls must be one of ${TLS_MODES.join(', ')}` }) tls?: TlsMode;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 255 })
  @IfPresent() @IsString() @MinLength(1) @MaxLength(255) @noControlCharacters('user') user?: string;
  @ApiPropertyOptional({ type: String, maxLength: 1024, writeOnly: true, description: 'write-only: stored encrypted, never returned' })
  @IfPresent() @IsString() @MaxLength(1024) @noControlCharacters('password') password?: string;
  @ApiPropertyOptional({ type: String, maxLength: 1024, description: 'absolute path of the file on the server', example: '/imports/users.csv' })
  @IfPresent() @IsString() @MaxLength(1024) @IsRemoteFilePath() @noControlCharacters('remotePath') remotePath?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'PEM of the CA or server certificate to trust (null clears)' })
  @IsOptional() @IsString() @MaxLength(65536) @IsPemCertificate() caCertificate?: string | null;
  @ApiPropertyOptional({ type: () => SourceImportOptionsDto })
  @IfPresent() @IsObject() @ValidateNested() @Type(() => SourceImportOptionsDto) importOptions?: SourceImportOptionsDto;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'cron expression, e.g. "0 6 * * *" (null: no schedule)' })
  @IsOptional() @IsCron() schedule?: string | null;
  @ApiPropertyOptional({ type: Boolean, description: 'whether the schedule fires (default true)' })
  @IfPresent() @IsBoolean() enabled?: boolean;
}

/** Keeps only the options that were given (a DTO instance carries no undefined keys into events). */
export function importOptionsFrom(dto: SourceImportOptionsDto | undefined): Partial<ImportOptions> {
  return Object.fromEntries(Object.entries({ ...(dto ?? {}) }).filter(([, value]) => value !== undefined)) as Partial<ImportOptions>;
}
