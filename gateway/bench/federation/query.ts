// The one operation of the federation scenario of graphql-hive/graphql-gateways-benchmark (k6.js),
// reproduced as-is because it is the benchmark's definition: five levels of entity fetches across
// all four subgraphs, @provides (Review.author.username) and @requires (Product.shippingEstimate).
export const BENCHMARK_QUERY = /* GraphQL */ `
fragment User on User {
  id
  username
  name
}

fragment Review on Review {
  id
  body
}

fragment Product on Product {
  inStock
  name
  price
  shippingEstimate
  upc
  weight
}

query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }
  }
  topProducts {
    ...Product
    reviews {
      ...Review
      author {
        ...User
        reviews {
          ...Review
          product {
            ...Product
          }
        }
      }
    }
  }
}
`;

/** The request body every load-generator connection sends (JSON, as k6 sends it). */
export const BENCHMARK_BODY = JSON.stringify({ query: BENCHMARK_QUERY });
