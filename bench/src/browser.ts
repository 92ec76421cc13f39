/** Where every simulated request goes; nothing listens there, handlers are called directly. */
export const ORIGIN = "http://localhost:3000";

/** A route handler as Next mounts it: Request (a NextRequest for next-auth) in, Response out. */
export type Handler = (request: never) => Promise<Response>;

/** The GET and POST handlers of an auth route. */
export interface Handlers {
  GET: Handler;
  POST: Handler;
}

/**
 * A browser talking to real Auth.js route handlers: it keeps the cookies responses set and sends
 * them back. Each new instance is a new visitor (empty cookie jar) from its own address.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly handlers: Handlers,
    readonly ip = "203.0.113.7",
    readonly userAgent = "bench-browser/1.0",
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  request(method: "GET" | "POST", path: string, form?: Record<string, string>): Request {
    const headers = new Headers({ "x-forwarded-for": this.ip, "user-agent": this.userAgent });
    if (this.cookies.size > 0) headers.set("cookie", this.cookieHeader());
    let body: string | undefined;
    if (form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(form).toString();
    }
    return new Request(`${ORIGIN}${path}`, { method, headers, body });
  }

  async send(method: "GET" | "POST", path: string, form?: Record<string, string>): Promise<Response> {
    const request = this.request(method, path, form);
    // next-auth types its handlers for NextRequest; at run time they read only what Request has.
    const handler = method === "GET" ? this.handlers.GET : this.handlers.POST;
    const response = await handler(request as never);
    for (const header of response.headers.getSetCookie()) this.store(header);
    return response;
  }

  private store(header: string): void {
    const [pair = ""] = header.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const cleared = /;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(header);
    if (cleared || value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** The full credentials sign-in of Auth.js's own form: GET /csrf, then POST /callback/credentials. */
  async signIn(email: string, password: string): Promise<Response> {
    const csrf = await this.send("GET", "/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    return this.send("POST", "/api/auth/callback/credentials", {
      csrfToken,
      email,
      password,
      callbackUrl: `${ORIGIN}/dashboard`,
    });
  }
}

/** A distinct client address per call, so per-IP limits see many visitors rather than one. */
export function addressFactory(prefix: number): () => string {
  let next = 0;
  return () => {
    next++;
    return `${prefix}.${(next >> 16) & 255}.${(next >> 8) & 255}.${next & 255}`;
  };
}
