import { subgraphCodegenConfig } from '@tributary/service/codegen';

/** Resolver types of the inventory subgraph: which read-model document stands behind each type. */
export default subgraphCodegenConfig({
  Product: '../projections/product-view.ts#ProductView',
  Reservation: '../projections/reservation-view.ts#ReservationView',
  Order: '../queries/reservation-queries.ts#OrderReference',
});
