import http from 'node:http';

/**
 * A minimal keep-alive HTTP client on node:http (lighter than fetch/undici, so the client's own
 * cost weighs less in the latency): one request at a time per socket, body read in full.
 */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly token: string,
    sockets = 1,
  ) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string; ms: number }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const h: Record<string, string> = { authorization: `Bearer ${this.token}`, ...headers };
    if (payload) {
      h['content-type'] = 'application/json';
      h['content-length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const req = http.request({ host: this.host, port: this.port, method, path, agent: this.agent, headers: h }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
