export { createOrderService, type Order, type OrderRequest, placeOrder } from "./order-service.ts";
