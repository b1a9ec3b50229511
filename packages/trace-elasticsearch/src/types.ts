/** Options of `patch()`. */
export interface ElasticsearchInstrumentationOptions {
  /**
   * Longest `db.statement` recorded, in characters; longer bodies are cut and end with `...`.
   * 0 records no statement at all. Default 4096.
   */
  maxStatementLength?: number;
  /**
   * Record the bodies of document-writing APIs (index, create, update, bulk) and of every other API
   * whose body is not a query. Off by default: documents often hold personal data.
   */
  recordDocumentBodies?: boolean;
}

export interface ResolvedOptions {
  maxStatementLength: number;
  recordDocumentBodies: boolean;
}

/** What `Transport.prototype.request` receives as its first argument (all majors). */
export interface TransportRequestParams {
  method?: string;
  path?: string;
  querystring?: Record<string, unknown> | string | null;
  body?: unknown;
  bulkBody?: unknown;
  /** Clients 8 and 9: the API called (`search`, `indices.create`) and its path parameters. */
  meta?: { name?: string; pathParts?: Record<string, unknown> };
}

/** Clients 8/9 request options that matter to tracing. */
export interface TransportRequestOptions {
  querystring?: Record<string, unknown>;
}

/** The transport's result (`meta: true` in 8/9, always in 7), also found as `error.meta`. */
export interface TransportResult {
  statusCode?: number | null;
  meta?: { connection?: { url?: URL } | null };
}

/** One traced call in flight (clients 8/9): filled by the diagnostic events the transport emits. */
export interface CallRecord {
  result: TransportResult | undefined;
}
