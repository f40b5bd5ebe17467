import { subgraphCodegenConfig } from '@tributary/service/codegen';

/** Resolver types of the payment subgraph: which read-model document stands behind each type. */
export default subgraphCodegenConfig({
  Order: '../resolvers/order-reference.ts#OrderReference',
  Payment: '../projections/payment-view.ts#RequestedPaymentView',
});
