export {
  peerTags,
  serverPeer,
  urlPeer,
  clientTags,
  startClientCall,
  errorForSpan,
  recordClientError,
  endClientSpan,
  ClientCall,
  truncateStatement,
  DEFAULT_MAX_ERROR_MESSAGE_LENGTH,
  type Peer,
  type ServerEndpoint,
  type ErrorRecording,
  type TruncateOptions,
} from './client';
export { maskSql, statementName, StatementCache, type SqlOptions } from './sql';
export { maskSqlErrorMessage } from './sql-errors';
export type { SqlDialectName } from './sql-dialects';
