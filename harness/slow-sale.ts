import { request } from "node:http";

/**
 * `POST /api/tickets` whose headers and first bytes of body are sent at once and the rest only when
 * `finish` is called: a request the server is certainly in the middle of.
 */
export function slowSale(url: string, cookie: string, sale: object) {
  const body = Buffer.from(JSON.stringify(sale));
  let finish!: () => void;
  const finishing = new Promise<void>((resolve) => (finish = resolve));
  const answer = new Promise<{ status: number; body: { id?: string; error?: string } }>((resolve, reject) => {
    const req = request(`${url}/api/tickets`, {
      method: "POST",
      headers: { cookie, origin: url, "content-type": "application/json", "content-length": body.length },
    });
    req.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as { id?: string } }),
      );
    });
    req.on("error", reject);
    req.write(body.subarray(0, 10));
    void finishing.then(() => req.end(body.subarray(10)));
  });
  return { answer, finish };
}
