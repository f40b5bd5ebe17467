/**
 * The playground's first tabs: one of each operation kind, ready to run against the demo
 * catalogue (`npm run dev` seeds SKU-1…). Used only until GraphiQL has tabs of its own stored.
 */

const ORDERS = `# Your orders, newest first (an admin sees every order).
# One query, answered by four subgraphs.
query Orders {
  orders(first: 10) {
    edges {
      node {
        id
        status
        cancellationReason
        items { sku quantity product { name priceCents } }
        payment { status amountCents currency }
      }
    }
  }
}
`;

const PLACE_ORDER = `# Places an order; watch it go PENDING -> CONFIRMED in the
# OrderChanged tab, or on /live. paymentMethod: pm_card_ok,
# pm_card_declined, pm_card_flaky or pm_card_timeout.
mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id status items { sku quantity } }
}
`;

const PLACE_ORDER_VARIABLES = `{
  "input": {
    "items": [{ "sku": "SKU-1", "quantity": 1 }, { "sku": "SKU-2", "quantity": 2 }],
    "paymentMethod": "pm_card_ok"
  }
}
`;

const ORDER_CHANGED = `# Over WebSocket (graphql-ws): your current orders first,
# then every change as the saga runs. Stop it with the button.
subscription OrderChanged {
  orderChanged(includeCurrent: true) {
    id
    status
    items { quantity product { name } }
    payment { status }
  }
}
`;

export interface ExampleTab {
  query: string;
  variables?: string;
  headers?: string;
}

export function exampleTabs(headers: string | undefined): ExampleTab[] {
  const tab = (query: string, variables?: string): ExampleTab => ({
    query,
    ...(variables ? { variables } : {}),
    ...(headers ? { headers } : {}),
  });
  return [tab(ORDERS), tab(PLACE_ORDER, PLACE_ORDER_VARIABLES), tab(ORDER_CHANGED)];
}
