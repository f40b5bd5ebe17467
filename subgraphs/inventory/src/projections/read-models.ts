import { Schema, type Connection, type Model } from 'mongoose';
import type { ProductView } from './product-view.ts';
import type { ReservationView } from './reservation-view.ts';

/** Who placed an order: what Order.reservation needs to decide whether the caller may see it. */
export interface OrderOwner {
  /** The order id. */
  _id: string;
  customerId: string;
}

// Every query of this service reads by _id (product by sku, reservation and owner by order id)
// or pages products in _id (= sku) order, which the built-in _id index serves. The name search
// is an unanchored case-insensitive regex that no index could serve, so it adds none: it scans
// the catalogue in _id order and stops after one page of matches.
/** The change-feed channel every new version of a product document is announced on. */
export const PRODUCT_CHANGES_CHANNEL = 'products';

const readModelOptions = { versionKey: false, timestamps: false, autoIndex: false } as const;

const productSchema = new Schema<ProductView>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    priceCents: { type: Number, required: true },
    currency: { type: String, required: true },
    stock: { type: Number, required: true },
    reserved: { type: Number, required: true },
    available: { type: Number, required: true },
    version: { type: Number, required: true },
  },
  { ...readModelOptions, collection: 'products' },
);

const reservationSchema = new Schema<ReservationView>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true, enum: ['PENDING', 'RESERVED', 'REJECTED', 'RELEASED'] },
    lines: [{ _id: false, sku: String, quantity: Number, unitPriceCents: Number }],
    rejectedSkus: [String],
    version: { type: Number, required: true },
  },
  { ...readModelOptions, collection: 'reservations' },
);

const orderOwnerSchema = new Schema<OrderOwner>(
  { _id: { type: String, required: true }, customerId: { type: String, required: true } },
  { ...readModelOptions, collection: 'order_owners' },
);

export interface ReadModels {
  products: Model<ProductView>;
  reservations: Model<ReservationView>;
  orderOwners: Model<OrderOwner>;
  /** Creates the collections (and any index the schemas declare). */
  init(): Promise<void>;
}

/** The service's read models on one connection; models are registered once per connection. */
export function createReadModels(connection: Connection): ReadModels {
  const model = <T>(name: string, schema: Schema<T>) => (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  const products = model('ProductView', productSchema);
  const reservations = model('ReservationView', reservationSchema);
  const orderOwners = model('OrderOwner', orderOwnerSchema);
  return {
    products,
    reservations,
    orderOwners,
    async init() {
      // init() creates the collection; indexes are explicit because autoIndex is off.
      await Promise.all([products.init(), reservations.init(), orderOwners.init()]);
      await Promise.all([products.createIndexes(), reservations.createIndexes(), orderOwners.createIndexes()]);
    },
  };
}
