import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { Auth } from "../src/auth/index.js";

/** A real HTTP server on 127.0.0.1 serving `auth.apiHandlers` under /api/auth, as a Next.js route would. */
export interface APIServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The better-auth client's `baseURL`. */
  baseURL: string;
  stop(): Promise<void>;
}

/**
 * Serves `auth.apiHandlers` over node:http: each request becomes a `Request` (its body streamed,
 * not buffered, so the body limit is exercised as in production), each `Response` is written
 * back with every `Set-Cookie`. Listens on 127.0.0.1 on a free port; `stop()` closes it.
 */
export async function startAPIServer(auth: Auth): Promise<APIServer> {
  const handlers = auth.apiHandlers;
  const server = createServer((incoming, outgoing) => {
    void respond(incoming, outgoing).catch((error: unknown) => {
      outgoing.statusCode = 599; // the harness failed: never mistaken for an answer of the package
      outgoing.end(String(error));
    });
  });
  async function respond(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}${incoming.url ?? "/"}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    const method = incoming.method ?? "GET";
    const hasBody = method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
    const request = new Request(url, {
      method,
      headers,
      ...(hasBody && { body: Readable.toWeb(incoming) as ReadableStream, duplex: "half" }),
    } as RequestInit);
    const handler = method === "OPTIONS" ? handlers.OPTIONS : method === "POST" ? handlers.POST : handlers.GET;
    const response = await handler(request);
    outgoing.statusCode = response.status;
    for (const [name, value] of response.headers) if (name !== "set-cookie") outgoing.setHeader(name, value);
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) outgoing.setHeader("set-cookie", cookies);
    // A body refused before it was read (413) leaves the socket mid-request: not reusable.
    if (hasBody && !incoming.complete) outgoing.setHeader("connection", "close");
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  }
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/api/auth`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A cookie as the jar keeps it, with the attributes it was set with. */
export interface JarCookie {
  value: string;
  attributes: Record<string, string | true>;
}

/**
 * What a browser does with cookies and origins, for a `fetch`-based client: keeps the cookies the
 * responses set (drops expired ones), sends them back, and sends `Origin` on every request from
 * `origin` (as browsers do on non-GET requests and on every CORS request).
 */
export class CookieJar {
  readonly cookies = new Map<string, JarCookie>();

  constructor(readonly origin: string | null) {}

  header(): string {
    return [...this.cookies].map(([name, { value }]) => `${name}=${value}`).join("; ");
  }

  /** A `fetch` with this jar, for better-auth's `fetchOptions.customFetchImpl`. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (this.cookies.size > 0) headers.set("cookie", this.header());
    if (this.origin) headers.set("origin", this.origin);
    const response = await fetch(new Request(request, { headers }));
    this.store(response);
    return response;
  };

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...rest] = header.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const attributes: Record<string, string | true> = {};
      for (const part of rest) {
        const [key = "", ...values] = part.trim().split("=");
        attributes[key.toLowerCase()] = values.length > 0 ? values.join("=") : true;
      }
      const maxAge = attributes["max-age"];
      const expires = attributes.expires;
      const expired =
        (typeof maxAge === "string" && Number(maxAge) <= 0) ||
        (typeof expires === "string" && new Date(expires).getTime() <= Date.now());
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes });
    }
  }
}

/** A raw JSON request to the API, with optional extra headers. */
export function post(
  server: APIServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
