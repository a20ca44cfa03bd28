export * from './lib/sources.module';
export * from './lib/sources.options';
export * from './lib/sources.service';
export * from './lib/model/source';
export * from './lib/ftp/endpoint';
export { checkConnection } from './lib/ftp/connection-check';
export { CreateSourceDto, UpdateSourceDto, FtpEndpointDto, SourceImportOptionsDto } from './lib/api/source.dto';
