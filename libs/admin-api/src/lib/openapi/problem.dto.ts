import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemItemDto {
  @ApiProperty({ example: 'matchBy must be one of the following values: identifier, email, username' }) detail!: string;
  @ApiPropertyOptional({ description: 'the field (request field, or the file column\'s field) at fault', example: 'matchBy' }) field?: string;
  @ApiPropertyOptional({ description: 'spreadsheet row number (header = 1) of a rejected row', example: 2 }) row?: number;
}

/** RFC 9457 problem details, the body of every error (`application/problem+json`). */
export class ProblemDto {
  @ApiProperty({
    description:
      'stable problem type: https://dirsync.dev/problems/ + validation | unauthorized | forbidden | not-found | conflict | payload-too-large | import-failed | too-many-requests | unavailable | internal',
    example: 'https://dirsync.dev/problems/not-found',
  })
  type!: string;
  @ApiProperty({ example: 'Not found' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiProperty({ example: 'no import with id 42' }) detail!: string;
  @ApiPropertyOptional({ description: 'row of the first item in errors (row errors)' }) row?: number;
  @ApiPropertyOptional({ description: 'field of the first item in errors' }) field?: string;
  @ApiPropertyOptional({ type: [ProblemItemDto], description: 'every invalid field or rejected row' }) errors?: ProblemItemDto[];
  @ApiPropertyOptional({ description: 'the import a failed upload created (import-failed)' }) importId?: string;
}
