import { subgraphCodegenConfig } from '@tributary/service/codegen';

/** Resolver types of the order subgraph: which read-model document stands behind each type. */
export default subgraphCodegenConfig({ Order: '../projections/order-view.ts#OrderView' });
