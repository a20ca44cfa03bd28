export * from './lib/vsftpd';
