import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { MATCH_KEYS, type ImportOptions, type MatchBy } from '@dirsync/domain';

/** Multipart fields arrive as strings: "true"/"false" become booleans, anything else is refused. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Import options sent as fields beside the uploaded file. */
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
  dryRun?: boolean;

  toImportOptions(): Partial<ImportOptions> {
    return { matchBy: this.matchBy, updateExisting: this.updateExisting, dryRun: this.dryRun };
  }
}
