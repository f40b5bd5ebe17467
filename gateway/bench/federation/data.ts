// The benchmark's static data (graphql-hive/graphql-gateways-benchmark, subgraphs/*.rs), built in
// code: the same users, products, stock flags and review-to-product links; review bodies are
// deterministic lorem ipsum of the original lengths, so the answer keeps its ~87 KB size.

export interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface Review {
  id: string;
  body: string;
  productUpc: string;
}

const PEOPLE: [name: string, username: string][] = [
  ['Uri Goldshtein', 'urigo'],
  ['Dotan Simha', 'dotansimha'],
  ['Kamil Kisiela', 'kamilkisiela'],
  ['Arda Tanrikulu', 'ardatan'],
  ['Gil Gardosh', 'gilgardosh'],
  ['Laurin Quast', 'laurin'],
];
export const USERS: User[] = PEOPLE.map(([name, username], i) => ({ id: String(i + 1), name, username, birthday: 1234567890 }));

const CATALOGUE: [name: string, price: number, weight: number, inStock: boolean][] = [
  ['Table', 899, 100, true],
  ['Couch', 1299, 1000, false],
  ['Glass', 15, 20, false],
  ['Chair', 499, 100, false],
  ['TV', 1299, 1000, true],
  ['Lamp', 6999, 300, true],
  ['Grill', 3999, 2000, true],
  ['Fridge', 100000, 6000, false],
  ['Sofa', 9999, 800, true],
];
export const PRODUCTS: Product[] = CATALOGUE.map(([name, price, weight], i) => ({ upc: String(i + 1), name, price, weight }));
/** The inventory subgraph's own data: stock by upc. */
export const IN_STOCK = new Map(CATALOGUE.map(([, , , inStock], i) => [String(i + 1), inStock]));

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
  'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ';
function lorem(length: number, offset: number): string {
  const start = (offset * 37) % LOREM.length;
  return LOREM.repeat(Math.ceil((length + start) / LOREM.length) + 1).slice(start, start + length);
}
// [product upc, body length] per review id 1..11, as in the benchmark.
const REVIEW_SHAPES: [string, number][] = [
  ['1', 445], ['1', 290], ['1', 283], ['1', 145], ['2', 445], ['2', 290],
  ['2', 283], ['2', 145], ['3', 145], ['4', 145], ['4', 892],
];
export const REVIEWS: Review[] = REVIEW_SHAPES.map(([productUpc, length], i) => ({ id: String(i + 1), body: lorem(length, i), productUpc }));

/** Every review's author is user 1, and every user's reviews are the first two (the benchmark's fixture). */
export const AUTHOR_ID = '1';
export const REVIEWS_OF_EVERY_USER = REVIEWS.slice(0, 2);
export const TOP_PRODUCTS_DEFAULT = 5;

export function productByUpc(upc: string): Product | undefined {
  return PRODUCTS.find((p) => p.upc === upc);
}
export function reviewsOfProduct(upc: string): Review[] {
  return REVIEWS.filter((r) => r.productUpc === upc);
}
/** @requires(fields: "price weight"): free above 1000, else half the weight. */
export function shippingEstimate(price: number | null | undefined, weight: number | null | undefined): number | null {
  if (typeof price !== 'number') return null;
  if (price > 1000) return 0;
  return typeof weight === 'number' ? Math.floor(weight / 2) : null;
}
