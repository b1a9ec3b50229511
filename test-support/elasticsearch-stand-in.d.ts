export interface StandInRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}
export interface StandIn {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: StandInRequest[];
  close(): Promise<void>;
}
/** A local Elasticsearch stand-in (see elasticsearch-stand-in.js). */
export function startStandIn(options?: { port?: number }): Promise<StandIn>;
