import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';

/** Thrown when a request body cannot become a GraphQL request; carries the HTTP status to answer with. */
export class BadRequestBodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BadRequestBodyError';
  }
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BadRequestBodyError(`request body larger than ${limitBytes} bytes`, 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

/**
 * Converts a Node request into Apollo Server's transport-neutral request, the documented way of
 * running Apollo Server under a custom HTTP integration. JSON bodies are parsed here; any other
 * body is passed as text so Apollo answers with its own content-type / CSRF errors.
 */
export async function toHTTPGraphQLRequest(req: IncomingMessage, url: URL, bodyLimitBytes: number): Promise<HTTPGraphQLRequest> {
  const method = (req.method ?? 'GET').toUpperCase();
  return fromBodyText(req, url, method === 'POST' ? await readBody(req, bodyLimitBytes) : undefined);
}

/** The same conversion for a body already read (e.g. to check a signature over its bytes first). */
export function fromBodyText(req: IncomingMessage, url: URL, text: string | undefined): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown;
  if (method === 'POST' && text !== undefined) {
    if (isJson(req.headers['content-type']) && text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new BadRequestBodyError('request body is not valid JSON', 400);
      }
    } else {
      body = text;
    }
  }
  return { method, headers, search: url.search, body };
}

/** Writes Apollo's response, streaming it when it is incremental (@defer). */
export async function writeHTTPGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    // Encoded once: with a string, Node measures its byte length for Content-Length and then
    // encodes it again to write it (a large answer pays twice).
    res.end(Buffer.from(response.body.string));
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
