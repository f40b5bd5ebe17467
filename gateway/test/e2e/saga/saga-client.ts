import { randomUUID } from 'node:crypto';
import { eventually, type Stack } from '../../support/stack.ts';

/** What the saga tests ask the gateway, in one place: one query spans all four subgraphs. */
export const ORDER_ACROSS_SUBGRAPHS = `query Order($id: ID!) {
  order(id: $id) {
    id status cancellationReason cancellationDetail
    items { sku quantity product { name priceCents currency } }
    reservation { status lines { sku quantity unitPriceCents } rejectedSkus }
    payment { status amountCents currency declineReason attempts }
    notifications { type subject recipient }
  }
}`;

export interface OrderAcross {
  id: string;
  status: string;
  cancellationReason: string | null;
  cancellationDetail: string | null;
  items: { sku: string; quantity: number; product: { name: string; priceCents: number; currency: string } | null }[];
  reservation: { status: string; lines: { sku: string; quantity: number; unitPriceCents: number }[]; rejectedSkus: string[] } | null;
  payment: { status: string; amountCents: number | null; currency: string | null; declineReason: string | null; attempts: number } | null;
  notifications: { type: string; subject: string; recipient: string }[];
}

const PLACE = `mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
const ADD_PRODUCT = `mutation Add($input: AddProductInput!) { addProduct(input: $input) { sku available } }`;
const PRODUCT = `query Product($sku: String!) { product(sku: $sku) { sku available reserved } }`;

export function sagaClient(stack: Stack) {
  return {
    /** A product of its own for each test, so tests never share stock. */
    async addProduct(admin: string, stock: number, priceCents = 1250): Promise<string> {
      const sku = `E2E-${randomUUID().slice(0, 8)}`;
      const result = await stack.graphql(ADD_PRODUCT, { input: { sku, name: `Test product ${sku}`, priceCents, stock } }, admin);
      if (result.errors) throw new Error(`addProduct failed: ${JSON.stringify(result.errors)}`);
      return sku;
    },

    async place(token: string, items: { sku: string; quantity: number }[], paymentMethod?: string): Promise<string> {
      const result = await stack.graphql<{ placeOrder: { id: string } }>(PLACE, { input: { items, ...(paymentMethod ? { paymentMethod } : {}) } }, token);
      if (!result.data?.placeOrder) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
      return result.data.placeOrder.id;
    },

    async order(id: string, token: string): Promise<OrderAcross | null> {
      const result = await stack.graphql<{ order: OrderAcross | null }>(ORDER_ACROSS_SUBGRAPHS, { id }, token);
      if (result.errors) throw new Error(`order query failed: ${JSON.stringify(result.errors)}`);
      return result.data?.order ?? null;
    },

    /** Waits until the order (as the gateway joins it) satisfies `done`. */
    async until(id: string, token: string, done: (order: OrderAcross) => boolean, what: string, timeoutMs = 30_000): Promise<OrderAcross> {
      let last: OrderAcross | null = null;
      try {
        return await eventually(async () => {
          last = await this.order(id, token);
          return last && done(last) ? last : null;
        }, timeoutMs, what, 100);
      } catch (error) {
        throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`);
      }
    },

    /** The charges the provider recorded for one order (refunded ones included). */
    async chargesOf(orderId: string): Promise<{ id: string; status: string; refunded?: boolean }[]> {
      const response = await fetch(`${stack.providerUrl}/v1/charges?description=${encodeURIComponent(`order ${orderId}`)}`);
      return ((await response.json()) as { data: { id: string; status: string; refunded?: boolean }[] }).data;
    },

    async product(sku: string, token: string): Promise<{ available: number; reserved: number }> {
      const result = await stack.graphql<{ product: { available: number; reserved: number } }>(PRODUCT, { sku }, token);
      if (!result.data?.product) throw new Error(`product ${sku} not found: ${JSON.stringify(result.errors)}`);
      const { available, reserved } = result.data.product;
      return { available, reserved };
    },
  };
}
