// The answer the benchmark query must produce, computed once from the static data (data.ts) by
// walking the query's shape by hand, so every gateway is checked against the data, not against
// another gateway.
import {
  AUTHOR_ID,
  IN_STOCK,
  productByUpc,
  REVIEWS_OF_EVERY_USER,
  reviewsOfProduct,
  shippingEstimate,
  TOP_PRODUCTS_DEFAULT,
  USERS,
  PRODUCTS,
  type Product,
  type Review,
  type User,
} from './data.ts';

const userFields = (u: User) => ({ id: u.id, username: u.username, name: u.name });
const reviewFields = (r: Review) => ({ id: r.id, body: r.body });
function productFields(p: Product) {
  return {
    inStock: IN_STOCK.get(p.upc) ?? null,
    name: p.name,
    price: p.price,
    shippingEstimate: shippingEstimate(p.price, p.weight),
    upc: p.upc,
    weight: p.weight,
  };
}
function productOf(review: Review): Product {
  const product = productByUpc(review.productUpc);
  if (!product) throw new Error(`review ${review.id} names unknown product ${review.productUpc}`);
  return product;
}

/** author { ...User reviews { ...Review product { ...Product } } } */
function author() {
  const user = USERS.find((u) => u.id === AUTHOR_ID)!;
  return { ...userFields(user), reviews: REVIEWS_OF_EVERY_USER.map((r) => ({ ...reviewFields(r), product: productFields(productOf(r)) })) };
}
/** reviews { ...Review author { ... } } of a product */
const productReviews = (p: Product) => reviewsOfProduct(p.upc).map((r) => ({ ...reviewFields(r), author: author() }));

export function expectedAnswer() {
  return {
    data: {
      users: USERS.map((u) => ({
        ...userFields(u),
        reviews: REVIEWS_OF_EVERY_USER.map((r) => {
          const product = productOf(r);
          return { ...reviewFields(r), product: { ...productFields(product), reviews: productReviews(product) } };
        }),
      })),
      topProducts: PRODUCTS.slice(0, TOP_PRODUCTS_DEFAULT).map((p) => ({ ...productFields(p), reviews: productReviews(p) })),
    },
  };
}
