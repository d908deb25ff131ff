import { Herald } from "@herald/client";
import { createOrderService } from "./order-service.ts";

const apiKey = process.env.HERALD_API_KEY;
if (!apiKey) {
  console.error("Set HERALD_API_KEY (npm start prints a dev key; `npm run keys -- create` makes one).");
  process.exit(2);
}
const herald = new Herald({ apiKey, baseUrl: process.env.HERALD_URL ?? "http://localhost:3000" });
const port = Number(process.env.PORT ?? 4000);
createOrderService(herald).listen(port, () => {
  console.info(`order-service on http://localhost:${port}`);
  console.info(
    `try: curl -X POST localhost:${port}/orders -H 'content-type: application/json' -d '{"customer":{"id":"ada","email":"ada@example.com"},"currency":"EUR","items":[{"name":"Linen shirt","quantity":1,"price":59.9}]}'`,
  );
});
