/**
 * @module tcp-proxy
 * A TCP proxy (node:net) between a client and the gateway that breaks links on purpose: cut
 * every connection (the client sees 1006), silence them (stop forwarding without closing, as a
 * dead NAT or a half-open link does), drop only what the gateway sends (acks get lost), or refuse
 * new connections (the client is offline). Counts the connections it accepted.
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from "node:net";

interface Link {
  client: Socket;
  upstream: Socket;
  /** Nothing is forwarded either way; both sockets stay open. */
  silent: boolean;
  /** Client → gateway is forwarded, gateway → client is dropped. */
  dropDownstream: boolean;
}

export interface TcpProxy {
  port: number;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  /** Connections accepted so far, refused ones included. */
  readonly accepted: number;
  /** Links currently open. */
  readonly open: number;
  /** Destroys every link that is not silent (silent ones too with `includeSilent`); returns how many. */
  cutAll(options?: { includeSilent?: boolean }): number;
  /** Stops forwarding on every current link without closing it. */
  silenceAll(): number;
  /** Drops everything the gateway sends on every current link. */
  dropDownstreamAll(): number;
  /** While true, new connections are destroyed at once (the gateway looks unreachable). */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const links = new Set<Link>();
  let accepted = 0;
  let refusing = false;

  const server: Server = createServer((client) => {
    accepted++;
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(targetPort, targetHost);
    const link: Link = { client, upstream, silent: false, dropDownstream: false };
    links.add(link);
    const teardown = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk) => {
      if (!link.silent) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!link.silent && !link.dropDownstream) client.write(chunk);
    });
    // A silent link must not end when one side does: that is the point of being silent.
    for (const socket of [client, upstream]) {
      socket.on("error", teardown);
      socket.on("close", () => {
        if (!link.silent) teardown();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const destroy = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  };

  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get open() {
      return links.size;
    },
    cutAll(options = {}) {
      let count = 0;
      for (const link of [...links]) {
        if (link.silent && !options.includeSilent) continue;
        destroy(link);
        count++;
      }
      return count;
    },
    silenceAll() {
      for (const link of links) link.silent = true;
      return links.size;
    },
    dropDownstreamAll() {
      for (const link of links) link.dropDownstream = true;
      return links.size;
    },
    refuse(value) {
      refusing = value;
    },
    async close() {
      for (const link of [...links]) destroy(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
