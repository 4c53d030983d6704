/**
 * @module raw-socket
 * A hand-made WebSocket client over a plain TCP socket, for frames a well-behaved client
 * library refuses to send (invalid close codes) and for raw handshake checks.
 */
import { randomBytes } from "node:crypto";
import { connect as tcpConnect, type Socket } from "node:net";
import { withTimeout, DEFAULT_WAIT_MS } from "./clients";

export interface RawSocket {
  socket: Socket;
  /** Bytes received after the HTTP response head. */
  frames(): Buffer;
  responseHead: string;
  send(frame: Buffer): void;
  /** Resolves with the first close frame the server sent: code and reason. */
  waitForCloseFrame(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  destroy(): void;
}

const OPCODE_CLOSE = 0x8;

/** A masked client frame (RFC 6455 §5.2) with FIN set. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
  else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, mask, masked]);
}

export function closeFrame(code: number, reason = ""): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return clientFrame(OPCODE_CLOSE, payload);
}

/** Opens TCP, sends an upgrade request with `headers`, and resolves once the response head arrived. */
export async function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const socket = tcpConnect(port, "127.0.0.1");
  const allHeaders: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
    "Sec-WebSocket-Version": "13",
    ...headers,
  };
  const request = `GET ${path} HTTP/1.1\r\n${Object.entries(allHeaders).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n`;
  let buffer = Buffer.alloc(0);
  let headEnd = -1;
  const listeners: Array<() => void> = [];
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (const wake of listeners.splice(0)) wake();
  });
  socket.on("close", () => {
    for (const wake of listeners.splice(0)) wake();
  });
  socket.write(request);
  const waitFor = async (ready: () => boolean, what: string, timeoutMs: number) => {
    while (!ready()) {
      if (socket.destroyed) throw new Error(`socket closed while waiting: ${what}`);
      await withTimeout(new Promise<void>((wake) => listeners.push(wake)), timeoutMs, what);
    }
  };
  await waitFor(() => (headEnd = buffer.indexOf("\r\n\r\n")) >= 0, "HTTP response head", DEFAULT_WAIT_MS);
  const responseHead = buffer.subarray(0, headEnd).toString("latin1");
  const bodyStart = headEnd + 4;
  const frames = () => buffer.subarray(bodyStart);
  return {
    socket,
    responseHead,
    frames,
    send: (frame) => socket.write(frame),
    async waitForCloseFrame(timeoutMs = DEFAULT_WAIT_MS) {
      let found: { code: number; reason: string } | undefined;
      const scan = () => {
        let data = frames();
        while (data.length >= 2) {
          const opcode = data[0]! & 0x0f;
          let length = data[1]! & 0x7f;
          let offset = 2;
          if (length === 126) {
            if (data.length < 4) return false;
            length = data.readUInt16BE(2);
            offset = 4;
          } else if (length === 127) {
            if (data.length < 10) return false;
            length = Number(data.readBigUInt64BE(2));
            offset = 10;
          }
          if (data.length < offset + length) return false;
          if (opcode === OPCODE_CLOSE) {
            const payload = data.subarray(offset, offset + length);
            found = payload.length >= 2 ? { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString("utf8") } : { code: 1005, reason: "" };
            return true;
          }
          data = data.subarray(offset + length);
        }
        return false;
      };
      await waitFor(scan, "a close frame from the server", timeoutMs);
      return found!;
    },
    destroy: () => socket.destroy(),
  };
}
