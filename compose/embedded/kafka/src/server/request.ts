// What every API handler receives and returns.
import type { Reader } from '../protocol/reader.ts';

export interface KafkaRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** remote address of the connection, for DescribeGroups */
  clientHost: string;
  /** positioned at the start of the request body */
  body: Reader;
}

/** Encoded response body (after the correlation id), or null for "send nothing" (acks = 0). */
export type HandlerResult = Buffer[] | null;

export type Handler = (req: KafkaRequest) => HandlerResult | Promise<HandlerResult>;
