import { subgraphCodegenConfig } from '@tributary/service/codegen';

/** Resolver types of the notification subgraph: which read-model document stands behind each type. */
export default subgraphCodegenConfig({
  Notification: '../projections/notification-view.ts#NotificationView',
  Order: '../resolvers/order-reference.ts#OrderReference',
});
